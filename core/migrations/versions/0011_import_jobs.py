"""import jobs

Revision ID: 5d2e8f1a9c47
Revises: 5d2f0c7a9b11
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '5d2e8f1a9c47'
down_revision = '5d2f0c7a9b11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('file_key', sa.String(length=100), nullable=True),
    sa.Column('skip_bad', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('failure', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_core_import_job_created_by_core_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_import_job_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_import_job'))
    )
    with op.batch_alter_table('core_import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_import_job_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_import_job_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_import_job_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_core_import_job_created_by'))

    op.drop_table('core_import_job')
