"""category rankings, automatic conflicts, judge comments

Revision ID: 3b7e9c1d5a20
Revises: f1a8d4c6b209
Create Date: 2026-12-07 07:00:00

A round is ranked ``overall`` or ``by_category``; ``auto_conflicts`` keeps a judge off the
programs of their own organisation and those under it (the conflicts so found are marked
``automatic``); a judge may leave a comment (点评) on each program they score. A round's results key
(``round_results_keys``) changes with everything its ranking reads, so a process may keep
the ranking it computed under it.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "3b7e9c1d5a20"
down_revision = "f1a8d4c6b209"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "ranking",
                sa.Enum(
                    "overall",
                    "by_category",
                    name="round_ranking",
                    native_enum=False,
                    create_constraint=True,
                    length=11,
                ),
                server_default="overall",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("auto_conflicts", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "round_results_keys",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.CheckConstraint("length(key) <= 32", name=op.f("ck_round_results_keys_key_max_length")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_results_keys_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_round_results_keys")),
    )
    keys = sa.table(
        "round_results_keys", sa.column("round_id", sa.Integer), sa.column("key", sa.String)
    )
    rounds = sa.table("rounds", sa.column("id", sa.Integer))
    connection = op.get_bind()
    round_ids = connection.execute(sa.select(rounds.c.id)).scalars().all()
    if round_ids:
        connection.execute(
            keys.insert(),
            [{"round_id": round_id, "key": secrets.token_hex(16)} for round_id in round_ids],
        )

    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("automatic", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "score_comments",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["round_entries.id"],
            name=op.f("fk_score_comments_entry_id_round_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"],
            ["users.id"],
            name=op.f("fk_score_comments_judge_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("entry_id", "judge_id", name=op.f("pk_score_comments")),
        sa.CheckConstraint("length(text) <= 500", name=op.f("ck_score_comments_text_max_length")),
    )
    with op.batch_alter_table("score_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_comments_judge_id"), ["judge_id"], unique=False)


def downgrade():
    op.drop_table("round_results_keys")
    with op.batch_alter_table("score_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_comments_judge_id"))
    op.drop_table("score_comments")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("automatic")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_rounds_round_ranking"), type_="check")
        batch_op.drop_column("auto_conflicts")
        batch_op.drop_column("ranking")
