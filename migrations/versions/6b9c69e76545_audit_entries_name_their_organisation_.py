"""audit entries name their organisation and festival

Revision ID: 6b9c69e76545
Revises: b9a8e0ab7604
Create Date: 2026-11-29 01:27:42

Who may read an entry follows the organisation of what it changed (organizers read their
organisation's tree); the festival lets the log be read festival by festival. Entries
written before this revision keep NULL in both: only admins read them.
"""
from alembic import op
import sqlalchemy as sa


revision = '6b9c69e76545'
down_revision = 'b9a8e0ab7604'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('festival_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_festival_id'), ['festival_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_organization_id'), ['organization_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_organization_id_organizations'), 'organizations', ['organization_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_festival_id_festivals'), 'festivals', ['festival_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_festival_id_festivals'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_organization_id_organizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_entries_organization_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_festival_id'))
        batch_op.drop_column('festival_id')
        batch_op.drop_column('organization_id')
