"""grant the new settings permissions to existing vendor admin roles

New portals get "core.admin.settings" and "core.admin.security" through the permissions' default
roles; portals created before them would otherwise have no admin who can open those pages.

Revision ID: 6a1d2c0e5f06
Revises: 8214458e4bc3
Create Date: 2026-12-01 19:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '6a1d2c0e5f06'
down_revision = '8214458e4bc3'
branch_labels = None
depends_on = None

PERMISSIONS = ("core.admin.settings", "core.admin.security")


def upgrade() -> None:
    for permission in PERMISSIONS:
        op.execute(
            sa.text(
                "INSERT INTO core_role_permission (tenant_id, role_id, permission) "
                "SELECT r.tenant_id, r.id, :permission FROM core_role r "
                "WHERE r.key = 'vendor_admin' AND NOT EXISTS ("
                "SELECT 1 FROM core_role_permission p WHERE p.role_id = r.id AND p.permission = :permission)"
            ).bindparams(permission=permission)
        )
    # Every worker rebuilds its cached tenant state with the new grants.
    op.execute(sa.text("UPDATE core_tenant SET config_version = config_version + 1"))


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM core_role_permission WHERE permission IN ('core.admin.settings', 'core.admin.security')")
    )
