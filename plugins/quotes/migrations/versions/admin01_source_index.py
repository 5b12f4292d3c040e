"""quotes admin: index on quotes_quote.source_id

The admin's record page lists the orders made from a record and converting a quote looks for
the order already made from it; both ask for ``source_id = ?``. Without an index each asks for a
scan of every quote, and deleting a quote makes the database scan them all for references.

Revision ID: admin01
Revises: 31278fb6d9e9
"""

from alembic import op

revision = "admin01"
down_revision = "31278fb6d9e9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_quotes_quote_source", "quotes_quote", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quotes_quote_source", table_name="quotes_quote")
