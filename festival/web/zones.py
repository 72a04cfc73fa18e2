"""Time zones as people name them: 北京时间 / Beijing Time rather than "Asia/Shanghai". The
zones an office of this application uses are offered in a select; any other stored zone is
still named (by Babel's CLDR data) and kept as a choice."""

from babel.dates import get_timezone, get_timezone_location
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# The mainland's zone first (also Xinjiang's local time), then Hong Kong, Macau, Taipei, and
# zones of partner troupes abroad.
OFFICE_ZONES = (
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)
# Names that people use rather than CLDR's ("China (Shanghai) Time").
COMMON_NAMES = {
    "Asia/Shanghai": _l("Beijing Time"),
    "UTC": _l("Coordinated Universal Time (UTC)"),
}


def zone_name(zone: str | None) -> str:
    """The zone in the reader's language: 北京时间, 中国香港特别行政区时间, Taiwan Time…;
    an unknown name is shown as it is."""
    if not zone:
        return ""
    if zone in COMMON_NAMES:
        return str(COMMON_NAMES[zone])
    try:
        return get_timezone_location(get_timezone(zone), locale=get_locale() or "zh_Hans_CN")
    except (LookupError, ValueError):
        return zone


def zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """(zone, its name) for a select: the office zones, and ``current`` if it is another."""
    zones = list(OFFICE_ZONES)
    if current and current not in zones:
        zones.append(current)
    return [(zone, zone_name(zone)) for zone in zones]
