"""Publication with a notice period in working days, finalisation and corrections after it,
through the JSON API and the pages: status codes, stored rows, audit, what the lists show."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.awards import services as awards
from festival.awards.exports import award_list_csv
from festival.awards.models import Award, AwardRevision
from festival.core.clock import utcnow
from festival.festivals.models import Festival, FestivalStatus
from festival.notice.models import Objection, ObjectionStatus
from festival.notice.working_days import notice_last_day, notice_period
from tests import factories
from tests.checks import refusal
from tests.html import Page

EN = {"Accept-Language": "en"}
ZONE = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


class World:
    def __init__(self, session, api):
        self.session = session
        self.office = factories.make_organization(session, name="District Office")
        self.festival = factories.make_festival(session, organization=self.office)
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        self.programs = [factories.make_program(session, festival=self.festival) for _ in range(3)]
        self.award = awards.create_award(
            session,
            festival=self.festival,
            tier="first",
            program_id=self.programs[0].id,
            actor=self.organizer,
            now=factories.NOW,
        )
        session.commit()
        self.api = api.as_user(self.organizer)

    def url(self, tail: str) -> str:
        return f"/api/v1/festivals/{self.festival.id}{tail}"

    def fresh(self) -> Festival:
        self.session.expire_all()
        return self.session.get(Festival, self.festival.id)

    def publish_at(self, now: datetime, working_days: int = 5) -> None:
        awards.publish(
            self.session,
            festival=self.festival,
            notice_working_days=working_days,
            actor=self.organizer,
            now=now,
        )
        self.session.commit()

    def finalize(self) -> None:
        assert self.api.post(self.url("/finalize")).status_code == 200

    def revisions(self) -> list[AwardRevision]:
        self.session.expire_all()
        return list(
            self.session.execute(
                select(AwardRevision)
                .where(AwardRevision.festival_id == self.festival.id)
                .order_by(AwardRevision.number)
            ).scalars()
        )

    def digest(self) -> str:
        return hashlib.sha256(award_list_csv(self.session, self.festival.id)).hexdigest()

    def objection(self, status=ObjectionStatus.open) -> Objection:
        found = Objection(
            festival_id=self.festival.id,
            reference=f"R{utcnow().timestamp()}{id(object())}"[:20],
            name="张三",
            phone="13800000000",
            text="分数有误",
            client_hash="x" * 64,
            status=status,
            created_at=utcnow(),
        )
        self.session.add(found)
        self.session.commit()
        return found


@pytest.fixture
def world(session, api):
    return World(session, api)


def actions(session) -> list[str]:
    session.expire_all()
    return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


# --- publication -------------------------------------------------------------------------------


def test_publish_in_working_days_answers_the_end_and_stores_revision_1(world, session):
    response = world.api.post(world.url("/publish"), json={"notice_working_days": 5})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    festival = world.fresh()
    expected = notice_period(festival.published_at, 5, festival.timezone, {}).ends_at
    assert festival.notice_working_days == 5 and festival.notice_until == expected
    assert body["notice_ends_at"] == expected.isoformat().replace("+00:00", "Z")
    assert body["notice_working_days"] == 5 and body["status"] == "announced"
    assert expected.astimezone(festival.notice_until.tzinfo) > festival.published_at
    [revision] = world.revisions()
    assert (revision.number, revision.reason) == (1, "")
    assert revision.awards_sha256 == world.digest()
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "publish_awards")
    ).scalar_one()
    assert entry.changes["notice_working_days"] == 5


def test_publish_without_a_period_answers_null_notice_ends_at(world):
    body = world.api.post(world.url("/publish"), json={}).get_json()
    assert body["notice_ends_at"] is None and body["notice_working_days"] is None


@pytest.mark.parametrize(
    "payload",
    [{"notice_working_days": 5, "notice_days": 7}, {"notice_working_days": 31}],
)
def test_publish_answers_422_naming_notice_working_days(world, payload):
    error = refusal(world.api.post(world.url("/publish"), json=payload), 422, "validation_error")
    assert "notice_working_days" in error["fields"]
    assert world.fresh().published_at is None and world.revisions() == []


def test_the_national_day_period_of_2025_ends_on_october_14(world):
    world.publish_at(NATIONAL_DAY)
    festival = world.fresh()
    assert festival.notice_until == datetime(2025, 10, 14, 16, 0, tzinfo=UTC)
    assert notice_last_day(festival.notice_until, festival.timezone) == date(2025, 10, 14)


def test_unpublishing_during_the_notice_deletes_the_revisions(world):
    world.api.post(world.url("/publish"), json={"notice_working_days": 5})
    assert len(world.revisions()) == 1
    assert world.api.post(world.url("/unpublish")).status_code == 200
    assert world.revisions() == [] and world.fresh().notice_working_days is None


# --- finalisation ------------------------------------------------------------------------------


def test_finalize_during_the_notice_period_answers_409_with_its_end(world):
    world.api.post(world.url("/publish"), json={"notice_working_days": 5})
    festival = world.fresh()
    last = notice_last_day(festival.notice_until, festival.timezone)
    error = refusal(world.api.post(world.url("/finalize")), 409, "conflict")
    assert format_date(last, "long", locale="en") in error["message"]
    assert world.fresh().status is FestivalStatus.announced


def test_finalize_before_publication_answers_409(world):
    refusal(world.api.post(world.url("/finalize")), 409, "conflict")


def test_finalize_with_open_objections_answers_objections_open_then_final(world, session):
    world.publish_at(NATIONAL_DAY)
    world.objection()
    world.objection()
    world.objection(status=ObjectionStatus.rejected)
    error = refusal(world.api.post(world.url("/finalize")), 409, "objections_open")
    assert "2 objections are still open" in error["message"]
    for found in session.execute(select(Objection)).scalars():
        found.status = ObjectionStatus.upheld
    session.commit()
    response = world.api.post(world.url("/finalize"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "final"
    festival = world.fresh()
    assert festival.status is FestivalStatus.final and festival.finalized_at is not None
    assert actions(session)[-1] == "finalize_awards"
    refusal(world.api.post(world.url("/finalize")), 409, "conflict")
    refusal(world.api.post(world.url("/unpublish")), 409, "conflict")
    # a final festival's awards stay public
    assert world.api.post(world.url("/unpublish")).status_code == 409
    assert factories.ApiClient(world.api.app).get(world.url("/awards")).status_code == 200


def test_awards_cannot_change_between_the_end_and_finalisation(world):
    world.publish_at(NATIONAL_DAY)
    response = world.api.post(
        world.url("/awards"), json={"tier": "second", "program_id": world.programs[1].id}
    )
    refusal(response, 409, "conflict")


# --- corrections after final -------------------------------------------------------------------


def test_a_correction_after_final_needs_a_reason_and_makes_a_revision(world, session):
    world.publish_at(NATIONAL_DAY)
    world.finalize()
    first = world.revisions()[0].awards_sha256
    body = {"tier": "second", "program_id": world.programs[1].id}
    error = refusal(world.api.post(world.url("/awards"), json=body), 422, "validation_error")
    assert "reason" in error["fields"]
    error = refusal(
        world.api.post(world.url("/awards"), json={**body, "reason": "   "}),
        422,
        "validation_error",
    )
    assert len(world.revisions()) == 1
    created = world.api.post(world.url("/awards"), json={**body, "reason": "漏登一个二等奖"})
    assert created.status_code == 201, created.get_json()
    revisions = world.revisions()
    assert [(r.number, r.reason) for r in revisions] == [(1, ""), (2, "漏登一个二等奖")]
    assert revisions[1].awards_sha256 == world.digest() != first
    assert actions(session)[-1] == "create_award"

    award_id = world.award.id
    refusal(world.api.delete(f"/api/v1/awards/{award_id}"), 422, "validation_error")
    removed = world.api.delete(f"/api/v1/awards/{award_id}", json={"reason": "重复获奖"})
    assert removed.status_code == 204
    assert [r.number for r in world.revisions()] == [1, 2, 3]
    assert world.revisions()[2].reason == "重复获奖"
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "remove_award")
    ).scalar_one()
    assert entry.changes["reason"] == "重复获奖"
    listing = world.api.get(world.url("/awards")).get_json()
    assert listing["revision"] == 3
    assert session.get(Award, award_id) is None


# --- pages -------------------------------------------------------------------------------------


def public_list(client, festival) -> str:
    return client.get(f"/festivals/{festival.slug}/awards", headers=EN).get_data(as_text=True)


def test_the_public_list_shows_the_working_day_end_under_notice(world, client):
    world.api.post(world.url("/publish"), json={"notice_working_days": 5})
    festival = world.fresh()
    last = notice_last_day(festival.notice_until, festival.timezone)
    html = public_list(client, festival)
    assert f"Notice period until {format_date(last, 'long', locale='en')} (5 working days)" in html
    page = client.get(f"/festivals/{festival.slug}", headers=EN).get_data(as_text=True)
    assert "(5 working days)" in page


def test_the_public_list_says_final_then_shows_the_revision_and_the_earlier_ones(
    world, client, session
):
    world.publish_at(NATIONAL_DAY)
    html = public_list(client, world.fresh())
    assert "is-ended" in html and "The notice period ended on October 14, 2025." in html
    world.finalize()
    festival = world.fresh()
    on = festival.finalized_at.astimezone(ZONE).date()
    html = public_list(client, festival)
    assert f"The results are final ({format_date(on, 'long', locale='en')})" in html
    assert "Revision" not in html
    world.api.post(
        world.url("/awards"),
        json={"tier": "second", "program_id": world.programs[1].id, "reason": "漏登"},
    )
    html = public_list(client, festival)
    assert f"Revision 2, corrected on {format_date(on, 'long', locale='en')}: 漏登" in html
    assert "Revision 1, published on September 30, 2025" in html
    number = world.award.certificate_number
    verify = client.get(f"/certificates/{number}/verify", headers=EN).get_data(as_text=True)
    assert "Revision 2" in verify


def test_the_organizer_publishes_in_working_days_finalizes_and_corrects_with_a_reason(
    world, client, session
):
    client.login(world.organizer.username)
    manage = f"/festivals/{world.festival.id}/awards/manage"
    asked = Page(
        client.post_form(
            f"/festivals/{world.festival.id}/awards/publish",
            {"notice_days": "5", "notice_unit": "working"},
            headers=EN,
        )
    )
    assert "Public notice (公示) for 5 working days, until the end of" in asked.text
    confirm = asked.form_with_button("Yes, publish them")
    assert confirm.fields["notice_unit"] == "working"
    assert client.post(confirm.action, data=confirm.fields).status_code == 302
    festival = world.fresh()
    assert festival.notice_working_days == 5 and festival.notice_days == 0
    page = client.get(manage, headers=EN).get_data(as_text=True)
    assert "(5 working days)" in page and "Make the results final" not in page

    refused = client.post_form(f"/festivals/{world.festival.id}/awards/finalize", headers=EN)
    assert refused.status_code == 409 and "The notice period runs until" in text_of(refused)

    festival.notice_until = utcnow() - timedelta(hours=1)
    session.commit()
    assert "Make the results final" in client.get(manage, headers=EN).get_data(as_text=True)
    done = client.post_form(f"/festivals/{world.festival.id}/awards/finalize", headers=EN)
    assert done.status_code == 302 and world.fresh().status is FestivalStatus.final
    page = client.get(manage, headers=EN).get_data(as_text=True)
    assert "The results are final" in page and "Reason for the correction" in page

    award_id = world.award.id
    remove = f"/awards/{award_id}/remove"
    asked = client.post_form(remove, headers=EN).get_data(as_text=True)
    assert "Reason for the correction" in asked
    refused = client.post_form(remove, {"confirm": "yes"}, headers=EN)
    assert refused.status_code == 422
    assert "give the reason for the correction" in text_of(refused)
    assert session.get(Award, award_id) is not None
    removed = client.post_form(remove, {"confirm": "yes", "reason": "资格不符"}, headers=EN)
    assert removed.status_code == 302
    assert [(r.number, r.reason) for r in world.revisions()] == [(1, ""), (2, "资格不符")]
    page = client.get(manage, headers=EN).get_data(as_text=True)
    assert "Revision 2, corrected on" in page


def text_of(response) -> str:
    return response.get_data(as_text=True)
