"""Learning: quiz draws, and the questions each attempt asked

Revision ID: 3c1f6a9d2b47
Revises: 744b56017090
Create Date: 2026-11-30 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f6a9d2b47'
down_revision = '744b56017090'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('form_token', sa.String(length=64), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quiz_draw_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_draw')),
    sa.UniqueConstraint('user_id', 'quiz_id', name=op.f('uq_quiz_draw_user_id'))
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('questions')

    op.drop_table('quiz_draw')
