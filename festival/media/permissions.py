"""Who may add, replace, delete and see a program's media."""

from festival.accounts.models import User
from festival.media.models import MediaKind
from festival.programs.models import Program
from festival.programs.permissions import can_manage_program


def can_manage_media(user: User, program: Program) -> bool:
    """Organizers of the festival's organisation or above; the troupe's leader."""
    return can_manage_program(user, program)


def can_view_media(user: User, program: Program, kind: MediaKind, *, judges_round: bool) -> bool:
    """Those who manage it see every file; a judge of a round the program is entered in
    (``judges_round``) sees its video (never the backing track)."""
    if can_manage_media(user, program):
        return True
    return bool(judges_round and user.is_authenticated and kind is MediaKind.video)
