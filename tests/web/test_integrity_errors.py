"""A unique row written by two requests at once, that no service foresaw, is answered 409 with
a message in the user's language (and the transaction rolled back), never a server error; any
other integrity error stays a server error."""

from sqlalchemy.exc import IntegrityError

from festival.web.errors import handle_integrity_error


def integrity_error(message: str, sqlstate: str | None = None) -> IntegrityError:
    original = Exception(message)
    original.sqlstate = sqlstate
    return IntegrityError("INSERT INTO scores ...", {}, original)


def test_a_unique_violation_under_the_api_is_a_409_conflict_json(app):
    with app.test_request_context(
        "/api/v1/rounds/1/scores/2", method="PUT", headers={"Accept-Language": "en"}
    ):
        response, status = handle_integrity_error(
            integrity_error(
                'duplicate key value violates unique constraint "uq_scores_entry_id"', "23505"
            )
        )
    assert status == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert "at the same moment" in response.get_json()["error"]["message"]


def test_a_unique_violation_on_a_page_is_a_409_page_in_chinese(app):
    with app.test_request_context("/rounds/1/sheet", method="POST"):
        page, status = handle_integrity_error(
            integrity_error(
                "UNIQUE constraint failed: scores.entry_id, scores.judge_id, scores.criterion_id"
            )
        )
    assert status == 409
    assert "同一时间" in page


def test_another_integrity_error_stays_a_server_error(app):
    with app.test_request_context("/api/v1/rounds/1/scores/2", method="PUT"):
        response, status = handle_integrity_error(
            integrity_error(
                'new row violates check constraint "ck_scores_value_not_negative"', "23514"
            )
        )
    assert status == 500
    assert response.get_json()["error"]["code"] == "server_error"
