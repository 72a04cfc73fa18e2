"""calendar feeds carry reminders

Revision ID: c5e2a7f91d34
Revises: d3f1a6b8c420
Create Date: 2026-12-08 10:00:00

A troupe's feed gives every event reminders (VALARM): the evening before and an hour before,
both on by default, which the troupe's leader may turn off. Kept feed bytes were built without
them, so they are dropped (``body_version``) and built again with the reminders on next poll.
"""
from alembic import op
import sqlalchemy as sa

import festival.db


revision = 'c5e2a7f91d34'
down_revision = 'd3f1a6b8c420'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_evening_before', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('remind_hour_before', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('reminders_changed_at', festival.db.UTCDateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE calendar_feeds SET body_version = NULL WHERE troupe_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('reminders_changed_at')
        batch_op.drop_column('remind_hour_before')
        batch_op.drop_column('remind_evening_before')
    op.execute("UPDATE calendar_feeds SET body_version = NULL WHERE troupe_id IS NOT NULL")
