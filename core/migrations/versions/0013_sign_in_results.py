"""sign-in results

A sign-in attempt records what became of it (checking, right, wrong, throttled) instead of a
success flag, so that only wrong passwords count towards a lock. Existing attempts become right
or wrong.

Revision ID: 15a54858b2b8
Revises: 3c9a7e5d1f20
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '15a54858b2b8'
down_revision = '3c9a7e5d1f20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result', sa.String(length=10), nullable=True))
    op.execute(sa.text("UPDATE core_login_attempt SET result = CASE WHEN success THEN 'right' ELSE 'wrong' END"))
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.alter_column('result', existing_type=sa.String(length=10), nullable=False)
        batch_op.drop_column('success')


def downgrade() -> None:
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('success', sa.Boolean(), nullable=True))
    # Attempts that checked no password were never successes.
    op.execute(sa.text("UPDATE core_login_attempt SET success = (result = 'right')"))
    with op.batch_alter_table('core_login_attempt', schema=None) as batch_op:
        batch_op.alter_column('success', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column('result')
