"""the notice period, objections, final results, a signed record, a chained audit log

Revision ID: ffac9830d92d
Revises: 3b7e9c1d5a20
Create Date: 2026-12-07 12:00:25

A festival's notice period may be counted in working days (``notice_working_days``), with
days an admin adds to the calendar (``calendar_days``); objections raised during it
(``objections``); ``final`` joins the festival statuses (``finalized_at``), and each version of
a published list is an ``award_revisions`` row. The site's public signing keys
(``signing_keys``); audit entries carry a hash chain (``seq``, ``prev_hash``, ``hash``) whose
last link is the one row of ``audit_chain``. Certificates name a signatory and may carry the
office's seal.
"""

from alembic import op
import sqlalchemy as sa
import festival.db


# revision identifiers, used by Alembic.
revision = "ffac9830d92d"
down_revision = "3b7e9c1d5a20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("length(hash) <= 64", name=op.f("ck_audit_chain_hash_max_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.execute("INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, '')")
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(key_id) <= 32", name=op.f("ck_signing_keys_key_id_max_length")),
        sa.CheckConstraint(
            "length(public_key) <= 64", name=op.f("ck_signing_keys_public_key_max_length")
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "award_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("awards_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "length(awards_sha256) <= 64", name=op.f("ck_award_revisions_awards_sha256_max_length")
        ),
        sa.CheckConstraint(
            "length(reason) <= 1000", name=op.f("ck_award_revisions_reason_max_length")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_award_revisions_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_award_revisions_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_revisions")),
        sa.UniqueConstraint(
            "festival_id", "number", name=op.f("uq_award_revisions_festival_id_number")
        ),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(note) <= 200", name=op.f("ck_calendar_days_note_max_length")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_calendar_days_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "upheld",
                "rejected",
                name="objection_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reply", sa.String(length=2000), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", festival.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", festival.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "length(client_hash) <= 64", name=op.f("ck_objections_client_hash_max_length")
        ),
        sa.CheckConstraint("length(name) <= 100", name=op.f("ck_objections_name_max_length")),
        sa.CheckConstraint(
            "length(organization) <= 200", name=op.f("ck_objections_organization_max_length")
        ),
        sa.CheckConstraint("length(phone) <= 40", name=op.f("ck_objections_phone_max_length")),
        sa.CheckConstraint(
            "length(reference) <= 20", name=op.f("ck_objections_reference_max_length")
        ),
        sa.CheckConstraint("length(reply) <= 2000", name=op.f("ck_objections_reply_max_length")),
        sa.CheckConstraint("length(text) <= 2000", name=op.f("ck_objections_text_max_length")),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_objections_award_id_awards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_objections_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_objections_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_objections_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("reference", name=op.f("uq_objections_reference")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_objections_client_at", ["client_hash", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_objections_festival_status", ["festival_id", "status"], unique=False
        )

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entries_seq"), ["seq"])
        batch_op.create_check_constraint("prev_hash_max_length", "length(prev_hash) <= 64")
        batch_op.create_check_constraint("hash_max_length", "length(hash) <= 64")

    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_working_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("finalized_at", festival.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("signatory", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("seal_file", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.create_check_constraint(
            "notice_working_days_positive",
            "notice_working_days IS NULL OR notice_working_days >= 0",
        )
        batch_op.create_check_constraint("signatory_max_length", "length(signatory) <= 100")
        batch_op.create_check_constraint("seal_file_max_length", "length(seal_file) <= 200")
        batch_op.drop_constraint(op.f("ck_festivals_festival_status"), type_="check")
        batch_op.create_check_constraint(
            "festival_status", "status IN ('draft', 'open', 'screening', 'announced', 'final')"
        )


def downgrade():
    # A final festival goes back to announced, the state it was in before this revision.
    op.execute("UPDATE festivals SET status = 'announced' WHERE status = 'final'")
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_festivals_festival_status"), type_="check")
        batch_op.create_check_constraint(
            "festival_status", "status IN ('draft', 'open', 'screening', 'announced')"
        )
        batch_op.drop_constraint(op.f("ck_festivals_seal_file_max_length"), type_="check")
        batch_op.drop_constraint(op.f("ck_festivals_signatory_max_length"), type_="check")
        batch_op.drop_constraint(op.f("ck_festivals_notice_working_days_positive"), type_="check")
        batch_op.drop_column("seal_file")
        batch_op.drop_column("signatory")
        batch_op.drop_column("finalized_at")
        batch_op.drop_column("notice_working_days")

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_entries_hash_max_length"), type_="check")
        batch_op.drop_constraint(op.f("ck_audit_entries_prev_hash_max_length"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_audit_entries_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")

    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index("ix_objections_festival_status")
        batch_op.drop_index("ix_objections_client_at")

    op.drop_table("objections")
    op.drop_table("calendar_days")
    op.drop_table("award_revisions")
    op.drop_table("signing_keys")
    op.drop_table("audit_chain")
