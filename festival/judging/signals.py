"""What the judging domain tells the domains above it. They register for it, so that judging
never imports them (DESIGN.md: domains depend downward only)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the round (and ``session``) when its organizers open a closed round's results; each
# receiver returns a dict of what it adds to the page (awards: recommending the advanced
# programs upward).
closed_results_shown = _signals.signal("closed-results-shown")
