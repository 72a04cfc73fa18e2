"""Checking the rows of a troupes import: names, kinds, organisations and leaders."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.accounts.usernames import normalize_username
from festival.festivals.models import Festival
from festival.imports import queries
from festival.imports.columns import ImportRow, header_key
from festival.imports.reading import cell_text
from festival.imports.rows import Plan, name_key
from festival.troupes.models import Troupe, TroupeKind
from festival.troupes.services import TROUPE_NAME_MAX

TROUPE_KINDS = {
    "troupe": TroupeKind.troupe,
    "团体": TroupeKind.troupe,
    "团": TroupeKind.troupe,
    "team": TroupeKind.team,
    "队": TroupeKind.team,
    "方队": TroupeKind.team,
    "队伍": TroupeKind.team,
}


def check_troupes(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> Plan:
    plan = Plan()
    organizations = queries.organizations_under(session, festival)
    by_name = {name_key(o.name): o for o in organizations}
    home = next(o for o in organizations if o.id == festival.organization_id)
    taken = {
        (t.organization_id, name_key(t.name)) for t in queries.troupes_under(session, festival)
    }
    leaders = queries.leader_ids_by_username(session)
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        before = len(plan.problems)
        name = cell_text(row.values["name"])
        if not 1 <= len(name) <= TROUPE_NAME_MAX:
            plan.add(row, "name", _l("Enter a name of 1 to %(n)d characters.", n=TROUPE_NAME_MAX))
        kind_text = cell_text(row.values["kind"])
        kind = TROUPE_KINDS.get(header_key(kind_text)) if kind_text else TroupeKind.troupe
        if kind is None:
            plan.add(row, "kind", _l("Write troupe or team (团体 or 队)."))
        organization_text = cell_text(row.values["organization"])
        organization = by_name.get(name_key(organization_text)) if organization_text else home
        if organization is None:
            plan.add(
                row,
                "organization",
                _l(
                    "There is no organisation called %(name)s under the festival's organisation.",
                    name=organization_text,
                ),
            )
        username = cell_text(row.values["leader_username"])
        leader_id = leaders.get(normalize_username(username)) if username else None
        if username and leader_id is None:
            plan.add(
                row,
                "leader_username",
                _l(
                    "There is no account %(username)s with the troupe leader role.",
                    username=username,
                ),
            )
        if organization is not None and 1 <= len(name) <= TROUPE_NAME_MAX:
            key = (organization.id, name_key(name))
            if key in taken:
                plan.add(
                    row,
                    "name",
                    _l(
                        "%(organization)s has a troupe called %(name)s already.",
                        organization=organization.name,
                        name=name,
                    ),
                )
            elif key in seen:
                plan.add(
                    row, "name", _l("%(name)s is also on row %(row)d.", name=name, row=seen[key])
                )
            else:
                seen[key] = row.number
        if len(plan.problems) == before:
            plan.new_objects.append(
                Troupe(
                    name=name,
                    kind=kind,
                    organization_id=organization.id,
                    leader_id=leader_id,
                    created_at=now,
                )
            )
    return plan
