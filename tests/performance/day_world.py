"""A round on its performance day for the check-in and stage tests: an open festival's round
with ``n`` programs of ``n`` troupes ("Troupe 01"…), entered and placed in a running order
that differs from the entry order (positions n, n-1, …, 1), one organizer."""

from festival.judging import services
from festival.judging.models import RoundEntry
from tests import factories

NOW = factories.NOW


def make_day(
    session, *, festival, organizer, programs: int = 12, positions: bool = True, prefix="Troupe"
):
    troupes = [
        factories.make_troupe(session, name=f"{prefix} {i:02d}", organization=festival.organization)
        for i in range(1, programs + 1)
    ]
    made = [
        factories.make_program(session, festival=festival, troupe=t, title=f"Dance {i:02d}")
        for i, t in enumerate(troupes, start=1)
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="Final",
        aggregation="mean",
        criteria=[{"name": "art", "max_score": 100}],
        actor=organizer,
        now=NOW,
    )
    entries = services.add_entries(
        session, round_=round_, program_ids=[p.id for p in made], actor=organizer, now=NOW
    )
    if positions:  # the running order reverses the entry order
        for index, entry in enumerate(entries):
            entry.running_position = programs - index
    session.commit()
    in_order = sorted(
        made, key=lambda p: next(e.running_position or 0 for e in entries if e.program_id == p.id)
    )
    return round_, (in_order if positions else made)


def entry(session, round_, program) -> RoundEntry:
    session.expire_all()
    return session.query(RoundEntry).filter_by(round_id=round_.id, program_id=program.id).one()
