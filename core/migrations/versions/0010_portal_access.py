"""portal access: a contact can be on file without a login

Revision ID: 5d2f0c7a9b11
Revises: 7d3c2a9e0010
Create Date: 2026-12-01 19:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5d2f0c7a9b11'
down_revision = '7d3c2a9e0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core_user') as batch:
        batch.add_column(sa.Column('portal_access', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('core_user') as batch:
        batch.drop_column('portal_access')
