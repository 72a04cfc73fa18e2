"""the performance day: running order, check-in, the stage, confirmed scores

Revision ID: 218eae281b59
Revises: a9c4e2f7b813
Create Date: 2026-12-07 12:59:57

A round's running order is drawn from a recorded seed (``draw_seed``, ``draw_by_category``)
or set by hand (``round_entries.running_position``), and may be published with its booklet
(``order_published``); troupes check in (``checked_in_at``); what is on stage is a row of
``round_stages``; a judge's confirmed score is a row of ``score_confirmations``; the big
screen may be public (``screen_public``).
"""

from alembic import op
import sqlalchemy as sa
import festival.db


revision = "218eae281b59"
down_revision = "a9c4e2f7b813"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "round_stages",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["round_entries.id"],
            name=op.f("fk_round_stages_entry_id_round_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_stages_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_round_stages")),
    )
    op.create_table(
        "score_confirmations",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["round_entries.id"],
            name=op.f("fk_score_confirmations_entry_id_round_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"],
            ["users.id"],
            name=op.f("fk_score_confirmations_judge_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("entry_id", "judge_id", name=op.f("pk_score_confirmations")),
    )
    with op.batch_alter_table("score_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_confirmations_judge_id"), ["judge_id"], unique=False
        )

    with op.batch_alter_table("round_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("running_position", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("checked_in_at", festival.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_round_entries_running_order", ["round_id", "running_position"], unique=False
        )

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draw_seed", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("draw_by_category", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("order_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("screen_public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint("draw_seed_max_length", "length(draw_seed) <= 64")


def downgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_rounds_draw_seed_max_length"), type_="check")
        batch_op.drop_column("screen_public")
        batch_op.drop_column("order_published")
        batch_op.drop_column("draw_by_category")
        batch_op.drop_column("draw_seed")

    with op.batch_alter_table("round_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_round_entries_running_order")
        batch_op.drop_column("checked_in_at")
        batch_op.drop_column("running_position")

    with op.batch_alter_table("score_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_confirmations_judge_id"))

    op.drop_table("score_confirmations")
    op.drop_table("round_stages")
