"""calendar feeds: each event's rendered text kept, so a change renders one event again

Revision ID: 5b2e9d7c1f04
Revises: c4f8a2d6e913
Create Date: 2026-12-07 15:10:00

Starts empty: the first build of each feed renders its events and keeps their texts.

On PostgreSQL both tables of kept bytes are UNLOGGED: they hold only what can be rendered
again from the events, a crash empties them (the next fetch renders again), and writing
megabytes of a feed through the write-ahead log took a third of a change's next fetch. The
bytes are stored out of line without compression (STORAGE EXTERNAL): pglz on megabytes of
text cost more than the disk it saves (the gzip copy is the compressed one).
"""

import sqlalchemy as sa
from alembic import op

import festival.db

revision = "5b2e9d7c1f04"
down_revision = "c4f8a2d6e913"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_event_texts",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("feed", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("context", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tzids", sa.String(length=200), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_calendar_event_texts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "feed", name=op.f("pk_calendar_event_texts")),
        sa.CheckConstraint(
            "length(feed) <= 8", name=op.f("ck_calendar_event_texts_feed_max_length")
        ),
        sa.CheckConstraint(
            "length(context) <= 16", name=op.f("ck_calendar_event_texts_context_max_length")
        ),
        sa.CheckConstraint(
            "length(tzids) <= 200", name=op.f("ck_calendar_event_texts_tzids_max_length")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        for column in ("plain", "gzip"):
            op.execute(
                f"ALTER TABLE calendar_feed_bodies ALTER COLUMN {column} SET STORAGE EXTERNAL"
            )
        for table in ("calendar_feed_bodies", "calendar_event_texts"):
            op.execute(f"ALTER TABLE {table} SET UNLOGGED")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE calendar_feed_bodies SET LOGGED")
        for column in ("plain", "gzip"):
            op.execute(
                f"ALTER TABLE calendar_feed_bodies ALTER COLUMN {column} SET STORAGE EXTENDED"
            )
    op.drop_table("calendar_event_texts")
