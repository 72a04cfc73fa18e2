"""calendar feeds: the kept bytes apart from the state, with a gzip copy

Revision ID: c4f8a2d6e913
Revises: 218eae281b59
Create Date: 2026-12-07 13:45:00

A feed's built bytes move from ``calendar_feeds.body`` to a row of ``calendar_feed_bodies``
(the plain bytes and their gzip copy, for the version they were built for), so that a poll
reads the small state row and never a BLOB. Kept bytes are copied, with their gzip copy made
here (mtime 0, as the application makes it).
"""

import gzip

import sqlalchemy as sa
from alembic import op

revision = "c4f8a2d6e913"
down_revision = "218eae281b59"
branch_labels = None
depends_on = None

_feeds = sa.table(
    "calendar_feeds",
    sa.column("id", sa.Integer),
    sa.column("body", sa.LargeBinary),
    sa.column("body_version", sa.Integer),
)
_bodies = sa.table(
    "calendar_feed_bodies",
    sa.column("feed_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("plain", sa.LargeBinary),
    sa.column("gzip", sa.LargeBinary),
)


def upgrade():
    op.create_table(
        "calendar_feed_bodies",
        sa.Column("feed_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plain", sa.LargeBinary(), nullable=False),
        sa.Column("gzip", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["calendar_feeds.id"],
            name=op.f("fk_calendar_feed_bodies_feed_id_calendar_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", name=op.f("pk_calendar_feed_bodies")),
    )
    connection = op.get_bind()
    kept = connection.execute(
        sa.select(_feeds.c.id, _feeds.c.body_version, _feeds.c.body).where(
            _feeds.c.body.is_not(None), _feeds.c.body_version.is_not(None)
        )
    ).all()
    if kept:
        connection.execute(
            _bodies.insert(),
            [
                {
                    "feed_id": feed_id,
                    "version": version,
                    "plain": bytes(body),
                    "gzip": gzip.compress(bytes(body), compresslevel=9, mtime=0),
                }
                for feed_id, version, body in kept
            ],
        )
    # A feed whose bytes were not kept must not claim a current version.
    connection.execute(_feeds.update().where(_feeds.c.body.is_(None)).values(body_version=None))

    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_column("body")


def downgrade():
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))

    connection = op.get_bind()
    for feed_id, version, plain in connection.execute(
        sa.select(_bodies.c.feed_id, _bodies.c.version, _bodies.c.plain)
    ).all():
        connection.execute(
            _feeds.update().where(_feeds.c.id == feed_id).values(body=plain, body_version=version)
        )

    op.drop_table("calendar_feed_bodies")
