"""comments and files on records

Revision ID: 7d3c2a9e0010
Revises: 9d1c5a0e7b21
Create Date: 2026-12-01 19:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '7d3c2a9e0010'
down_revision = '9d1c5a0e7b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('record_type', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['core_user.id'], name=op.f('fk_core_comment_author_id_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_comment_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_comment_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_comment'))
    )
    with op.batch_alter_table('core_comment', schema=None) as batch_op:
        batch_op.create_index('ix_core_comment_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_comment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_comment_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('core_record_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('record_type', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploader_name', sa.String(length=200), nullable=False),
    sa.Column('visible_in_portal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_record_file_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_record_file_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['core_user.id'], name=op.f('fk_core_record_file_uploaded_by_core_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_record_file'))
    )
    with op.batch_alter_table('core_record_file', schema=None) as batch_op:
        batch_op.create_index('ix_core_record_file_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_record_file_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_record_file_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_record_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_record_file_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_core_record_file_customer_id'))
        batch_op.drop_index('ix_core_record_file_record')

    op.drop_table('core_record_file')
    with op.batch_alter_table('core_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_comment_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_core_comment_customer_id'))
        batch_op.drop_index('ix_core_comment_record')

    op.drop_table('core_comment')
