"""The audit log page for organizers and admins: who changed what and when, filterable, and
the same rows as a spreadsheet."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from festival.audit import chain, labels, permissions, queries
from festival.audit.forms import AuditFilterForm
from festival.audit.models import AuditEntry
from festival.db import db
from festival.web import downloads
from festival.web.auth import require
from festival.web.paging import page_args

bp = Blueprint("audit", __name__)

# An export holds at most this many entries (the newest that match); narrower filters reach
# older ones. The whole file is built in memory, so this bounds a request's memory and time.
EXPORT_LIMIT = 50_000

# The page of each kind of record, and the id it takes; deleted records have no page.
ENTITY_PAGES = {
    "festival": ("festivals.show", "festival_id"),
    "round": ("judging.show", "round_id"),
    "program": ("programs.show", "program_id"),
    "troupe": ("troupes.show", "troupe_id"),
    "person": ("troupes.person", "person_id"),
    "event": ("schedules.event", "event_id"),
}
DELETING_ACTIONS = {"delete_event", "remove_award"}


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    at: datetime
    actor_name: str | None
    username: str | None
    action: str
    action_label: str
    entity_label: str
    entity_id: int | None
    url: str | None
    festival_name: str | None
    festival_url: str | None
    changes: list[tuple[str, str]]


def _zone() -> str:
    """The app's time zone: the one the ``datetime`` filter shows moments in."""
    return str(get_timezone())


def _read_filters() -> tuple[AuditFilterForm, queries.AuditFilters, dict[str, str]]:
    """The form (with its errors), the filters of its valid fields, and those fields as query
    arguments for the pager and the export links."""
    form = AuditFilterForm(formdata=request.args)
    form.fill_choices(queries.festivals_for_filter(db.session, current_user))
    form.validate()
    valid = {field.short_name: field for field in form if not field.errors}
    args: dict[str, str] = {}
    for name, field in valid.items():
        raw = request.args.get(name, "").strip()
        if raw and field.data not in (None, ""):
            args[name] = raw
    zone = ZoneInfo(_zone())

    def start_of(day: date | None) -> datetime | None:
        return datetime.combine(day, time(), zone).astimezone(UTC) if day else None

    change = args.get("change")
    festival_id = args.get("festival_id")
    until_day = form.date_to.data + timedelta(days=1) if "date_to" in args else None
    filters = queries.AuditFilters(
        actions=labels.actions_of_kind(change) if change else (),
        entity_type=args.get("entity_type"),
        username=form.who.data.strip() if "who" in args else None,
        since=start_of(form.date_from.data) if "date_from" in args else None,
        until=start_of(until_day),
        festival_id=int(festival_id) if festival_id else None,
    )
    return form, filters, args


def _row(entry: AuditEntry, zone: str) -> AuditRow:
    page = ENTITY_PAGES.get(entry.entity_type)
    url = None
    if page and entry.entity_id is not None and entry.action not in DELETING_ACTIONS:
        endpoint, argument = page
        url = url_for(endpoint, **{argument: entry.entity_id})
    festival = entry.festival
    return AuditRow(
        at=entry.at,
        actor_name=entry.actor.display_name if entry.actor else None,
        username=entry.actor.username if entry.actor else None,
        action=entry.action,
        action_label=labels.action_label(entry.action),
        entity_label=labels.entity_label(entry.entity_type),
        entity_id=entry.entity_id,
        url=url,
        festival_name=festival.name if festival else None,
        festival_url=(
            url_for("festivals.show", festival_id=festival.id)
            if festival and entry.entity_type != "festival"
            else None
        ),
        changes=labels.describe_changes(
            entry.action, entry.entity_type, entry.changes or {}, zone=zone
        ),
    )


@bp.get("/audit")
@login_required
def index():
    """The entries the viewer may read, newest first, narrowed by the filters."""
    require(permissions.can_read_audit_log(current_user))
    form, filters, args = _read_filters()
    page, per_page = page_args()
    listing = queries.entries_page(db.session, current_user, filters, page=page, per_page=per_page)
    zone = _zone()
    rows = [_row(entry, zone) for entry in listing.items]
    return render_template(
        "audit/index.html",
        form=form,
        listing=listing,
        rows=rows,
        args=args,
        filtered=bool(args),
        export_limit=EXPORT_LIMIT,
        zone=zone,
        can_verify=permissions.can_verify_audit_chain(current_user),
    )


def _export_rows(entries: Iterable[AuditEntry], zone: str, state: dict) -> Iterator[list[Any]]:
    tz = ZoneInfo(zone)
    for count, entry in enumerate(entries, start=1):
        if count > EXPORT_LIMIT:
            state["truncated"] = True
            return
        actor = entry.actor
        yield [
            entry.at.astimezone(tz).replace(tzinfo=None, microsecond=0),
            actor.display_name if actor else "",
            actor.username if actor else "",
            labels.action_label(entry.action),
            entry.action,
            labels.entity_label(entry.entity_type),
            entry.entity_id,
            entry.festival.name if entry.festival else "",
            labels.changes_text(entry.action, entry.entity_type, entry.changes or {}, zone=zone),
        ]


@bp.get("/audit.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str):
    """The filtered entries as a spreadsheet: the newest ``EXPORT_LIMIT`` at most."""
    require(permissions.can_read_audit_log(current_user))
    _form, filters, _args = _read_filters()
    zone = _zone()
    header = [
        _("When (%(zone)s)", zone=zone),
        _("Who"),
        _("Username"),
        _("What"),
        _("Action code"),
        _("Record"),
        _("Record number"),
        _("Festival"),
        _("Changes"),
    ]
    # One more than the limit is read, to tell whether the file had to stop short.
    entries = queries.entries_for_export(db.session, current_user, filters, limit=EXPORT_LIMIT + 1)
    state = {"truncated": False}
    rows = _export_rows(entries, zone, state)
    title = _("Audit log")
    response = downloads.spreadsheet(
        fmt, header, rows, title=title, ascii_name=f"audit-log.{fmt}", name=f"{title}.{fmt}"
    )
    if state["truncated"]:
        response.headers["X-Export-Truncated"] = str(EXPORT_LIMIT)
    return response


CHAIN_PROBLEMS = {
    "missing": _l("No entry has this place in the chain: an entry was deleted."),
    "prev_hash": _l("The entry does not point at the entry before it."),
    "content": _l(
        "The entry is not what was written: its time, action, record or changes were edited."
    ),
    "unlinked": _l("The entry was added outside the chain, directly in the database."),
    "head": _l("The last entries of the chain were deleted."),
}


@bp.get("/audit/chain")
@login_required
def chain_report():
    """The hash chain of the whole log checked now: intact, or its first broken link."""
    require(permissions.can_verify_audit_chain(current_user))
    report = chain.verify_chain(db.session)
    broken = report.broken
    return render_template(
        "audit/chain.html",
        report=report,
        problem=CHAIN_PROBLEMS[broken.problem] if broken else None,
    )
