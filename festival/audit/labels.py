"""What the audit log's stored codes are called on the page, in the reader's language, and the
recorded changes as short readable text. Pure: no session, no request."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from festival.core.wording import clauses, labelled, listing
from festival.web.labels import LABELS

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Every action string the services record (tests/audit/test_labels.py checks the code for more).
ACTIONS = {
    # accounts and organisations
    "create_user": _l("Created a user account"),
    "change_password": _l("Changed a password"),
    "create_organization": _l("Created an organisation"),
    # festivals
    "create_festival": _l("Created a festival"),
    "update_festival": _l("Edited a festival"),
    "open_festival": _l("Opened a festival for submissions"),
    "close_intake": _l("Closed a festival to submissions"),
    "add_category": _l("Added a category"),
    "import_troupes": _l("Imported troupes"),
    "import_members": _l("Imported members"),
    "import_programs": _l("Imported programs"),
    # troupes and people
    "create_troupe": _l("Registered a troupe"),
    "update_troupe": _l("Edited a troupe"),
    "create_person": _l("Added a person"),
    "add_member": _l("Added a member"),
    "remove_member": _l("Removed a member"),
    "rotate_feed_secret": _l("Made a new calendar link"),
    "set_feed_reminders": _l("Changed the calendar's reminders"),
    # programs
    "submit_program": _l("Submitted a program"),
    "update_program": _l("Edited a program"),
    "withdraw_program": _l("Withdrew a program"),
    # judging
    "create_round": _l("Created a screening round"),
    "assign_judge": _l("Assigned a judge"),
    "declare_conflict": _l("Declared a conflict of interest"),
    "automatic_conflicts": _l("Kept judges off their own organisations' programs (automatic)"),
    "add_entries": _l("Entered programs in a round"),
    "save_scores": _l("Saved scores"),
    "close_round": _l("Closed a screening round"),
    "recommend_program": _l("Recommended a program to a higher level"),
    "draw_order": _l("Drew the running order"),
    "set_running_order": _l("Changed the running order by hand"),
    "publish_order": _l("Published the running order"),
    "unpublish_order": _l("Took the running order down"),
    "check_in": _l("Checked a troupe in on the performance day"),
    "undo_check_in": _l("Took back a troupe's check-in"),
    "put_on_stage": _l("Changed the program on stage"),
    "confirm_score": _l("Confirmed a score as final"),
    "reopen_score": _l("Reopened a confirmed score"),
    # awards
    "allocate_awards": _l("Allocated awards by rank"),
    "create_award": _l("Gave an award"),
    "remove_award": _l("Removed an award"),
    "publish_awards": _l("Published the awards"),
    "unpublish_awards": _l("Took the awards down"),
    "finalize_awards": _l("Made the results final"),
    "set_calendar_day": _l("Set a day of the working-day calendar"),
    "remove_calendar_day": _l("Removed a day from the working-day calendar"),
    "raise_objection": _l("Raised an objection to the award list"),
    "decide_objection": _l("Decided an objection"),
    "set_certificate_seal": _l("Set the certificates' signatory and seal"),
    # schedules
    "create_event": _l("Added an event"),
    "update_event": _l("Changed an event"),
    "delete_event": _l("Deleted an event"),
    "cancel_occurrences": _l("Cancelled sessions"),
    "restore_occurrence": _l("Restored a session"),
    "change_occurrence": _l("Changed a session"),
    # issue 25 (b): programs' media
    "upload_media": _l("Uploaded a program's video or backing track"),
    "replace_media": _l("Replaced a program's video or backing track"),
    "delete_media": _l("Deleted a program's video or backing track"),
}

# Kinds of change, for the filter: each names the actions it covers (a few belong to two).
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "scores": (
        _l("Scores"),
        ("save_scores", "declare_conflict", "confirm_score", "reopen_score"),
    ),
    "awards": (
        _l("Awards"),
        ("allocate_awards", "create_award", "remove_award", "publish_awards", "unpublish_awards"),
    ),
    "status": (
        _l("Status changes"),
        (
            "open_festival",
            "close_intake",
            "create_round",
            "add_entries",
            "close_round",
            "withdraw_program",
            "publish_awards",
            "unpublish_awards",
        ),
    ),
    "judging": (
        _l("Screening and judging"),
        (
            "create_round",
            "assign_judge",
            "declare_conflict",
            "automatic_conflicts",
            "add_entries",
            "save_scores",
            "close_round",
            "recommend_program",
            "draw_order",
            "set_running_order",
            "publish_order",
            "unpublish_order",
        ),
    ),
    "festivals": (
        _l("Festivals and categories"),
        (
            "create_festival",
            "update_festival",
            "open_festival",
            "close_intake",
            "add_category",
            "import_troupes",
            "import_members",
            "import_programs",
        ),
    ),
    "programs": (
        _l("Programs"),
        ("submit_program", "update_program", "withdraw_program", "recommend_program"),
    ),
    "troupes": (
        _l("Troupes and members"),
        (
            "create_troupe",
            "update_troupe",
            "create_person",
            "add_member",
            "remove_member",
            "rotate_feed_secret",
            "set_feed_reminders",
        ),
    ),
    "schedules": (
        _l("Schedules"),
        (
            "create_event",
            "update_event",
            "delete_event",
            "cancel_occurrences",
            "restore_occurrence",
            "change_occurrence",
        ),
    ),
    "accounts": (
        _l("Accounts and organisations"),
        ("create_user", "change_password", "create_organization"),
    ),
}

ENTITY_TYPES = {
    "festival": _l("Festival"),
    "round": _l("Round"),
    "program": _l("Program"),
    "award": _l("Award"),
    "troupe": _l("Troupe"),
    "person": _l("Person"),
    "event": _l("Event"),
    "user": _l("User account"),
    "organization": _l("Organisation"),
    "calendar_day": _l("Working-day calendar"),
}

FIELDS = {
    "username": _l("Username"),
    "role": _l("Role"),
    "name": _l("Name"),
    "level": _l("Level"),
    "title": _l("Title"),
    "late": _l("Late"),
    "category": _l("Category"),
    "category_id": _l("Category"),
    "round_id": _l("Round"),
    "awards": _l("Awards"),
    "tier": _l("Tier"),
    "program_id": _l("Program"),
    "organization_id": _l("Organisation"),
    "certificate_number": _l("Certificate number"),
    "notice_days": _l("Days of public notice"),
    "notice_working_days": _l("Working days of public notice"),
    "notice_until": _l("Public notice until"),
    "working": _l("Working day"),
    "day": _l("Day"),
    "judge_id": _l("Judge"),
    "reason": _l("Reason"),
    "scores_removed": _l("Scores removed"),
    "conflicts": _l("Judge and program"),
    "program_ids": _l("Programs"),
    "advanced": _l("Advanced"),
    "festival_id": _l("Festival"),
    "to_festival_id": _l("Recommended to"),
    "new_program_id": _l("New program"),
    "year": _l("Year"),
    "starts_on": _l("First day"),
    "ends_on": _l("Last day"),
    "submission_deadline": _l("Submission deadline"),
    "timezone": _l("Time zone"),
    "min_performer_age": _l("Minimum performer age"),
    "description": _l("Description"),
    "duration_minutes": _l("Duration (minutes)"),
    "performer_ids": _l("Performers"),
    "kind": _l("Kind"),
    "leader_id": _l("Leader"),
    "person_id": _l("Person"),
    "rrule": _l("Repeats"),
    "starts_at": _l("Starts at"),
    "ends_at": _l("Ends at"),
    "location": _l("Place"),
    "notes": _l("Notes"),
    "is_public": _l("Public"),
    "dropped_exceptions": _l("Session changes dropped"),
    "occurrences": _l("Sessions on"),
    "occurrence": _l("Session on"),
    "rows": _l("Rows"),
    "seed": _l("Seed"),
    "by_category": _l("By category"),
    "order": _l("Running order"),
    "by_hand": _l("By hand"),
    "media_deadline": _l("Deadline for videos and backing tracks"),
    "requires_video": _l("Each program sends a video"),
    "requires_backing_track": _l("Each program sends a backing track"),
    "by_video": _l("Screening by video"),
    "filename": _l("File name"),
    "size": _l("Size (bytes)"),
    "replaced": _l("Replaced file"),
}
# The same key means another thing on another kind of entity.
ENTITY_FIELDS = {
    ("event", "title"): _l("Name of the event"),
    ("award", "title"): _l("Award title"),
    ("festival", "name"): _l("Name"),
}
# Fields whose stored code has a label of its own (troupe or event kinds by entity).
VALUE_LABELS = {"role": "role", "level": "level", "tier": "award_tier"}
KIND_LABELS = {"troupe": "troupe_kind", "event": "event_kind"}
# Actions that record changed fields as [old, new]; the others record plain facts.
OLD_NEW_ACTIONS = {
    "update_festival",
    "update_program",
    "update_troupe",
    "update_event",
    "save_scores",
}
ID_FIELDS = {
    "program_id",
    "round_id",
    "organization_id",
    "judge_id",
    "festival_id",
    "to_festival_id",
    "new_program_id",
    "category_id",
    "leader_id",
    "person_id",
    "program_ids",
    "advanced",
    "performer_ids",
}
SHORT = 80  # characters of one value shown on the page; exports keep the whole text

ARROW = " → "


def action_label(action: str) -> str:
    """The action in the reader's language; the stored code when it is unknown."""
    text = ACTIONS.get(action)
    return str(text) if text is not None else action


def entity_label(entity_type: str) -> str:
    text = ENTITY_TYPES.get(entity_type)
    return str(text) if text is not None else entity_type


def actions_of_kind(value: str) -> tuple[str, ...]:
    """The actions a filter value stands for: a kind's actions, or the one action."""
    if value in KINDS:
        return KINDS[value][1]
    return (value,)


def describe_changes(
    action: str, entity_type: str, changes: Mapping[str, Any], *, zone: str, shorten: bool = True
) -> list[tuple[str, str]]:
    """(field, text) for each recorded change: ``old → new`` for changed fields, the value
    for plain facts; codes become labels, moments the wall time of ``zone``."""
    if not isinstance(changes, Mapping):
        return [("", _value(changes, None, zone, shorten))]
    old_new = action in OLD_NEW_ACTIONS
    described = []
    for key, value in changes.items():
        name = ENTITY_FIELDS.get((entity_type, key)) or FIELDS.get(key)
        name = str(name) if name is not None else str(key)
        kind = VALUE_LABELS.get(key) or (KIND_LABELS.get(entity_type) if key == "kind" else None)
        if old_new and key != "program_id" and isinstance(value, list) and len(value) == 2:
            text = (
                _value(value[0], kind, zone, shorten, key)
                + ARROW
                + _value(value[1], kind, zone, shorten, key)
            )
        else:
            text = _value(value, kind, zone, shorten, key)
        described.append((name, text))
    return described


def changes_text(action: str, entity_type: str, changes: Mapping[str, Any], *, zone: str) -> str:
    """Every change on one line, for exports: ``field: old → new; field: value``."""
    return clauses(
        labelled(name, text) if name else text
        for name, text in describe_changes(action, entity_type, changes, zone=zone, shorten=False)
    )


def _value(value: Any, kind: str | None, zone: str, shorten: bool, key: str = "") -> str:
    if value is None or value == "None":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        if key == "awards":  # [[tier, program id], ...]
            return listing(_award(item) for item in value) or "—"
        if key == "conflicts":  # [[judge id, program id], ...]
            return listing(f"#{pair[0]} → #{pair[1]}" for pair in value) or "—"
        return listing(_value(item, kind, zone, shorten, key) for item in value) or "—"
    if isinstance(value, dict):
        return listing(labelled(k, _value(v, None, zone, shorten)) for k, v in value.items())
    if key in ID_FIELDS and isinstance(value, int | str) and str(value).isdigit():
        return f"#{value}"
    if kind is not None and isinstance(value, str) and value in LABELS[kind]:
        return str(LABELS[kind][value])
    text = _moment(value, zone) if isinstance(value, str) else str(value)
    if shorten and len(text) > SHORT:
        return text[: SHORT - 1] + "…"
    return text


def _award(item: Any) -> str:
    if isinstance(item, list) and len(item) == 2:
        tier, program_id = item
        return f"{LABELS['award_tier'].get(tier, tier)} #{program_id}"
    return str(item)


def _moment(text: str, zone: str) -> str:
    """An ISO moment with its offset as the wall time of ``zone``, an ISO date as the reader's
    language writes it (2026年4月21日 00:00, April 21, 2026); other text unchanged."""
    if len(text) == 10 and ISO_DATE.fullmatch(text):
        try:
            return format_date(date.fromisoformat(text), "long")
        except ValueError:
            return text
    if len(text) < 19 or text[4:5] != "-" or text[10:11] not in ("T", " "):
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    local = moment.astimezone(ZoneInfo(zone))
    return f"{format_date(local.date(), 'long')} {local:%H:%M}"
