"""Loading the object a URL names, or 404."""

from festival.core.errors import NotFound
from festival.db import db


def get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        raise NotFound()
    return found
