"""schedules: the end of each series, feed versions and their cached bytes

Revision ID: b9a8e0ab7604
Revises: 6b1f0c2a9d10
Create Date: 2026-11-29 00:33:47

calendar_feeds held no rows before this revision (nothing wrote it), so it is
made anew rather than altered column by column.
"""
from alembic import op
import sqlalchemy as sa
import festival.db


revision = 'b9a8e0ab7604'
down_revision = '6b1f0c2a9d10'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('calendar_feeds')
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('troupe_id', sa.Integer(), nullable=True),
    sa.Column('festival_id', sa.Integer(), nullable=True),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.Column('selector', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', festival.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('body_version', sa.Integer(), nullable=True),
    sa.Column('etag', sa.String(length=80), nullable=True),
    sa.Column('created_at', festival.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', festival.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(troupe_id IS NULL) <> (festival_id IS NULL)', name=op.f('ck_calendar_feeds_one_owner')),
    sa.CheckConstraint('length(secret) <= 64', name=op.f('ck_calendar_feeds_secret_max_length')),
    sa.CheckConstraint('length(etag) <= 80', name=op.f('ck_calendar_feeds_etag_max_length')),
    sa.CheckConstraint('length(selector) <= 16', name=op.f('ck_calendar_feeds_selector_max_length')),
    sa.ForeignKeyConstraint(['troupe_id'], ['troupes.id'], name=op.f('fk_calendar_feeds_troupe_id_troupes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['festival_id'], ['festivals.id'], name=op.f('fk_calendar_feeds_festival_id_festivals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('secret', name=op.f('uq_calendar_feeds_secret')),
    sa.UniqueConstraint('selector', name=op.f('uq_calendar_feeds_selector')),
    sa.UniqueConstraint('troupe_id', name=op.f('uq_calendar_feeds_troupe_id')),
    sa.UniqueConstraint('festival_id', name=op.f('uq_calendar_feeds_festival_id'))
    )

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_ends_at', festival.db.UTCDateTime(timezone=True), nullable=True))
    op.execute('UPDATE events SET series_ends_at = ends_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('series_ends_at', existing_type=festival.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.create_check_constraint('series_ends_after_first', 'series_ends_at >= ends_at')
        batch_op.create_index('ix_events_location_starts_at', ['location', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_series_ends_at'), ['series_ends_at'], unique=False)
        batch_op.create_index('ix_events_troupe_id_starts_at', ['troupe_id', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_troupe_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_series_ends_at'))
        batch_op.drop_index('ix_events_location_starts_at')
        batch_op.drop_constraint(op.f('ck_events_series_ends_after_first'), type_='check')
        batch_op.drop_column('series_ends_at')

    op.drop_table('calendar_feeds')
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('troupe_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', festival.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', festival.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(secret) <= 64', name=op.f('ck_calendar_feeds_secret_max_length')),
    sa.ForeignKeyConstraint(['troupe_id'], ['troupes.id'], name=op.f('fk_calendar_feeds_troupe_id_troupes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('secret', name=op.f('uq_calendar_feeds_secret')),
    sa.UniqueConstraint('troupe_id', name=op.f('uq_calendar_feeds_troupe_id'))
    )
