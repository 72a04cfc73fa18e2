"""Since when someone counts as a member: one rule for roll calls, rates, tables and the API.

A member counts from the day they joined (``Membership.joined_on``) on; a session before that
day is "not yet a member", neither present nor absent. A membership without a date (made
before dates were kept) counts from the start.
"""

from datetime import date

from sqlalchemy import ColumnElement, or_

from festival.troupes.models import Membership


def was_member_on(joined_on: date | None, day: date) -> bool:
    """Whether a membership that began on ``joined_on`` counts on ``day``."""
    return joined_on is None or joined_on <= day


def member_on(day, joined_on=Membership.joined_on) -> ColumnElement[bool]:
    """The same rule as ``was_member_on`` for SQL: ``day`` a date or a date expression."""
    return or_(joined_on.is_(None), joined_on <= day)
