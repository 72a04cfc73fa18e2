"""Festival pages: list, create, edit, open, categories."""

from flask import Blueprint

bp = Blueprint("festivals", __name__)


@bp.get("/festivals/<int:festival_id>")
def show(festival_id: int):
    """The festival's page. (Being built.)"""
    return "", 501
