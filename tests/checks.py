"""Assertions and counts that many test modules share."""

from sqlalchemy import func, select


def refusal(response, status: int, code: str) -> dict:
    """The error JSON of a refused API request, after checking its status and code."""
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    return error


def row_count(session, model, *where) -> int:
    """Rows of ``model`` as the database has them now (not as the session remembers)."""
    session.expire_all()
    return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
