"""workorders: row-level security on the module's tables

Revision ID: workorders02rls
Revises: 4e723822ecf8
"""

from alembic import op

from core import disable_row_security, enable_row_security

revision = "workorders02rls"
down_revision = "4e723822ecf8"
branch_labels = None
depends_on = None

TABLES = (
    "workorders_bill_of_lading",
    "workorders_bill_of_lading_line",
    "workorders_note",
    "workorders_order",
    "workorders_packing_slip",
    "workorders_packing_slip_line",
    "workorders_part",
    "workorders_progress",
    "workorders_purchase_order",
    "workorders_purchase_order_line",
    "workorders_request",
    "workorders_stage",
    "workorders_step",
    "workorders_tag",
    "workorders_work_type",
    "workorders_work_type_customer",
)


def upgrade() -> None:
    enable_row_security(op, *TABLES)


def downgrade() -> None:
    disable_row_security(op, *TABLES)
