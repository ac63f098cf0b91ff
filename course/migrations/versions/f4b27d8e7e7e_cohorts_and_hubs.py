"""cohorts: hubs and their coordinators, cohorts, leads, members and announcements

Revision ID: f4b27d8e7e7e
Revises: 350d69d8ecde
Create Date: 2026-11-30 05:20:13.122377

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4b27d8e7e7e'
down_revision = '350d69d8ecde'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hub',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('regional', 'thematic', 'linguistic', name='hubkind', native_enum=False, length=16), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('descriptions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub')),
    sa.UniqueConstraint('slug', name=op.f('uq_hub_slug'))
    )
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('due_dates', sa.JSON(), nullable=False),
    sa.Column('max_size', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('joining_open', sa.Boolean(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_cohort_hub_id_hub'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('code', name=op.f('uq_cohort_code'))
    )
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_hub_id'), ['hub_id'], unique=False)

    op.create_table('hub_coordinator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_hub_coordinator_hub_id_hub'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_hub_coordinator_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_coordinator')),
    sa.UniqueConstraint('hub_id', 'user_id', name=op.f('uq_hub_coordinator_hub_id'))
    )
    with op.batch_alter_table('hub_coordinator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_coordinator_user_id'), ['user_id'], unique=False)

    op.create_table('cohort_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_cohort_announcement_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_announcement_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_announcement'))
    )
    with op.batch_alter_table('cohort_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_announcement_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('cohort_lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_lead_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cohort_lead_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_lead')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_lead_cohort_id'))
    )
    with op.batch_alter_table('cohort_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_lead_user_id'), ['user_id'], unique=False)

    op.create_table('cohort_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_member_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cohort_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_member')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_member_cohort_id'))
    )
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_member_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('cohort_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_member_user_id'))

    op.drop_table('cohort_member')
    with op.batch_alter_table('cohort_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_lead_user_id'))

    op.drop_table('cohort_lead')
    with op.batch_alter_table('cohort_announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_announcement_cohort_id'))

    op.drop_table('cohort_announcement')
    with op.batch_alter_table('hub_coordinator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_coordinator_user_id'))

    op.drop_table('hub_coordinator')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_hub_id'))

    op.drop_table('cohort')
    op.drop_table('hub')
