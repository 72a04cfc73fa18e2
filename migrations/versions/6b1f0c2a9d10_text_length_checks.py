"""text length checks, so that SQLite refuses over-long text as PostgreSQL does

Revision ID: 6b1f0c2a9d10
Revises: e42897d71757
Create Date: 2026-11-28 22:30:00

Alembic does not compare CHECK constraints, so this one is written by hand from
festival.db.add_length_checks; keep the two in step when a column's length changes.
"""
from alembic import op

revision = '6b1f0c2a9d10'
down_revision = 'e42897d71757'
branch_labels = None
depends_on = None

CHECKS = {
    'login_attempts': [
        ('address_max_length', 'length(address) <= 64'),
        ('username_max_length', 'length(username) <= 64'),
    ],
    'organizations': [
        ('name_max_length', 'length(name) <= 120'),
    ],
    'people': [
        ('name_max_length', 'length(name) <= 80'),
        ('phone_max_length', 'length(phone) <= 32'),
    ],
    'festivals': [
        ('description_max_length', 'length(description) <= 4000'),
        ('name_max_length', 'length(name) <= 200'),
        ('slug_max_length', 'length(slug) <= 80'),
        ('timezone_max_length', 'length(timezone) <= 64'),
    ],
    'users': [
        ('display_name_max_length', 'length(display_name) <= 80'),
        ('password_hash_max_length', 'length(password_hash) <= 255'),
        ('session_nonce_max_length', 'length(session_nonce) <= 32'),
        ('username_max_length', 'length(username) <= 64'),
    ],
    'api_tokens': [
        ('token_digest_max_length', 'length(token_digest) <= 64'),
    ],
    'audit_entries': [
        ('action_max_length', 'length(action) <= 64'),
        ('entity_type_max_length', 'length(entity_type) <= 64'),
    ],
    'categories': [
        ('name_max_length', 'length(name) <= 80'),
    ],
    'rounds': [
        ('name_max_length', 'length(name) <= 80'),
    ],
    'troupes': [
        ('name_max_length', 'length(name) <= 120'),
    ],
    'calendar_feeds': [
        ('secret_max_length', 'length(secret) <= 64'),
    ],
    'criteria': [
        ('name_max_length', 'length(name) <= 80'),
    ],
    'events': [
        ('location_max_length', 'length(location) <= 200'),
        ('rrule_max_length', 'length(rrule) <= 500'),
        ('timezone_max_length', 'length(timezone) <= 64'),
        ('title_max_length', 'length(title) <= 200'),
        ('uid_max_length', 'length(uid) <= 120'),
    ],
    'programs': [
        ('title_max_length', 'length(title) <= 120'),
    ],
    'awards': [
        ('certificate_number_max_length', 'length(certificate_number) <= 40'),
        ('title_max_length', 'length(title) <= 120'),
    ],
    'conflicts': [
        ('reason_max_length', 'length(reason) <= 500'),
    ],
    'event_overrides': [
        ('location_max_length', 'length(location) <= 200'),
        ('title_max_length', 'length(title) <= 200'),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
