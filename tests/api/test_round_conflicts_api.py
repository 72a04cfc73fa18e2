"""Automatic conflicts (回避) through HTTP: GET /api/v1/rounds/{id}/conflicts, a district's judge
kept off that district's programs while the results still come out complete, rounds created
with ``auto_conflicts: false``, and the round's set-up page listing both kinds."""

from sqlalchemy import select

from festival.judging import services
from festival.judging.models import Conflict
from tests import factories
from tests.checks import refusal as error_of

NOW = factories.NOW
EN = {"Accept-Language": "en"}
CRITERIA = [{"name": "art", "max_score": 10, "weight": 1}]


class City:
    """A city festival run by the city office C, over districts D1 and D2; programs from
    two troupes of each district; judges of D1 and of no office; the city's organizer."""

    def __init__(self, session, api):
        self.session = session
        self.city = factories.make_organization(session, level="city", name="城区文化局")
        self.d1 = factories.make_organization(session, parent=self.city, name="东区文化馆")
        self.d2 = factories.make_organization(session, parent=self.city, name="西区文化馆")
        self.festival = factories.make_festival(session, organization=self.city, level="city")
        self.organizer = factories.make_user(
            session, role="organizer", organization=self.city, display_name="王组织"
        )
        self.programs = {}
        for office in (self.d1, self.d2):
            troupe = factories.make_troupe(session, organization=office)
            for n in (1, 2):
                program = factories.make_program(
                    session, festival=self.festival, troupe=troupe, title=f"{office.name}节目{n}"
                )
                self.programs[(office.id, n)] = program
        self.district_judge = factories.make_user(
            session, role="judge", organization=self.d1, display_name="东区评委"
        )
        self.others = [
            factories.make_user(session, role="judge", display_name=f"评委{i}") for i in (1, 2)
        ]
        session.commit()
        self.api = api
        self.as_organizer = api.as_user(self.organizer)

    def create_round(self, **extra):
        response = self.as_organizer.post(
            f"/api/v1/festivals/{self.festival.id}/rounds",
            json={"name": "Final", "criteria": CRITERIA, "advance_count": 2, **extra},
        )
        assert response.status_code == 201, response.get_json()
        round_id = response.get_json()["id"]
        for judge in (self.district_judge, *self.others):
            response = self.as_organizer.post(
                f"/api/v1/rounds/{round_id}/judges", json={"user_id": judge.id}
            )
            assert response.status_code == 201, response.get_json()
        response = self.as_organizer.post(
            f"/api/v1/rounds/{round_id}/entries",
            json={"program_ids": [p.id for p in self.programs.values()]},
        )
        assert response.status_code == 201, response.get_json()
        return round_id

    def own(self):
        """The district judge's own district's programs."""
        return [p for (office, _n), p in self.programs.items() if office == self.d1.id]


def test_district_judge_is_kept_off_own_district_and_results_are_complete(session, api):
    world = City(session, api)
    round_id = world.create_round()
    own = {p.id for p in world.own()}
    clients = {j.id: api.as_user(j) for j in (world.district_judge, *world.others)}
    for index, program in enumerate(world.programs.values()):
        for judge_id, client in clients.items():
            if judge_id == world.district_judge.id and program.id in own:
                continue
            response = client.put(
                f"/api/v1/rounds/{round_id}/scores/{program.id}",
                json={"scores": {"art": 5 + index}},
            )
            assert response.status_code == 200, response.get_json()
    results = world.as_organizer.get(f"/api/v1/rounds/{round_id}/results").get_json()
    assert results["complete"] is True
    assert results["missing_sheets"] == 0
    refused = clients[world.district_judge.id].put(
        f"/api/v1/rounds/{round_id}/scores/{world.own()[0].id}", json={"scores": {"art": 9}}
    )
    assert "own organisation" in error_of(refused, 403, "forbidden")["message"]
    close = world.as_organizer.post(f"/api/v1/rounds/{round_id}/close", json={})
    assert close.status_code == 200, close.get_json()


def test_organizer_lists_automatic_and_declared_conflicts(session, api):
    world = City(session, api)
    round_id = world.create_round()
    other, program = world.others[0], world.programs[(world.d2.id, 1)]
    declared = world.as_organizer.post(
        f"/api/v1/rounds/{round_id}/conflicts",
        json={"user_id": other.id, "program_id": program.id, "reason": "Her sister sings"},
    )
    assert declared.status_code == 201, declared.get_json()
    response = world.as_organizer.get(f"/api/v1/rounds/{round_id}/conflicts")
    assert response.status_code == 200
    items = sorted(
        response.get_json()["items"], key=lambda item: (item["user_id"], item["program_id"])
    )
    reason = "The judge's organisation (东区文化馆) is the troupe's organisation."
    assert items == sorted(
        [
            {
                "user_id": world.district_judge.id,
                "program_id": p.id,
                "reason": reason,
                "automatic": True,
            }
            for p in world.own()
        ]
        + [
            {
                "user_id": other.id,
                "program_id": program.id,
                "reason": "Her sister sings",
                "automatic": False,
            }
        ],
        key=lambda item: (item["user_id"], item["program_id"]),
    )
    chinese = api.as_user(world.organizer, language="zh-CN")
    in_chinese = chinese.get(f"/api/v1/rounds/{round_id}/conflicts").get_json()["items"]
    assert any("东区文化馆" in item["reason"] for item in in_chinese if item["automatic"])


def test_conflicts_are_the_organizers_alone(session, api):
    world = City(session, api)
    round_id = world.create_round()
    assert (
        api.as_user(world.district_judge).get(f"/api/v1/rounds/{round_id}/conflicts").status_code
        == 403
    )
    stranger = factories.make_user(session, role="organizer")
    assert api.as_user(stranger).get(f"/api/v1/rounds/{round_id}/conflicts").status_code == 404
    assert api.get(f"/api/v1/rounds/{round_id}/conflicts").status_code == 401


def test_declaring_an_automatic_pair_again_is_a_conflict(session, api):
    world = City(session, api)
    round_id = world.create_round()
    response = world.as_organizer.post(
        f"/api/v1/rounds/{round_id}/conflicts",
        json={"user_id": world.district_judge.id, "program_id": world.own()[0].id},
    )
    assert response.status_code == 409


def test_round_without_auto_conflicts_keeps_no_one_off(session, api):
    world = City(session, api)
    round_id = world.create_round(auto_conflicts=False)
    response = world.as_organizer.get(f"/api/v1/rounds/{round_id}/conflicts")
    assert response.get_json() == {"items": []}
    assert session.execute(select(Conflict).where(Conflict.round_id == round_id)).first() is None
    scored = api.as_user(world.district_judge).put(
        f"/api/v1/rounds/{round_id}/scores/{world.own()[0].id}", json={"scores": {"art": 9}}
    )
    assert scored.status_code == 200


def test_setup_page_marks_automatic_conflicts_and_who_declared_the_others(session, api, client):
    world = City(session, api)
    round_id = world.create_round()
    other, program = world.others[0], world.programs[(world.d2.id, 1)]
    from festival.judging import scores as judging_scores
    from festival.judging.models import Round

    judging_scores.declare_conflict(
        session,
        round_=session.get(Round, round_id),
        judge_id=other.id,
        program_id=program.id,
        reason="Her sister sings",
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    client.login(world.organizer.username)
    page = client.get(f"/rounds/{round_id}", headers=EN).get_data(as_text=True)
    conflicts = page[page.index('id="conflicts"') :]
    assert conflicts.count(">Automatic</span>") == 2
    assert "The judge&#39;s organisation (东区文化馆) is the troupe&#39;s organisation" in conflicts
    assert "found by the rule" in conflicts
    assert "Her sister sings" in conflicts
    assert "by 王组织" in conflicts
    assert "Automatic conflicts are on" in conflicts


def test_service_created_round_without_auto_conflicts_says_so_on_its_page(session, api, client):
    world = City(session, api)
    round_ = services.create_round(
        session,
        festival=world.festival,
        name="No auto",
        criteria=CRITERIA,
        auto_conflicts=False,
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    client.login(world.organizer.username)
    page = client.get(f"/rounds/{round_.id}", headers=EN).get_data(as_text=True)
    assert "Automatic conflicts are off for this round" in page
