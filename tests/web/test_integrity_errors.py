"""A unique row written by two requests at once, that no service foresaw, is answered 409 with
a message in the user's language (and the transaction rolled back), never a server error; any
other integrity error stays a server error. The errors are the database's own, raised on the
test database, and go through the app's registered handlers."""

import pytest
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import Level, Organization
from tests import factories


def database_error(session, make_rows) -> IntegrityError:
    """The IntegrityError the database raises for the rows ``make_rows`` adds."""
    make_rows(session)
    with pytest.raises(IntegrityError) as raised:
        session.flush()
    session.rollback()
    return raised.value


def duplicate_office(session):
    office = factories.make_organization(session, name="城区文化馆")
    session.add(Organization(name=office.name, level=office.level, created_at=factories.NOW))


def office_without_a_date(session):
    session.add(Organization(name="城区文化馆", level=Level.district))


def answer(app, error, path: str, **headers):
    with app.test_request_context(path, method="POST", headers=headers):
        return app.make_response(app.handle_user_exception(error))


def test_a_unique_violation_under_the_api_is_a_409_conflict_json(app, session):
    response = answer(
        app,
        database_error(session, duplicate_office),
        "/api/v1/organizations",
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert "at the same moment" in response.get_json()["error"]["message"]


def test_a_unique_violation_on_a_page_is_a_409_page_in_chinese(app, session):
    response = answer(app, database_error(session, duplicate_office), "/organizations")
    assert response.status_code == 409
    assert "同一时间" in response.get_data(as_text=True)


def test_another_integrity_error_stays_a_server_error(app, session):
    response = answer(app, database_error(session, office_without_a_date), "/api/v1/organizations")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
