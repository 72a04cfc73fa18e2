"""The certificates PDF in a browser: the progress page polls until the batch is ready and
then offers the download; the seal form on a phone and a desktop."""

import os
import shutil
from pathlib import Path

import pytest

from tests import factories
from tests.public.test_awards_http import awarded_festival

SHOTS = os.environ.get("PAPER_SCREENSHOTS")  # a folder to keep screenshots in, when set


@pytest.fixture(autouse=True)
def _fresh_instance_files(app):
    yield
    for name in ("paper", "seals"):
        shutil.rmtree(Path(app.instance_path) / name, ignore_errors=True)


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)])
def test_print_all_certificates_shows_progress_then_the_download(page, app, session, size):
    festival = awarded_festival(session, awards=3)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"/festivals/{festival.slug}/awards")
    page.locator(f'a[href="/festivals/{festival.slug}/certificates"]').click()
    assert page.locator("[data-paper-progress]").is_visible()
    shot(page, f"progress-{size[0]}")
    download = page.locator("[data-paper-download]")
    download.wait_for(state="visible", timeout=30_000)
    assert "4" in page.locator(".paper-state").inner_text()
    shot(page, f"ready-{size[0]}")
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == f"{festival.name} 获奖证书.pdf"


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)])
def test_the_seal_form_reads_on_a_phone_and_a_desktop(page, app, session, size):
    festival = awarded_festival(session, awards=1)
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    session.commit()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/login")
    page.fill("#username", organizer.username)
    page.fill("#password", factories.PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")
    page.goto(f"/festivals/{festival.id}/awards/manage")
    page.locator(f'a[href="/festivals/{festival.id}/awards/seal"]').click()
    page.fill("#signatory", "王建国")
    page.set_input_files(
        "#seal",
        files=[{"name": "seal.txt.png", "mimeType": "image/png", "buffer": b"not an image"}],
    )
    page.locator("main form button[type=submit]").click()
    assert "PNG" in page.locator("#seal-error").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    shot(page, f"seal-{size[0]}")
