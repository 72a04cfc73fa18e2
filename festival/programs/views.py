"""Program pages: the festival's program list, submit, edit, withdraw."""

from flask import Blueprint

bp = Blueprint("programs", __name__)


@bp.get("/festivals/<int:festival_id>/programs")
def list_programs(festival_id: int):
    """The festival's programs with filters ?status= &category_id= &troupe_id= &organization_id=
    &problem=late, paginated. (Being built.)"""
    return "", 501
