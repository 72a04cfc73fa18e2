"""The audit log page and its exports as organizers use them: who changed which score,
award or status and when; scoped to the reader's organisations; filters; spreadsheets."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from festival.accounts.services import create_user
from festival.audit.services import record
from tests import factories
from tests.audit.conftest import NOW

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def page(client, user, query="", headers=EN):
    client.login(user.username)
    response = client.get(f"/audit{query}", headers=headers)
    assert response.status_code == 200, text(response)[:300]
    return text(response)


def test_an_organizer_sees_scores_round_awards_and_status_with_who_and_when(client, world):
    html = page(client, world.organizer)
    listed = "".join(rows(html))
    for label in (
        "Saved scores",
        "Closed a screening round",
        "Allocated awards by rank",
        "Gave an award",
        "Published the awards",
        "Opened a festival for submissions",
    ):
        assert label in listed, label
    score_rows = [row for row in rows(html) if "Saved scores" in row]
    assert len(score_rows) == 2
    # Who (display name and username), when (in Asia/Shanghai: 09:00 UTC is 17:00), which.
    assert all("李评委" in row and "judge1" in row for row in score_rows)
    assert all("March 1, 2026 17:00" in row for row in score_rows)
    assert all(f'href="/rounds/{world.round.id}"' in row for row in score_rows)
    assert "艺术表现" in score_rows[0] and "—" in score_rows[0] and "→" in score_rows[0]
    closed = next(row for row in rows(html) if "Closed a screening round" in row)
    assert "王组织" in closed and "office" in closed and "March 2, 2026" in closed
    opened = next(row for row in rows(html) if "Opened a festival" in row)
    assert f'href="/festivals/{world.draft.id}"' in opened


def test_the_newest_entry_comes_first(client, world):
    first = rows(page(client, world.organizer))[0]
    assert "Opened a festival for submissions" in first


def test_an_organizer_of_a_sibling_district_sees_none_of_the_offices_entries(client, world):
    html = page(client, world.sibling_organizer)
    listed = "".join(rows(html))
    for label in (
        "Saved scores",
        "Closed a screening round",
        "Published the awards",
        "Opened a festival for submissions",
        "城区艺术节",
    ):
        assert label not in listed, label
    assert "城区艺术节" not in html  # not even among the festivals to filter by
    assert "郊区艺术节" in listed  # their own festival's entries


def test_the_city_above_sees_the_districts_entries(client, world):
    listed = "".join(rows(page(client, world.city_organizer)))
    assert "Saved scores" in listed and "郊区艺术节" in listed


@pytest.mark.parametrize("role", ["leader", "judge"])
def test_leaders_and_judges_may_not_read_the_log(client, world, role):
    client.login(getattr(world, role).username)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_menu_links_the_log_for_organizers_only(client, world):
    assert 'href="/audit"' in page(client, world.organizer)
    client.post_form("/logout")
    client.login(world.leader.username)
    assert 'href="/audit"' not in text(client.get("/troupes", headers=EN))


def test_the_festival_page_links_its_log(client, world):
    client.login(world.organizer.username)
    html = text(client.get(f"/festivals/{world.festival.id}", headers=EN))
    assert f'href="/audit?festival_id={world.festival.id}"' in html


def test_filters_narrow_the_list(client, world):
    scores = page(client, world.organizer, "?change=scores")
    assert {("Saved scores" in row) for row in rows(scores)} == {True}
    assert len(rows(scores)) == 2
    closed = rows(page(client, world.organizer, "?change=close_round"))
    assert len(closed) == 1 and "Closed a screening round" in closed[0]
    judge = rows(page(client, world.organizer, "?who=judge1"))
    assert len(judge) == 2 and all("李评委" in row for row in judge)
    dated = rows(page(client, world.organizer, "?date_from=2026-03-02&date_to=2026-03-02"))
    assert len(dated) == 1 and "Closed a screening round" in dated[0]
    festival = rows(page(client, world.organizer, f"?festival_id={world.draft.id}"))
    assert festival and all(f'href="/festivals/{world.draft.id}"' in row for row in festival)
    records = rows(page(client, world.organizer, "?entity_type=award"))
    assert len(records) == 1 and "Gave an award" in records[0]
    assert "No entry matches these filters." in page(client, world.organizer, "?who=nobody")


def test_a_bad_filter_is_shown_and_left_out(client, world):
    html = page(client, world.organizer, "?date_from=yesterday&change=drop_tables")
    assert "Enter a date as YYYY-MM-DD." in html
    assert "Choose one of the list." in html
    assert "Saved scores" in "".join(rows(html))  # the other filters (none) still apply


def test_a_foreign_festival_cannot_be_chosen(client, world):
    html = page(client, world.organizer, f"?festival_id={world.sibling_festival.id}")
    assert "Choose one of the list." in html and "郊区艺术节" not in html


def test_pager_links_keep_the_filters(client, session, world):
    for _ in range(3):
        record(
            session,
            actor=world.judge,
            action="save_scores",
            entity_type="round",
            entity_id=world.round.id,
            changes={},
            organization_id=world.office.id,
            festival_id=world.festival.id,
            now=NOW,
        )
    session.commit()
    html = page(client, world.organizer, "?change=scores&who=judge1&per_page=2")
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert "change=scores" in next_link and "who=judge1" in next_link and "page=2" in next_link
    assert 'href="/audit.xlsx?' in html and "change=scores" in html


def test_csv_export_holds_the_filtered_rows_and_neutralises_formulas(client, session, world):
    sneaky = create_user(
        session,
        username="sneaky",
        password=factories.PASSWORD,
        display_name='=HYPERLINK("http://x")',
        role="organizer",
        organization_id=world.office.id,
        actor=None,
        now=NOW,
    )
    record(
        session,
        actor=sneaky,
        action="update_festival",
        entity_type="festival",
        entity_id=world.festival.id,
        changes={"name": ["城区艺术节", "=1+1"]},
        organization_id=world.office.id,
        festival_id=world.festival.id,
        now=NOW,
    )
    session.commit()
    client.login(world.organizer.username)
    response = client.get("/audit.csv?change=scores", headers=EN)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][:4] == ["When (Asia/Shanghai)", "Who", "Username", "What"]
    assert [row[3] for row in table[1:]] == ["Saved scores", "Saved scores"]
    assert all(row[1] == "李评委" and row[2] == "judge1" for row in table[1:])
    assert table[1][0].startswith("2026-03-01T17:00")
    everything = client.get("/audit.csv?who=sneaky", headers=EN).get_data().decode("utf-8")
    (sneaky_row,) = list(csv.reader(io.StringIO(everything.lstrip("\ufeff"))))[1:]
    assert sneaky_row[1] == '\'=HYPERLINK("http://x")'
    assert "=1+1" in sneaky_row[8] and not sneaky_row[8].startswith("=")


def test_xlsx_export_holds_the_filtered_rows_and_neutralises_formulas(client, session, world):
    world.judge.display_name = "=cmd|' /C calc'!A0"
    session.commit()
    client.login(world.organizer.username)
    response = client.get("/audit.xlsx?change=scores", headers=EN)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3] == "What" and len(values) == 3
    assert {row[1] for row in values[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {row[3] for row in values[1:]} == {"Saved scores"}


def test_a_sibling_district_exports_none_of_the_offices_entries(client, world):
    client.login(world.sibling_organizer.username)
    body = client.get("/audit.csv", headers=EN).get_data().decode("utf-8")
    assert "Saved scores" not in body and "城区艺术节" not in body


def test_the_page_costs_the_same_queries_at_two_sizes(app, client, session, count_queries):
    counts = []
    for index, size in enumerate((1, 4)):
        organizer = office_with_entries(session, index, size)
        client.login(organizer.username)
        with count_queries() as queries:
            response = client.get("/audit", headers=EN)
        assert response.status_code == 200
        counts.append((len(queries), len(rows(text(response)))))
        client.post_form("/logout")
    assert counts[0][0] == counts[1][0], counts
    assert counts[0][1] < counts[1][1]


def office_with_entries(session, index, size):
    """An office's organizer, and ``size`` entries each by another judge in another festival
    of the office."""
    office = factories.make_organization(session, name=f"Size office {index}")
    organizer = factories.make_user(session, role="organizer", organization=office)
    for _ in range(size):
        festival = factories.make_festival(session, organization=office)
        judge = factories.make_user(session, role="judge")
        record(
            session,
            actor=judge,
            action="save_scores",
            entity_type="round",
            entity_id=1,
            changes={"艺术表现": [None, "9"]},
            organization_id=office.id,
            festival_id=festival.id,
            now=NOW,
        )
    session.commit()
    return organizer


def test_the_page_in_chinese_shows_translated_action_labels(client, world):
    html = page(client, world.organizer, headers={"Accept-Language": "zh-CN"})
    listed = "".join(rows(html))
    for label in ("保存评分", "关闭评审轮次", "颁奖", "公布获奖名单", "开放报送"):
        assert label in listed, label
    assert "审计日志" in html and "2026年3月1日 17:00" in listed
    assert "Saved scores" not in html
