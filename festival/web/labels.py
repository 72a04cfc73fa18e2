"""What each stored value is called on the page, in the reader's language."""

from flask_babel import lazy_gettext as _l

from festival.accounts.forms import LEVEL_LABELS, ROLE_LABELS

FESTIVAL_STATUS = {
    "draft": _l("Draft"),
    "open": _l("Open for submissions"),
    "screening": _l("Screening"),
    "announced": _l("Results announced"),
    "final": _l("Results final"),
}
PROGRAM_STATUS = {
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"),
    "screening": _l("In screening"),
    "advanced": _l("Advanced"),
    "eliminated": _l("Not advanced"),
}
ROUND_STATUS = {
    "draft": _l("Being prepared"),
    "open": _l("Open for scoring"),
    "closed": _l("Closed"),
}
TROUPE_KIND = {"troupe": _l("Troupe"), "team": _l("Team")}
GENDER = {"female": _l("Female"), "male": _l("Male")}
MEMBER_ROLE = {"member": _l("Member"), "coach": _l("Coach")}
AWARD_TIER = {
    "first": _l("First prize"),
    "second": _l("Second prize"),
    "third": _l("Third prize"),
    "excellence": _l("Excellence award"),
    "organization": _l("Organisation award"),
    "special": _l("Special award"),
}
EVENT_KIND = {
    "rehearsal": _l("Rehearsal"),
    "training": _l("Group training"),
    "practice": _l("Individual practice"),
    "performance": _l("Performance"),
    "exhibition": _l("Exhibition"),
    "meeting": _l("Meeting"),
}

LABELS = {
    "role": {role.value: label for role, label in ROLE_LABELS.items()},
    "level": {level.value: label for level, label in LEVEL_LABELS.items()},
    "festival_status": FESTIVAL_STATUS,
    "program_status": PROGRAM_STATUS,
    "round_status": ROUND_STATUS,
    "troupe_kind": TROUPE_KIND,
    "gender": GENDER,
    "member_role": MEMBER_ROLE,
    "award_tier": AWARD_TIER,
    "event_kind": EVENT_KIND,
}


def label(kind: str, value) -> str:
    """The label of a stored value (an enum member or its string); the value if unknown."""
    key = getattr(value, "value", value)
    return LABELS[kind].get(key, key)
