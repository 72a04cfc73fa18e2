"""What the programs domain asks of the domains above it. They register for it, so that
programs never imports them (DESIGN.md: domains depend downward only)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the festival (and ``viewer``) when a program's path is shown to a signed-in user;
# each receiver returns whether the viewer may see that festival's results (awards: published,
# or the viewer manages them).
path_results_visible = _signals.signal("path-results-visible")

# Sent with the program (and ``session`` and ``levels``, lowest first) once a program's path
# is built; receivers add their results to the levels in a fixed number of queries (awards:
# the closed rounds' ranks and scores, and the awards).
path_built = _signals.signal("path-built")

# Sent with the program (and ``session`` and ``viewer``) when its page is shown; a receiver
# returns the judges' comments on it that the viewer may read (objects with ``round_id``,
# ``round_name`` and ``text``, never who wrote them), or None when the viewer may read none
# (judging: the festival's organizers at any time, the troupe's leader once published).
comments_wanted = _signals.signal("comments-wanted")

# Sent with the program (and ``session``) when its page is shown; a receiver returns what its
# video and backing track lack or exceed (media: problems with ``code`` and ``message``).
media_problems_wanted = _signals.signal("media-problems-wanted")

# Sent with the festival (and ``session`` and ``programs``, one page of its program list); a
# receiver returns ``{program id: problems}`` for them in a fixed number of queries (media).
listing_media_problems_wanted = _signals.signal("listing-media-problems-wanted")
