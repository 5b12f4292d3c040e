"""discussions: threads, participants, posts

Revision ID: 9d1c5a0e7b21
Revises: 5e0c7a9d2b18
Create Date: 2026-12-01 19:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '9d1c5a0e7b21'
down_revision = '5e0c7a9d2b18'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_discussion_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('record_type', sa.String(length=100), nullable=True),
    sa.Column('record_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_post_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_core_discussion_thread_created_by_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_discussion_thread_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_discussion_thread_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_discussion_thread'))
    )
    with op.batch_alter_table('core_discussion_thread', schema=None) as batch_op:
        batch_op.create_index('ix_core_discussion_thread_record', ['tenant_id', 'record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_discussion_thread_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_discussion_thread_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('core_discussion_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_read_post_id', sa.Integer(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_discussion_participant_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['core_discussion_thread.id'], name=op.f('fk_core_discussion_participant_thread_id_core_discussion_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_discussion_participant_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_discussion_participant')),
    sa.UniqueConstraint('thread_id', 'user_id', name=op.f('uq_core_discussion_participant_thread_id'))
    )
    with op.batch_alter_table('core_discussion_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_discussion_participant_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_discussion_participant_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_discussion_participant_user_id'), ['user_id'], unique=False)

    op.create_table('core_discussion_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['core_user.id'], name=op.f('fk_core_discussion_post_author_id_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_discussion_post_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['core_discussion_thread.id'], name=op.f('fk_core_discussion_post_thread_id_core_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_discussion_post'))
    )
    with op.batch_alter_table('core_discussion_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_discussion_post_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_discussion_post_thread_id'), ['thread_id'], unique=False)


def downgrade() -> None:
    op.drop_table('core_discussion_post')
    op.drop_table('core_discussion_participant')
    op.drop_table('core_discussion_thread')
