"""notices: messages to customer accounts, announcements, read state

Revision ID: 5e0c7a9d2b18
Revises: 7d0c5e1a9b21
Create Date: 2026-12-01 19:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '5e0c7a9d2b18'
down_revision = '7d0c5e1a9b21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('include_sites', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_core_message_created_by_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_message_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_message_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_message'))
    )
    with op.batch_alter_table('core_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_message_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_message_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('core_message_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['core_message.id'], name=op.f('fk_core_message_read_message_id_core_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_message_read_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_message_read_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_message_read')),
    sa.UniqueConstraint('message_id', 'user_id', name=op.f('uq_core_message_read_message_id'))
    )
    with op.batch_alter_table('core_message_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_message_read_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_message_read_user_id'), ['user_id'], unique=False)

    op.create_table('core_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('publish_until', sa.Date(), nullable=True),
    sa.Column('all_customers', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_core_announcement_created_by_core_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_announcement_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_announcement'))
    )
    with op.batch_alter_table('core_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_announcement_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('core_announcement_customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['core_announcement.id'], name=op.f('fk_core_announcement_customer_announcement_id_core_announcement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['core_customer.id'], name=op.f('fk_core_announcement_customer_customer_id_core_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_announcement_customer_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_announcement_customer')),
    sa.UniqueConstraint('announcement_id', 'customer_id', name=op.f('uq_core_announcement_customer_announcement_id'))
    )
    with op.batch_alter_table('core_announcement_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_announcement_customer_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_announcement_customer_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('core_announcement_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['core_announcement.id'], name=op.f('fk_core_announcement_read_announcement_id_core_announcement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['core_tenant.id'], name=op.f('fk_core_announcement_read_tenant_id_core_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_announcement_read_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_announcement_read')),
    sa.UniqueConstraint('announcement_id', 'user_id', name=op.f('uq_core_announcement_read_announcement_id'))
    )
    with op.batch_alter_table('core_announcement_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_announcement_read_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_announcement_read_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ('core_announcement_read', ('ix_core_announcement_read_user_id', 'ix_core_announcement_read_tenant_id')),
        ('core_announcement_customer', ('ix_core_announcement_customer_tenant_id', 'ix_core_announcement_customer_customer_id')),
        ('core_announcement', ('ix_core_announcement_tenant_id',)),
        ('core_message_read', ('ix_core_message_read_user_id', 'ix_core_message_read_tenant_id')),
        ('core_message', ('ix_core_message_tenant_id', 'ix_core_message_customer_id')),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
