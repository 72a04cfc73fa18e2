"""sending quotas and group age rules

Revision ID: f1a8d4c6b209
Revises: e7b3c9d2a418
Create Date: 2026-12-07 05:00:00

A festival may take at most ``recommendation_quota`` recommended programs from each sending
organisation (NULL: no limit). A category may require only a share of a program's performers
to reach the festival's minimum age (``min_age_share``, 1 for all, as before).
"""

from alembic import op
import sqlalchemy as sa


revision = "f1a8d4c6b209"
down_revision = "e7b3c9d2a418"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommendation_quota", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "recommendation_quota_positive",
            "recommendation_quota IS NULL OR recommendation_quota > 0",
        )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "min_age_share",
                sa.Numeric(precision=3, scale=2),
                server_default="1",
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            "min_age_share_range", "min_age_share > 0 AND min_age_share <= 1"
        )


def downgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_categories_min_age_share_range"), type_="check")
        batch_op.drop_column("min_age_share")
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_festivals_recommendation_quota_positive"), type_="check")
        batch_op.drop_column("recommendation_quota")
