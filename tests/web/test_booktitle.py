"""Book-title marks (pure and HTTP tests): titles are stored without the 《》 that people type
around them, and pages show one pair around a title, never 《《…》》, old rows included."""

import pytest

from festival.core.titles import bare_title, book_title
from tests import factories


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("金秋欢歌", "金秋欢歌", "《金秋欢歌》"),
        ("《金秋欢歌》", "金秋欢歌", "《金秋欢歌》"),
        ("《《金秋欢歌》》", "金秋欢歌", "《金秋欢歌》"),
        (" 《 金秋欢歌 》 ", "金秋欢歌", "《金秋欢歌》"),
        ("《黄河》选段", "《黄河》选段", "《〈黄河〉选段》"),
        ("《甲》与《乙》", "《甲》与《乙》", "《〈甲〉与〈乙〉》"),
    ],
)
def test_titles_lose_the_marks_typed_around_them(typed, stored, shown):
    assert bare_title(typed) == stored
    assert book_title(typed) == shown


def test_a_submitted_title_is_stored_without_marks(session, festival):
    program = factories.make_program(session, festival=festival, title="《《金秋欢歌》》")
    assert program.title == "金秋欢歌"


def test_the_api_stores_titles_without_marks(app, session, api, festival, office, organizer):
    leader = organizer  # the office may enter programs after the deadline
    troupe = factories.make_troupe(session, organization=office)
    people = [factories.make_person(session, troupe=troupe) for _ in range(2)]
    session.commit()
    response = api.as_user(leader).post(
        f"/api/v1/festivals/{festival.id}/programs",
        json={
            "title": "《夕阳红》",
            "category_id": festival.categories[0].id,
            "troupe_id": troupe.id,
            "duration_minutes": 5,
            "performer_ids": [p.id for p in people],
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "夕阳红"
    program_id = response.get_json()["id"]
    patched = api.as_user(leader).patch(
        f"/api/v1/programs/{program_id}", json={"title": "《《晚霞》》"}
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title"] == "晚霞"


def test_pages_never_double_the_marks_of_an_old_title(client, session, festival, organizer):
    program = factories.make_program(session, festival=festival, title="金秋欢歌")
    program.title = "《《金秋欢歌》》"  # a row saved before titles were cleaned
    session.commit()
    client.login(organizer.username)
    for url in (f"/programs/{program.id}", f"/festivals/{festival.id}/programs"):
        html = client.get(url).get_data(as_text=True)
        assert "《金秋欢歌》" in html, url
        assert "《《" not in html and "》》" not in html, url
    withdrawn = client.post_form(
        f"/programs/{program.id}/withdraw", follow_redirects=True
    ).get_data(as_text=True)
    assert "《《" not in withdrawn and "》》" not in withdrawn


def test_no_template_puts_marks_around_a_title_by_hand():
    """Every 《》 around a title on a page comes from the booktitle filter."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    by_hand = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"《\{\{|\"《\" ~", path.read_text(encoding="utf-8"))
    ]
    assert not by_hand
