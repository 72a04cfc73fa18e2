"""Importing a roster again (issue 17, item 9): a member already in the troupe is matched by
name and birth date and updated, the preview counts added, changed and unchanged rows, and an
impossible date says why. Service and HTTP tests."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from festival.imports.columns import COLUMNS, ImportRow
from festival.imports.services import import_rows
from festival.troupes.models import Gender, Membership, Person
from tests import factories
from tests.imports.spreadsheets import csv_bytes

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
OLD = date(1950, 5, 1)
ENGLISH = {"Accept-Language": "en"}
HEADER = ["团体名称", "姓名", "出生日期", "性别", "电话"]


def count(session, model) -> int:
    session.commit()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def rows_of(*records: dict) -> list[ImportRow]:
    keys = [column.key for column in COLUMNS["members"]]
    return [
        ImportRow(2 + index, {key: record.get(key) for key in keys})
        for index, record in enumerate(records)
    ]


def member(name, birth_date=OLD, **extra) -> dict:
    return {"troupe": "万年表歌舞团", "name": name, "birth_date": birth_date, **extra}


@pytest.fixture
def world(session):
    """A city office's festival; a troupe with 王秀英 (a phone, no gender) and 李桂兰."""
    office = factories.make_organization(session, name="南通市老龄办", level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    wang = factories.make_person(session, name="王秀英", birth_date=OLD, troupe=troupe)
    wang.phone = "13800000000"
    factories.make_person(session, name="李桂兰", birth_date=OLD, troupe=troupe)
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()
    return festival, troupe, organizer


def run(session, festival, organizer, rows, **kwargs):
    with force_locale("en"):
        result = import_rows(
            session,
            festival=festival,
            kind="members",
            rows=rows,
            actor=organizer,
            now=NOW,
            **kwargs,
        )
        messages = [(p.row, p.column, str(p.message)) for p in result.problems]
    return result, messages


def test_an_existing_member_is_updated_not_added_and_not_an_error(session, world):
    festival, troupe, organizer = world
    people_before = count(session, Person)
    rows = rows_of(
        # the name as typed with a full-width space after it: the same person
        member("王秀英\u3000", gender="女", phone="13911112222"),
        member("李桂兰"),
        member("周阿姨", gender="女"),
    )

    result, messages = run(session, festival, organizer, rows)

    assert messages == []
    assert (result.created, len(result.changed), result.unchanged) == (1, 1, 1)
    change = result.changed[0]
    assert (change.row, change.name, change.troupe) == (2, "王秀英", "万年表歌舞团")
    assert [(c.column, c.before, c.after) for c in change.changes] == [
        ("gender", None, Gender.female),
        ("phone", "13800000000", "13911112222"),
    ]
    session.commit()
    assert count(session, Person) == people_before + 1
    assert count(session, Membership) == 3
    wang = session.execute(select(Person).where(Person.name == "王秀英")).scalar_one()
    assert (wang.gender, wang.phone) == (Gender.female, "13911112222")


def test_a_check_only_counts_and_stores_nothing(session, world):
    festival, troupe, organizer = world
    rows = rows_of(member("王秀英", phone="13911112222"), member("周阿姨"))

    result, messages = run(session, festival, organizer, rows, dry_run=True)

    assert messages == [] and not result.stored
    assert (result.created, len(result.changed), result.unchanged) == (1, 1, 0)
    session.rollback()
    assert count(session, Membership) == 2
    wang = session.execute(select(Person).where(Person.name == "王秀英")).scalar_one()
    assert wang.phone == "13800000000"


def test_an_impossible_date_says_why_it_is_wrong(session, world):
    festival, troupe, organizer = world
    rows = rows_of(member("周阿姨", "1958-02-30"), member("吴阿姨", "1960年4月31日"))

    result, messages = run(session, festival, organizer, rows)

    assert messages == [
        (2, "birth_date", "1958-02-30 is not a date: February 1958 has 28 days."),
        (3, "birth_date", "1960年4月31日 is not a date: April 1960 has 30 days."),
    ]
    assert count(session, Membership) == 2


# Through the page


@pytest.fixture
def organizer_client(client, world, session):
    festival, troupe, organizer = world
    client.login(organizer.username)
    return client


def post(client, festival, data: dict):
    return client.raw.post(
        f"/festivals/{festival.id}/import",
        headers=ENGLISH,
        content_type="multipart/form-data",
        data={"csrf_token": client.csrf_token(), **data},
    )


ROSTER = csv_bytes(
    [
        HEADER,
        ["万年表歌舞团", "王秀英", "1950-05-01", "女", "13911112222"],
        ["万年表歌舞团", "李桂兰", "1950/5/1", "", ""],
        ["万年表歌舞团", "周阿姨", "1952年3月8日", "女", ""],
    ]
)


def test_the_preview_says_what_is_added_changed_and_unchanged_then_imports(
    organizer_client, session, world
):
    festival, _, _ = world
    checked = post(
        organizer_client,
        festival,
        {"kind": "members", "step": "preview", "file": (io.BytesIO(ROSTER), "roster.csv")},
    )
    assert checked.status_code == 200
    page = checked.get_data(as_text=True)
    preview = re.search(r'<section class="card import-preview".*?</section>', page, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert "Checked: nothing is stored yet" in text
    assert "1 row will be added" in text
    assert "1 row changes what is stored" in text
    assert "1 row is already stored as it is" in text
    assert "Row 2: 王秀英 (万年表歌舞团)" in text
    assert "性别 (gender): empty → Female" in text
    assert "电话 (phone): 13800000000 → 13911112222" in text
    assert count(session, Membership) == 2  # nothing stored yet

    carried = dict(
        re.findall(r'<input type="hidden" name="(kind|filename|content)" value="([^"]*)"', preview)
    )
    imported = post(organizer_client, festival, carried)
    assert imported.status_code == 302
    done = organizer_client.get(imported.headers["Location"], headers=ENGLISH)
    assert "1 rows imported (Members). 1 changed, 1 unchanged." in done.get_data(as_text=True)
    assert count(session, Membership) == 3
    wang = session.execute(select(Person).where(Person.name == "王秀英")).scalar_one()
    assert wang.phone == "13911112222"

    # The same roster once more: nothing to add or change, and no error.
    again = post(
        organizer_client,
        festival,
        {"kind": "members", "step": "preview", "file": (io.BytesIO(ROSTER), "roster.csv")},
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", again.get_data(as_text=True)))
    assert "0 rows will be added" in text and "3 rows are already stored as they are" in text


def test_an_impossible_date_is_a_row_error_on_the_page(organizer_client, session, world):
    festival, _, _ = world
    content = csv_bytes([HEADER, ["万年表歌舞团", "周阿姨", "1958-02-30", "女", ""]])
    response = post(
        organizer_client,
        festival,
        {"kind": "members", "file": (io.BytesIO(content), "roster.csv")},
    )
    assert "1958-02-30 is not a date: February 1958 has 28 days." in response.get_data(as_text=True)
    assert count(session, Membership) == 2
