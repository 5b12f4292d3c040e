"""documents: publications of PDF snapshots sent to customers

Revision ID: 7d0c5e1a9b21
Revises: 6a1d2c0e5f06
Create Date: 2026-12-01 19:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '7d0c5e1a9b21'
down_revision = '6a1d2c0e5f06'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_publication_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['sent_by'], ['core_user.id'], name=op.f('fk_core_publication_sent_by_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_publication_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_publication')),
    sa.UniqueConstraint('tenant_id', 'doc_type', 'record_id', 'version', name=op.f('uq_core_publication_tenant_id'))
    )
    with op.batch_alter_table('core_publication', schema=None) as batch_op:
        batch_op.create_index('ix_core_publication_record', ['doc_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_publication_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_publication_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_publication_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_core_publication_customer_id'))
        batch_op.drop_index('ix_core_publication_record')

    op.drop_table('core_publication')
