"""Dates read as people write them: 2026年5月1日 in Chinese, May 1, 2026 in English; the
certificate keeps the official Chinese form (二〇二六年三月一日) in Chinese."""

from festival.awards.services import create_award, publish
from tests import factories
from tests.html import Page

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def test_a_festival_page_writes_its_dates_in_the_readers_language(client, festival):
    chinese = Page(client.get(f"/festivals/{festival.slug}", headers=ZH))
    english = Page(client.get(f"/festivals/{festival.slug}", headers=EN))
    assert "2026年5月1日" in chinese.text
    assert "May 1, 2026" in english.text
    assert "2026-05-01" not in chinese.text + english.text


def test_a_certificate_is_dated_officially_in_chinese_and_plainly_in_english(
    client, session, festival, organizer
):
    program = factories.make_program(session, festival=festival, actor=organizer)
    award = create_award(
        session,
        festival=festival,
        tier="first",
        program_id=program.id,
        actor=organizer,
        now=factories.NOW,
    )
    publish(session, festival=festival, notice_days=0, actor=organizer, now=factories.NOW)
    session.commit()
    url = f"/certificates/{award.certificate_number}"
    assert "二〇二六年三月一日" in Page(client.get(url, headers=ZH)).text
    english = Page(client.get(url, headers=EN))
    assert "March 1, 2026" in english.text and "二〇二六" not in english.text


def test_people_to_add_to_a_troupe_are_told_apart_by_a_readable_birth_date(
    client, login_as, session, office
):
    leader = login_as("leader")
    first = factories.make_troupe(session, organization=office, leader=leader)
    second = factories.make_troupe(session, organization=office, leader=leader)
    factories.make_person(session, name="王秀英", troupe=first)
    session.commit()
    page = client.get(f"/troupes/{second.id}", headers=EN).get_data(as_text=True)
    assert "王秀英 (May 1, 1950)</option>" in page
