"""Messages that carry user text are escaped on the page.

Flask-Babel's lazy strings declare ``__html__``, so a lazy message holding a person's name
would be printed as markup; the form and error helpers turn messages into plain strings.
"""

from datetime import UTC, datetime, timedelta

from tests import factories


def test_an_eligibility_message_naming_a_performer_escapes_the_name(
    app, session, client, login_as, office
):
    deadline = datetime.now(UTC) + timedelta(days=30)
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=10)).date(),
    )
    leader = login_as("leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    young = factories.make_person(
        session,
        name="<b>王小梅</b>",
        troupe=troupe,
        birth_date=festival.starts_on.replace(year=festival.starts_on.year - 58),
    )
    session.commit()
    response = client.post_form(
        f"/festivals/{festival.id}/programs/new?troupe_id={troupe.id}",
        {
            "troupe_id": troupe.id,
            "title": "茉莉花开",
            "category_id": festival.categories[0].id,
            "duration_minutes": 5,
            "performer_ids": [young.id],
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "&lt;b&gt;王小梅&lt;/b&gt;" in page
    assert "<b>王小梅</b>" not in page
