"""row-level security on every tenant-owned table

On PostgreSQL each table with a tenant_id shows and accepts only the rows of the tenant named by
the transaction's portico.tenant_id setting (see core/row_security.py); nothing on SQLite.

Revision ID: 5e1f0c2a7b93
Revises: 2da66a2a4a0f
Create Date: 2026-12-05 10:00:00
"""

from alembic import op

from core.row_security import disable_row_security, enable_row_security

revision = "5e1f0c2a7b93"
down_revision = "2da66a2a4a0f"
branch_labels = None
depends_on = None

TABLES = (
    "core_announcement",
    "core_announcement_customer",
    "core_announcement_read",
    "core_api_token",
    "core_comment",
    "core_contact_request",
    "core_customer",
    "core_discussion_participant",
    "core_discussion_post",
    "core_discussion_thread",
    "core_email_template",
    "core_import_job",
    "core_login_attempt",
    "core_message",
    "core_message_read",
    "core_outbox",
    "core_permission_offer",
    "core_publication",
    "core_recent_item",
    "core_record_file",
    "core_reset_request",
    "core_role",
    "core_role_permission",
    "core_tenant_module",
    "core_user",
    "core_user_token",
    "core_web_session",
)


def upgrade() -> None:
    enable_row_security(op, *TABLES)


def downgrade() -> None:
    disable_row_security(op, *TABLES)
