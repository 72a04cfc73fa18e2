"""login limits counted atomically in login_throttles; usernames stored normalised

Revision ID: a7d4c0e9b215
Revises: 3c5e7a9d1f20
Create Date: 2026-12-08 10:00:00

Every username is stored in the form that festival.accounts.usernames.normalize_username
gives (NFKC, case folded, no surrounding spaces), so a look-alike spelling is the same account.
Existing names are rewritten; when two of them become the same name the migration stops
before changing anything and names the accounts, to be renamed by hand first.
The function is copied here on purpose: a migration must not change when the app's code does.
"""
import unicodedata

from alembic import op
import sqlalchemy as sa
import festival.db


revision = 'a7d4c0e9b215'
down_revision = '3c5e7a9d1f20'
branch_labels = None
depends_on = None


def normalize_username(text):
    folded = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


class UsernameCollision(RuntimeError):
    pass


def normalize_stored_usernames(connection):
    """Rewrite every username to its normalised form; raise UsernameCollision (changing nothing)
    if two accounts would get the same name. Returns the number of names rewritten."""
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all()
    by_name = {}
    for user_id, username in rows:
        by_name.setdefault(normalize_username(username), []).append((user_id, username))
    collisions = {name: found for name, found in by_name.items() if len(found) > 1}
    if collisions:
        lines = [f"  {name!r}: " + ", ".join(f"id {i} {u!a}" for i, u in found)
                 for name, found in sorted(collisions.items())]
        raise UsernameCollision(
            "These accounts have usernames that are the same after normalisation (NFKC and "
            "case folding), so they could log into each other's account. Rename all but one "
            "of each group (UPDATE users SET username = ... WHERE id = ...) and run the "
            "migration again:\n" + "\n".join(lines))
    changed = [(user_id, normalize_username(username)) for user_id, username in rows
               if normalize_username(username) != username]
    for user_id, username in changed:
        connection.execute(users.update().where(users.c.id == user_id).values(username=username))
    return len(changed)


def upgrade():
    # First, before any DDL: a collision stops the migration with nothing changed.
    normalize_stored_usernames(op.get_bind())

    op.create_table(
        'login_throttles',
        sa.Column('scope', sa.Enum('account', 'address', name='throttle_scope',
                                   native_enum=False, create_constraint=True), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('window_started_at', festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.CheckConstraint('length(address) <= 64',
                           name=op.f('ck_login_throttles_address_max_length')),
        sa.CheckConstraint('length(username) <= 64',
                           name=op.f('ck_login_throttles_username_max_length')),
        sa.PrimaryKeyConstraint('scope', 'address', 'username', name=op.f('pk_login_throttles')),
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_window_started_at'),
                              ['window_started_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_window_started_at'))
    op.drop_table('login_throttles')
    # Normalised usernames stay: the older code finds them case-insensitively too.
