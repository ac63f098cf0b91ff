"""skills: learners' self-assessments of the framework's skills

Revision ID: 350d69d8ecde
Revises: 5e2b8c41d7a9
Create Date: 2026-11-30 05:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '350d69d8ecde'
down_revision = '5e2b8c41d7a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skill_self_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.SmallInteger(), nullable=True),
    sa.Column('after', sa.SmallInteger(), nullable=True),
    sa.Column('share', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_skill_self_assessment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_self_assessment')),
    sa.UniqueConstraint('user_id', 'skill_id', name=op.f('uq_skill_self_assessment_user_id'))
    )
    with op.batch_alter_table('skill_self_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_self_assessment_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('skill_self_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_self_assessment_user_id'))

    op.drop_table('skill_self_assessment')
