"""The key under which a round's computed ranking may be kept (``RoundResultsKey``).

Every service that changes what a ranking reads (a score, an entry, a judge, a conflict,
closing) calls ``results_changed`` in its transaction; a reader whose kept ranking carries the
current key uses it. A new random key rather than a counter: a restored backup or a round id
used again can never meet a ranking kept for other data."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from festival.judging.models import RoundResultsKey, new_results_key


def results_changed(session: Session, round_id: int) -> None:
    """The round's ranking must be computed again. Call it last in a transaction's writes:
    the key's row stays locked until the commit, so saves of one round take turns here."""
    changed = session.execute(
        update(RoundResultsKey)
        .where(RoundResultsKey.round_id == round_id)
        .values(key=new_results_key())
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:
        session.add(RoundResultsKey(round_id=round_id))
        session.flush()


def results_key(session: Session, round_id: int) -> str | None:
    return session.execute(
        select(RoundResultsKey.key).where(RoundResultsKey.round_id == round_id)
    ).scalar_one_or_none()
