"""quotes: row-level security on the module's tables

Revision ID: quotes02rls
Revises: admin01
"""

from alembic import op

from core import disable_row_security, enable_row_security

revision = "quotes02rls"
down_revision = "admin01"
branch_labels = None
depends_on = None

TABLES = (
    "quotes_approval",
    "quotes_change_request",
    "quotes_line",
    "quotes_payment",
    "quotes_quote",
)


def upgrade() -> None:
    enable_row_security(op, *TABLES)


def downgrade() -> None:
    disable_row_security(op, *TABLES)
