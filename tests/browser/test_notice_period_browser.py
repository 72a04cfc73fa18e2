"""The notice period (公示) in a real browser, issue 19's story: the organizer publishes three
awards under a notice period of 5 working days; a visitor on a phone reads the notice's end
date and raises an objection by real name; the organizer upholds it in the queue; once the
period is over the organizer makes the results final and corrects the list; the public list
then says final and shows revision 2 with its reason, and the certificate's verification page
shows the revision and the signed record."""

import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from festival.awards.services import create_award
from festival.core.clock import utcnow
from festival.festivals.models import Festival
from festival.notice.working_days import notice_last_day
from festival.web.templating import long_date
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
REASON = "异议成立：《采茶舞》的表演者未满60周岁，撤销其三等奖"
SHOTS = os.environ.get("NOTICE_SCREENSHOTS")  # a folder to keep a screenshot of each step in


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def festival_with_three_awards(session):
    city = factories.make_organization(session, level="city", name="南通市老龄办")
    festival = factories.make_festival(
        session, organization=city, level="city", name="南通市老年文艺汇演"
    )
    organizer = factories.make_user(session, role="organizer", organization=city, username="zhang")
    for tier, title, troupe in (
        ("first", "茉莉花", "夕阳红舞蹈队"),
        ("second", "山丹丹花开", "银发合唱团"),
        ("third", "采茶舞", "常青艺术团"),
    ):
        program = factories.make_program(
            session,
            festival=festival,
            troupe=factories.make_troupe(session, organization=city, name=troupe),
            title=title,
            performers=1,
        )
        create_award(
            session,
            festival=festival,
            tier=tier,
            program_id=program.id,
            actor=organizer,
            now=factories.NOW,
        )
    session.commit()
    return festival


def test_an_objection_on_a_phone_upheld_then_final_results_corrected_as_revision_2(
    app, session, browser, live_server
):
    festival = festival_with_three_awards(session)
    public_list = f"/festivals/{festival.slug}/awards"
    manage = f"/festivals/{festival.id}/awards/manage"

    # The organizer, on a desktop, publishes with a notice period of 5 working days.
    office, organizer = new_page(browser, live_server, locale="zh-CN", viewport=DESKTOP)
    log_in(organizer, "zhang")
    organizer.goto(manage)
    organizer.fill("#notice-days", "5")
    assert organizer.get_by_label("工作日（法定节假日不计，调休上班日计入）").is_checked()
    organizer.get_by_role("button", name="公布获奖名单").click()
    assert "5个工作日" in text(organizer.locator("main"))
    shot(organizer, "1-publish-confirm")
    organizer.get_by_role("button", name="确定公布").click()
    organizer.wait_for_url(f"**{manage}*")
    session.expire_all()
    published = session.get(Festival, festival.id)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        last_day = long_date(notice_last_day(published.notice_until, published.timezone))
    notice = f"公示期至 {last_day}（5个工作日）"
    assert notice in text(organizer.locator(".manage-state"))
    shot(organizer, "2-published")

    # A visitor on a phone reads the end of the notice period and raises an objection.
    phone = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    visitor = phone.new_page()
    visitor.goto(public_list)
    assert notice in text(visitor.locator(".notice-banner.is-notice"))
    assert text(visitor.locator(".objection-counts")) == "收到异议 0 件，已处理 0 件。"
    shot(visitor, "3-public-list-under-notice")
    visitor.get_by_role("link", name="提出异议").click()
    visitor.wait_for_url("**/objections/new")
    assert f"受理异议截至 {last_day}。" in text(visitor.locator(".notice-banner"))
    visitor.get_by_label("您的姓名").fill("李秀英")
    visitor.get_by_label("联系电话").fill("139 1234 5678")
    about = visitor.locator("#award_id option", has_text="采茶舞")
    assert text(about) == "三等奖 · 《采茶舞》 · 常青艺术团"
    visitor.locator("#award_id").select_option(about.get_attribute("value"))
    visitor.locator("#text").fill("《采茶舞》的一位表演者今年只有五十八岁，不符合参赛年龄。")
    shot(visitor, "4-objection-form")
    visitor.get_by_role("button", name="提交异议").click()
    visitor.wait_for_url("**/objections/sent")
    assert text(visitor.locator("h1")) == "您的异议已收到"
    reference = text(visitor.locator(".objection-reference"))
    assert re.fullmatch(r"YY-\d{4}-\d{6}", reference), reference
    shot(visitor, "5-objection-received")

    # The organizer finds it in the queue and upholds it with a reply.
    organizer.get_by_role("link", name="异议处理").click()
    organizer.wait_for_url(f"**/festivals/{festival.id}/objections")
    assert text(organizer.locator(".objection-counts")) == "收到异议 1 件，已处理 0 件。"
    assert f"受理异议截至 {last_day}。" in text(organizer.locator("main"))
    item = organizer.locator("article.objection-item", has_text=reference)
    assert "李秀英" in text(item) and "139 1234 5678" in text(item)
    assert "三等奖 · 《采茶舞》" in text(item)
    assert "五十八岁" in text(item.locator(".objection-text"))
    item.get_by_label("异议成立").check()
    item.locator("textarea").fill("经核实，异议成立，将撤销该节目的三等奖。")
    shot(organizer, "6-queue")
    item.get_by_role("button", name="保存处理结果").click()
    organizer.wait_for_url(f"**/festivals/{festival.id}/objections*")
    assert f"异议 {reference} 的处理结果已保存。" in text(organizer.locator("main"))
    assert text(organizer.locator(".objection-counts")) == "收到异议 1 件，已处理 1 件。"
    decided = organizer.locator("article.objection-item", has_text=reference)
    assert "将撤销该节目的三等奖" in text(decided.locator(".objection-decision"))
    shot(organizer, "7-upheld")

    visitor.goto(public_list)
    assert text(visitor.locator(".objection-counts")) == "收到异议 1 件，已处理 1 件。"
    assert "李秀英" not in text(visitor.locator("main"))

    # The notice period ends (moved into the past in the database).
    published = session.get(Festival, festival.id)
    published.notice_until = utcnow()
    session.commit()

    # The organizer makes the results final, then corrects them: the third prize goes.
    organizer.goto(manage)
    organizer.get_by_role("button", name="最终确定结果").click()
    organizer.wait_for_url(f"**{manage}*")
    assert "结果已最终确定。" in text(organizer.locator("main"))
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        today = long_date(utcnow().astimezone(ZoneInfo(published.timezone)).date())
    assert text(organizer.locator(".manage-state")) == f"结果已最终确定（{today}）"
    shot(organizer, "8-final")
    organizer.locator("tr", has_text="采茶舞").get_by_role("button", name="删除").click()
    organizer.get_by_label("更正理由").fill(REASON)
    shot(organizer, "9-correction")
    organizer.get_by_role("button", name="确定删除").click()
    organizer.wait_for_url(f"**{manage}*")
    revision_2 = f"第2版，{today}更正：{REASON}"
    assert revision_2 in text(organizer.locator("#publication"))
    assert organizer.locator("tr", has_text="采茶舞").count() == 0
    shot(organizer, "10-corrected")

    # The public list says final and shows revision 2 with its reason.
    visitor.goto(public_list)
    assert text(visitor.locator(".notice-banner.is-final")) == f"结果已最终确定（{today}）"
    assert text(visitor.locator(".award-revision")) == revision_2
    assert text(visitor.locator(".awards-count")) == "共 2 个奖项。"
    titles = visitor.locator("[data-certificate] cite.program-title").all_inner_texts()
    assert titles == ["《茉莉花》", "《山丹丹花开》"]
    assert visitor.get_by_role("link", name="提出异议").count() == 0
    assert text(visitor.locator(".objection-counts")) == "收到异议 1 件，已处理 1 件。"
    fingerprint = text(visitor.locator(".awards-record code"))
    shot(visitor, "11-public-list-final")

    # The first prize's certificate: its PDF, and its verification page with the revision and
    # the signed record of the corrected list.
    visitor.locator("[data-certificate]", has_text="茉莉花").get_by_role("link").first.click()
    visitor.wait_for_url("**/certificates/*")
    assert "夕阳红舞蹈队" in text(visitor.locator(".certificate-recipient"))
    pdf_link = visitor.locator('.certificate-tools a[href$=".pdf"]')
    pdf = visitor.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    shot(visitor, "12-certificate")
    visitor.locator(".certificate-verify-link a").click()
    visitor.wait_for_url("**/verify")
    assert "夕阳红舞蹈队《茉莉花》" in text(visitor.locator("h1"))
    assert text(visitor.locator(".award-revision")) == "第2版"
    record = visitor.locator(".signed-record")
    assert text(record.locator("h2")) == "获奖名单已经过签名"
    assert fingerprint in text(record)
    shot(visitor, "13-verify")

    phone.close()
    office.close()
