"""accounts: linked Wikimedia identities; accounts without email or password; award recipient type

Revision ID: 5e2b8c41d7a9
Revises: fc982b047cd2
Create Date: 2026-11-30 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e2b8c41d7a9'
down_revision = 'fc982b047cd2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wikimedia_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.Column('badges_by_user_page', sa.Boolean(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_wikimedia_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wikimedia_identity')),
    sa.UniqueConstraint('sub', name=op.f('uq_wikimedia_identity_sub'))
    )
    with op.batch_alter_table('wikimedia_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wikimedia_identity_user_id'), ['user_id'], unique=True)

    # Accounts made by signing in with Wikimedia have no email (until confirmed) nor password.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=True)

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_type', sa.String(length=8), server_default='email', nullable=False))


def downgrade():
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_column('recipient_type')

    # Accounts without an email or a password cannot exist before this revision.
    op.execute('DELETE FROM "user" WHERE email IS NULL OR password_hash IS NULL')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)

    with op.batch_alter_table('wikimedia_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wikimedia_identity_user_id'))

    op.drop_table('wikimedia_identity')
