"""people remember who registered them

Revision ID: d3f1a6b8c420
Revises: a7d4c0e9b215
Create Date: 2026-12-07 02:00:00

A person in no troupe yet is reachable only by whoever registered them (then by those who
manage a troupe they join). Who registered each existing person is taken from the audit
log's create_person entries; people imported with a troupe have none and need none.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd3f1a6b8c420'
down_revision = 'a7d4c0e9b215'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_people_created_by_id_users'), 'users',
                                    ['created_by_id'], ['id'], ondelete='SET NULL')
    op.execute(
        "UPDATE people SET created_by_id = (SELECT min(a.actor_id) FROM audit_entries a "
        "WHERE a.entity_type = 'person' AND a.action = 'create_person' "
        "AND a.entity_id = people.id)")


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
