"""Signals of a festival's changes, for the domains above that keep something derived from
it (a festival never imports them). Receivers write in the sender's transaction: they flush,
never commit."""

from blinker import Namespace

_signals = Namespace()

# Sent by ``update_festival`` after a festival's details changed: sender the festival, with
# ``session``, ``changed`` (the names of the fields that changed) and ``now``.
festival_changed = _signals.signal("festival-changed")
