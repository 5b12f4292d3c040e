"""reset requests

"Forgot your password" requests wait in their own table for the mail worker, so that the form
does the same work whatever the address.

Revision ID: 2da66a2a4a0f
Revises: 15a54858b2b8
Create Date: 2026-12-03 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '2da66a2a4a0f'
down_revision = '15a54858b2b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'core_reset_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('link_base', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_reset_request_tenant_id_core_tenant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_core_reset_request')),
    )
    with op.batch_alter_table('core_reset_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_reset_request_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_reset_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_reset_request_tenant_id'))
    op.drop_table('core_reset_request')
