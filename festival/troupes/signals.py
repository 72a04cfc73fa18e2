"""Signals of a troupe's changes, for the domains above that keep something derived from it
(a troupe never imports them). Receivers write in the sender's transaction: they flush,
never commit."""

from blinker import Namespace

_signals = Namespace()

# Sent by ``update_troupe`` after a troupe's name changed: sender the troupe, with
# ``session`` and ``now``.
troupe_renamed = _signals.signal("troupe-renamed")
