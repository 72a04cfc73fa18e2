"""Schedules: events and series of troupes and festivals, attendance, and calendar feeds.

Importing the package connects the receivers in ``feeds`` to the troupes' and festivals'
signals, so that a renamed troupe or festival raises its feed's version.
"""

from festival.schedules import feeds  # noqa: F401
