"""A round's running order (抽签): draw it from a seed, set it by hand, read it."""

from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body, respond
from festival.api.registry import endpoint
from festival.api.rounds import managed_round
from festival.api.schemas import DbInt
from festival.core.clock import utcnow
from festival.db import db
from festival.judging import permissions, queries
from festival.judging.models import Round
from festival.performance import order
from festival.web.auth import require


class DrawIn(BaseModel):
    seed: str | None = Field(default=None, max_length=order.SEED_MAX_LENGTH)
    group_by_category: bool = False


class OrderIn(BaseModel):
    program_ids: list[DbInt] = Field(max_length=5000)


class DrawItem(BaseModel):
    position: int | None
    program_id: int
    title: str
    troupe_name: str | None  # null for the judges (and the public) of a blind round
    category_name: str


class OrderItem(DrawItem):
    checked_in: bool


class DrawOut(BaseModel):
    seed: str | None
    items: list[DrawItem]


class OrderOut(BaseModel):
    seed: str | None
    items: list[OrderItem]


def _items(round_: Round, *, sees_troupes: bool, checked_in: bool) -> list:
    model = OrderItem if checked_in else DrawItem
    return [
        model(
            position=row.position,
            program_id=row.program_id,
            title=row.title,
            troupe_name=row.troupe_name if sees_troupes else None,
            category_name=row.category_name,
            **({"checked_in": row.checked_in} if checked_in else {}),
        )
        for row in order.running_order(db.session, round_.id)
    ]


@endpoint(
    "/rounds/<int:round_id>/draw",
    "POST",
    summary="Draw the running order",
    who="the round's organizers",
    body=DrawIn,
    response=DrawOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def draw_running_order(round_id: int):
    """A random draw anyone can repeat from the seed; drawing again replaces the order."""
    round_ = managed_round(round_id)
    body = parse_body(DrawIn)
    seed = order.draw(
        db.session,
        round_=round_,
        seed=body.seed,
        by_category=body.group_by_category,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(DrawOut(seed=seed, items=_items(round_, sees_troupes=True, checked_in=False)))


@endpoint(
    "/rounds/<int:round_id>/order",
    "PUT",
    summary="Set the running order by hand",
    who="the round's organizers",
    body=OrderIn,
    response=OrderOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def set_running_order(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(OrderIn)
    order.set_order(
        db.session, round_=round_, program_ids=body.program_ids, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(
        OrderOut(seed=round_.draw_seed, items=_items(round_, sees_troupes=True, checked_in=True))
    )


@endpoint(
    "/rounds/<int:round_id>/order",
    "GET",
    summary="The running order",
    who="the round's organizers and judges; anyone once the order is published",
    response=OrderOut,
    errors=(401, 404),
    public=True,
)
def get_running_order(round_id: int):
    """Judges of a blind round, and the public of one, see no troupe names."""
    round_ = db.session.get(Round, round_id)
    if round_ is not None and round_.order_published:
        viewer = actor()
        assigned = viewer.is_authenticated and queries.is_assigned(db.session, round_.id, viewer.id)
        audience = permissions.round_audience(viewer, round_, is_assigned=assigned)
        sees_troupes = audience.sees_troupes if audience else not round_.is_blind
    else:
        require(actor().is_authenticated)
        round_, audience = queries.load_round(db.session, actor(), round_id)
        sees_troupes = audience.sees_troupes
    return respond(
        OrderOut(
            seed=round_.draw_seed,
            items=_items(round_, sees_troupes=sees_troupes, checked_in=True),
        )
    )
