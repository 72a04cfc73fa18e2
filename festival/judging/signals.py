"""What the judging domain tells the domains above it. They register for it, so that judging
never imports them (DESIGN.md: domains depend downward only)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the round (and ``session``) when its organizers open a closed round's results; each
# receiver returns a dict of what it adds to the page (awards: recommending the advanced
# programs upward).
closed_results_shown = _signals.signal("closed-results-shown")

# Sent with a round screened by video (and ``session`` and ``program_ids``: the entries of one
# judge's sheet, never one they may not score); a receiver returns ``{program id: video}`` for
# those with a ready video (media: signed playback and poster URLs and the length), in a fixed
# number of queries.
sheet_videos_wanted = _signals.signal("sheet-videos-wanted")
