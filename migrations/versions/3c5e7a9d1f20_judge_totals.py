"""judge totals and entry scores, kept beside the scores; program list indexes

Revision ID: 3c5e7a9d1f20
Revises: 6b9c69e76545
Create Date: 2026-11-29 04:40:00

A ranking reads one row per judge and entry instead of one per criterion. Existing scores
are summed into it (Σ round(score × 100) × round(weight × 100), ten-thousandths) for every
judge who scored every criterion of the round, as save_scores always does; each entry's
score (trimmed mean or mean of those totals, half up to two places) and judge count follow.
The organizer's program list reads its page in index order instead of sorting them all.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from alembic import op
import sqlalchemy as sa


revision = '3c5e7a9d1f20'
down_revision = '6b9c69e76545'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'judge_totals',
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('units', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['round_entries.id'],
                                name=op.f('fk_judge_totals_entry_id_round_entries'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['judge_id'], ['users.id'],
                                name=op.f('fk_judge_totals_judge_id_users'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('entry_id', 'judge_id', name=op.f('pk_judge_totals')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('judge_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_totals_judge_id'), ['judge_id'], unique=False)
    op.execute("""
        INSERT INTO judge_totals (entry_id, judge_id, units)
        SELECT s.entry_id, s.judge_id,
               SUM(CAST(ROUND(s.value * 100) AS BIGINT) * CAST(ROUND(c.weight * 100) AS BIGINT))
        FROM scores s
        JOIN criteria c ON c.id = s.criterion_id
        JOIN round_entries e ON e.id = s.entry_id
        GROUP BY s.entry_id, s.judge_id, e.round_id
        HAVING COUNT(*) = (SELECT COUNT(*) FROM criteria k WHERE k.round_id = e.round_id)
    """)
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Numeric(precision=7, scale=2), nullable=True))
        batch_op.add_column(sa.Column('judge_count', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index('ix_programs_festival_listing',
                              ['festival_id', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_programs_festival_category_status_listing',
                              ['festival_id', 'category_id', 'status', 'submitted_at', 'id'],
                              unique=False)
    connection = op.get_bind()
    totals = defaultdict(list)
    methods = {}
    for entry_id, units, method in connection.execute(sa.text("""
            SELECT t.entry_id, t.units, r.aggregation FROM judge_totals t
            JOIN round_entries e ON e.id = t.entry_id JOIN rounds r ON r.id = e.round_id""")):
        totals[entry_id].append(int(units))
        methods[entry_id] = method
    for entry_id, values in totals.items():
        values.sort()
        if methods[entry_id] == 'trimmed_mean' and len(values) >= 3:
            values = values[1:-1]
        score = (Decimal(sum(values)).scaleb(-4) / len(values)).quantize(
            Decimal('0.01'), rounding=ROUND_HALF_UP)
        connection.execute(
            sa.text("UPDATE round_entries SET score = :score, judge_count = :count "
                    "WHERE id = :id").bindparams(sa.bindparam("score", type_=sa.Numeric(7, 2))),
            {"score": score, "count": len(totals[entry_id]), "id": entry_id})


def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index('ix_programs_festival_category_status_listing')
        batch_op.drop_index('ix_programs_festival_listing')
    with op.batch_alter_table('round_entries', schema=None) as batch_op:
        batch_op.drop_column('judge_count')
        batch_op.drop_column('score')
    with op.batch_alter_table('judge_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_totals_judge_id'))
    op.drop_table('judge_totals')
