"""permission offers: default grants given once per tenant and permission

Existing tenants are taken to have been offered every permission one of their roles holds; a
permission nobody holds yet (one added by an upgrade, such as the admin pages of the kernel's
services) gets its default grants at the next start-up.

Revision ID: 3c9a7e5d1f20
Revises: 5d2e8f1a9c47
Create Date: 2026-12-01 22:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '3c9a7e5d1f20'
down_revision = '5d2e8f1a9c47'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'core_permission_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('permission', sa.String(length=100), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_permission_offer_tenant_id_core_tenant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_core_permission_offer')),
        sa.UniqueConstraint('tenant_id', 'permission', name=op.f('uq_core_permission_offer_tenant_id')),
    )
    with op.batch_alter_table('core_permission_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_permission_offer_tenant_id'), ['tenant_id'], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO core_permission_offer (tenant_id, permission) "
            "SELECT DISTINCT tenant_id, permission FROM core_role_permission"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table('core_permission_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_permission_offer_tenant_id'))
    op.drop_table('core_permission_offer')
