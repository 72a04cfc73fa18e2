"""rounds: trim n totals at each end, and the median as a third rule

Revision ID: e7b3c9d2a418
Revises: c5e2a7f91d34
Create Date: 2026-12-07 05:10:00

A trimmed mean drops ``trim`` highest and ``trim`` lowest judge totals (1, as before, for
existing rounds); ``median`` joins the aggregation enum, whose CHECK constraint Alembic does
not compare, so it is replaced by hand.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e7b3c9d2a418'
down_revision = 'c5e2a7f91d34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trim', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint('trim_positive', 'trim >= 1')
        batch_op.drop_constraint(op.f('ck_rounds_aggregation'), type_='check')
        batch_op.create_check_constraint(
            'aggregation', "aggregation IN ('trimmed_mean', 'mean', 'median')"
        )


def downgrade():
    # A median round has no rule to go back to: it becomes a plain mean.
    op.execute("UPDATE rounds SET aggregation = 'mean' WHERE aggregation = 'median'")
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_aggregation'), type_='check')
        batch_op.create_check_constraint(
            'aggregation', "aggregation IN ('trimmed_mean', 'mean')"
        )
        batch_op.drop_constraint(op.f('ck_rounds_trim_positive'), type_='check')
        batch_op.drop_column('trim')
