"""Pages of a query: one COUNT and one LIMIT/OFFSET select, whatever the data size."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# Far beyond any real list; a larger page number would only make an offset the database
# cannot hold.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, query: Select[Any], *, page: int, per_page: int) -> Page:
    """Run ``query`` for one page; ``query`` must already be ordered."""
    total = session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    if page > MAX_PAGE:  # past the end, as any page after the last
        return Page(items=[], page=page, per_page=per_page, total=total)
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars()
    return Page(items=list(rows.unique()), page=page, per_page=per_page, total=total)
