"""Reading ?page= and ?per_page= the same way on every list page."""

from flask import request

from festival.core.ids import db_int
from festival.core.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE


def page_args(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """Lenient for pages: a bad value falls back to the first page."""
    page = request.args.get("page", 1, type=db_int) or 1
    per_page = request.args.get("per_page", default_per_page, type=db_int) or default_per_page
    return max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
