"""Every tap target is at least 44 px tall on a 390×844 phone (elderly users): the organizer's
home, a festival's dashboard, its rounds, a troupe's calendar subscription and a roll call, in
Chinese and English, with the header's menu open. A checkbox or radio button passes when its
label row is 44 px tall (the whole label is tappable). Links inside running text (a <p> or <li>
with words around the link) are left out: they are part of a sentence, not a tap row.
Screenshots go to test-artifacts/issue17/g-*.png."""

from datetime import date, datetime, time
from pathlib import Path

import pytest

from festival.judging import services as judging
from festival.schedules import services as schedules
from tests import factories
from tests.browser import sign_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue17"
MIN = 44

# Each visible target in <main> and the header's menu, with its height (a checkbox or radio
# button: the taller of itself and its label), unless it is a link inside a sentence.
MEASURE = """
() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  const inSentence = (a) => {
    const parent = a.closest('p, li, td, dd');
    if (!parent || parent.querySelectorAll('a, button').length !== 1) return false;
    return parent.textContent.trim() !== a.textContent.trim();
  };
  const found = [];
  const roots = document.querySelectorAll('main, .site-header');
  for (const root of roots) {
    const targets = root.querySelectorAll(
      'a[href], button, summary, input[type=checkbox], input[type=radio]');
    for (const el of targets) {
      if (!shown(el)) continue;
      if (el.tagName === 'A' && inSentence(el)) continue;
      let height = el.getBoundingClientRect().height;
      if (el.tagName === 'INPUT') {
        const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
        if (label && shown(label)) height = Math.max(height, label.getBoundingClientRect().height);
      }
      const text = (el.textContent || el.getAttribute('aria-label') || el.id || el.name || '').trim();
      found.push({tag: el.tagName.toLowerCase(), text: text.slice(0, 40), height: Math.round(height * 10) / 10});
    }
  }
  return found;
}
"""


@pytest.fixture
def pages(session, office, festival, organizer):
    """The festival with a round named 初选, and a leader's troupe that trains on Saturdays."""
    judging.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[{"name": "艺术表现", "max_score": 100, "weight": 1}],
        actor=organizer,
        now=factories.NOW,
    )
    leader = factories.make_user(session, role="leader", username="hongfeng")
    troupe = factories.make_troupe(session, name="红枫艺术团", organization=office, leader=leader)
    for name in ("钱秀兰", "孙桂英", "李玉珍"):
        factories.make_person(session, name=name, troupe=troupe)
    event = schedules.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=leader,
        now=factories.NOW,
        details=schedules.EventDetails(
            title="周六排练",
            kind="training",
            starts_at=datetime.combine(date(2026, 1, 3), time(9)),
            ends_at=datetime.combine(date(2026, 1, 3), time(11)),
            location="文化馆",
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4",
        ),
    )
    session.commit()
    return {
        organizer.username: {
            "home": "/",
            "dashboard": f"/festivals/{festival.id}/dashboard",
            "rounds": f"/festivals/{festival.id}/rounds",
        },
        leader.username: {
            "subscribe": f"/troupes/{troupe.id}/calendar",
            "rollcall": f"/events/{event.id}/attendance/2026-01-03",
        },
    }


def log_in(browser, live_server, username, language):
    context, page = sign_in.new_page(
        browser, live_server, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    sign_in.log_in(page, username)
    if language == "en":
        page.goto("/language/en?next=/")
    return context, page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_tap_target_is_44px_tall_on_a_phone(browser, live_server, pages, language):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    too_small = []
    for username, paths in pages.items():
        context, page = log_in(browser, live_server, username, language)
        try:
            for name, path in paths.items():
                page.goto(path)
                page.screenshot(
                    path=str(ARTIFACTS / f"g-{name}-phone-{language}.png"), full_page=True
                )
                page.locator(".site-menu > summary").click()  # the header's menu, open
                targets = page.evaluate(MEASURE)
                assert len(targets) > 3, (name, targets)
                too_small += [(name, t) for t in targets if t["height"] < MIN]
        finally:
            context.close()
    assert too_small == [], "\n".join(map(str, too_small))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_certificate_reads_on_a_phone_with_its_issuer_and_date_unbroken(
    browser, app, live_server, session, language
):
    """The landscape certificate shrinks into a phone's card without breaking the issuer or
    the date mid-word; the unknown-number page has no bare "404" heading."""
    from sqlalchemy import select

    from festival.awards.models import Award

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    number = (
        session.execute(
            select(Award.certificate_number).where(Award.certificate_number.is_not(None))
        )
        .scalars()
        .first()
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        if language == "en":
            page.goto("/language/en?next=/")
        page.goto(f"/certificates/{number}")
        page.screenshot(path=str(ARTIFACTS / f"g-certificate-phone-{language}.png"), full_page=True)
        for selector in (".issuer-name", ".issued-on"):
            box = page.locator(selector).bounding_box()
            line = float(
                page.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
            )
            assert box["height"] < 1.5 * line, (selector, box)  # one line
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.goto("/certificates/2026-99-999")
        page.screenshot(
            path=str(ARTIFACTS / f"g-certificate-missing-phone-{language}.png"), full_page=True
        )
        assert "404" not in page.locator("main").inner_text()
    finally:
        context.close()
