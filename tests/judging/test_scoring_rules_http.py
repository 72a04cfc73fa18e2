"""The other scoring rules through HTTP: a round set up with ``trim`` n or the median (its form
and POST /api/v1/festivals/{id}/rounds), and the results page, its export and the API saying
which rule was applied and which totals were dropped or used."""

import csv
import io
import re

from sqlalchemy import select

from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Aggregation, Round
from tests import factories
from tests.checks import refusal

NOW = factories.NOW
EN = {"Accept-Language": "en"}
CRITERIA = [{"name": "art", "max_score": 100, "weight": 1}]


def text(response) -> str:
    return response.get_data(as_text=True)


def form_data(**overrides):
    return {
        "name": "初选",
        "aggregation": "trimmed_mean",
        "trim": "2",
        "advance_count": "1",
        "criteria-0-name": "艺术表现",
        "criteria-0-max_score": "100",
        "criteria-0-weight": "1",
        **overrides,
    }


def scored_round(session, festival, organizer, *, aggregation, trim=1, judges=5, values=()):
    """One program scored by every judge with ``values``, through the services."""
    program = factories.make_program(session, festival=festival, title="和谐大家园")
    panel = [
        factories.make_user(session, role="judge", display_name=f"评委{i}")
        for i in range(1, judges + 1)
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        aggregation=aggregation,
        trim=trim,
        criteria=CRITERIA,
        actor=organizer,
        now=NOW,
    )
    for judge in panel:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(session, round_=round_, program_ids=[program.id], actor=organizer, now=NOW)
    for judge, value in zip(panel, values, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"art": value},
            now=NOW,
        )
    session.commit()
    return round_, program, panel


def results_row(page: str, program) -> str:
    return re.search(rf'<tr id="program-{program.id}".*?</tr>', page, re.S).group(0)


# The set-up form


def test_the_round_form_offers_the_three_rules_in_plain_words_and_n(
    client, session, festival, organizer
):
    client.login(organizer.username)
    page = text(client.get(f"/festivals/{festival.id}/rounds", headers=EN))
    for label in ("Drop the highest and lowest n totals, then average", "Median", "Average of all"):
        assert label in page
    assert 'name="trim"' in page


def test_the_round_form_creates_a_trimmed_round_dropping_n(client, session, festival, organizer):
    client.login(organizer.username)
    created = client.post_form(f"/festivals/{festival.id}/rounds", form_data())
    assert created.status_code == 302, text(created)
    round_ = session.execute(select(Round)).scalar_one()
    assert (round_.aggregation, round_.trim) == (Aggregation.trimmed_mean, 2)
    setup = text(client.get(f"/rounds/{round_.id}", headers=EN))
    assert "Drop the highest 2 and the lowest 2 totals, then average" in setup


def test_the_round_form_creates_a_median_round(client, session, festival, organizer):
    client.login(organizer.username)
    created = client.post_form(
        f"/festivals/{festival.id}/rounds", form_data(aggregation="median", trim="")
    )
    assert created.status_code == 302, text(created)
    round_ = session.execute(select(Round)).scalar_one()
    assert (round_.aggregation, round_.trim) == (Aggregation.median, 1)


def test_the_round_form_refuses_a_trim_below_one(client, session, festival, organizer):
    client.login(organizer.username)
    refused = client.post_form(f"/festivals/{festival.id}/rounds", form_data(trim="0"), headers=EN)
    assert refused.status_code == 422
    assert session.execute(select(Round)).first() is None
    too_many = client.post_form(
        f"/festivals/{festival.id}/rounds", form_data(trim="21"), headers=EN
    )
    assert too_many.status_code == 422
    assert "Drop at least 1 and at most 20 totals at each end." in text(too_many)


def test_the_setup_page_warns_when_the_panel_is_too_small_to_drop_n(
    client, session, festival, organizer
):
    round_, _, _ = scored_round(
        session,
        festival,
        organizer,
        aggregation="trimmed_mean",
        trim=2,
        judges=4,
        values=[60, 70, 80, 90],
    )
    client.login(organizer.username)
    setup = text(client.get(f"/rounds/{round_.id}", headers=EN))
    assert "4 judges are assigned: dropping 2 totals at each end needs at least 5" in setup


# The API


def test_api_creates_rounds_with_trim_and_the_median(api, session, festival, organizer):
    as_organizer = api.as_user(organizer)
    url = f"/api/v1/festivals/{festival.id}/rounds"
    created = as_organizer.post(
        url, json={"name": "First", "aggregation": "trimmed_mean", "trim": 2, "criteria": CRITERIA}
    )
    assert created.status_code == 201, created.get_json()
    assert (created.get_json()["aggregation"], created.get_json()["trim"]) == ("trimmed_mean", 2)
    shown = as_organizer.get(f"/api/v1/rounds/{created.get_json()['id']}").get_json()
    assert (shown["aggregation"], shown["trim"]) == ("trimmed_mean", 2)

    error = refusal(
        as_organizer.post(url, json={"name": "x", "trim": 0, "criteria": CRITERIA}),
        422,
        "validation_error",
    )
    assert "trim" in error["fields"]

    other = factories.make_festival(session, organization=festival.organization)
    session.commit()
    median = as_organizer.post(
        f"/api/v1/festivals/{other.id}/rounds",
        json={"name": "Final", "aggregation": "median", "criteria": CRITERIA},
    )
    assert median.status_code == 201, median.get_json()
    assert (median.get_json()["aggregation"], median.get_json()["trim"]) == ("median", 1)


def test_api_results_name_the_rule_and_every_dropped_judge(api, session, festival, organizer):
    round_, program, judges = scored_round(
        session,
        festival,
        organizer,
        aggregation="trimmed_mean",
        trim=2,
        judges=7,
        values=[90, 60, 70, 80, 85, 95, 50],
    )
    body = api.as_user(organizer).get(f"/api/v1/rounds/{round_.id}/results").get_json()
    assert (body["aggregation"], body["trim"]) == ("trimmed_mean", 2)
    (item,) = body["items"]
    assert item["score"] == "78.33"  # 50 60 and 90 95 dropped: (70 + 80 + 85) / 3
    assert item["dropped_high_judge_ids"] == [judges[5].id, judges[0].id]
    assert item["dropped_low_judge_ids"] == [judges[6].id, judges[1].id]
    assert item["median_judge_ids"] == []


def test_api_results_of_a_median_round_name_the_middle_judges(api, session, festival, organizer):
    round_, program, judges = scored_round(
        session, festival, organizer, aggregation="median", judges=4, values=[90, 60, 70, 81]
    )
    body = api.as_user(organizer).get(f"/api/v1/rounds/{round_.id}/results").get_json()
    assert (body["aggregation"], body["trim"]) == ("median", 1)
    (item,) = body["items"]
    assert item["score"] == "75.50"
    assert sorted(item["median_judge_ids"]) == sorted([judges[2].id, judges[3].id])
    assert item["dropped_high_judge_ids"] == [] and item["dropped_high_judge_id"] is None


# The results page and its export


def test_results_page_strikes_through_n_totals_at_each_end(client, session, festival, organizer):
    round_, program, _ = scored_round(
        session,
        festival,
        organizer,
        aggregation="trimmed_mean",
        trim=2,
        judges=7,
        values=[90, 60, 70, 80, 85, 95, 50],
    )
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    assert "Drop the highest 2 and the lowest 2 totals, then average." in page
    assert "Struck-through totals are the 2 highest and the 2 lowest" in page
    row = results_row(page, program)
    struck = re.findall(r'<del class="dropped">.*?([\d.]+)</del>', row, re.S)
    assert sorted(struck) == ["50.00", "60.00", "90.00", "95.00"]
    assert "78.33" in row  # (70 + 80 + 85) / 3
    assert "average of all" not in row


def test_results_page_says_when_too_few_totals_fell_back_to_the_mean(
    client, session, festival, organizer
):
    round_, program, _ = scored_round(
        session,
        festival,
        organizer,
        aggregation="trimmed_mean",
        trim=2,
        judges=4,
        values=[90, 60, 70, 81],
    )
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    assert "fewer than 5 judges' totals has nothing dropped" in page
    row = results_row(page, program)
    assert "<del" not in row and "75.25" in row and "average of all" in row


def test_results_page_marks_the_middle_totals_of_a_median(client, session, festival, organizer):
    round_, program, _ = scored_round(
        session, festival, organizer, aggregation="median", judges=4, values=[90, 60, 70, 81]
    )
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    assert "Median of the judges&#39; totals." in page
    row = results_row(page, program)
    assert re.findall(r'<mark class="middle">([\d.]+)</mark>', row) == ["70.00", "81.00"]
    assert "<del" not in row and "75.50" in row


def test_results_export_names_the_rule_and_marks_each_total(client, session, festival, organizer):
    round_, _, _ = scored_round(
        session,
        festival,
        organizer,
        aggregation="trimmed_mean",
        trim=2,
        judges=7,
        values=[90, 60, 70, 80, 85, 95, 50],
    )
    client.login(organizer.username)
    raw = client.get(f"/rounds/{round_.id}/results.csv", headers=EN).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    header, body = rows[0], rows[1:]
    rule, mark, total = (
        header.index("Rule"),
        header.index("In the score"),
        header.index("Judge's total"),
    )
    assert {row[rule] for row in body} == {
        "Drop the highest 2 and the lowest 2 totals, then average"
    }
    marks = sorted((row[total], row[mark]) for row in body)
    assert marks == [
        ("50.00", "lowest, dropped"),
        ("60.00", "lowest, dropped"),
        ("70.00", "counted"),
        ("80.00", "counted"),
        ("85.00", "counted"),
        ("90.00", "highest, dropped"),
        ("95.00", "highest, dropped"),
    ]
