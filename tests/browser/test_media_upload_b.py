"""The program page's upload widget on a 390 px phone: a 3 MB video goes up in pieces
(tus-js-client), the connection breaks half-way, the person reloads the page and chooses the
same file again, and the upload continues where it stopped (never from the start); a piece
lost once more is sent again by itself. The progress bar moves and the file shows as
uploaded. Screenshots go to test-artifacts/issue25/."""

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.db import db
from festival.festivals.models import Festival
from festival.jobs.models import Job
from festival.media.models import Media, MediaKind
from festival.media.storage import get_storage
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue25"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHUNK = 256 * 1024
SIZE = 3 * 1024 * 1024 + 5


@pytest.fixture
def small_pieces(app):
    before = app.config.get("MEDIA_UPLOAD_CHUNK_BYTES")
    app.config["MEDIA_UPLOAD_CHUNK_BYTES"] = CHUNK
    yield
    app.config["MEDIA_UPLOAD_CHUNK_BYTES"] = before


def test_a_cut_upload_resumes_where_it_stopped(
    browser, live_server, session, festival, small_pieces, tmp_path
):
    leader = factories.make_user(session, role="leader", username="leader_upload_b")
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(session, festival=festival, troupe=troupe, title="夕阳红")
    session.commit()
    program_id = program.id
    body = os.urandom(SIZE)
    video = tmp_path / "rehearsal.mp4"
    video.write_bytes(body)

    state = {"cut": False, "drop_once": False, "passed": 0, "sent": 0, "aborted": 0, "log": []}

    def on_upload(route, request):
        if request.method == "PATCH":
            offset = int(request.header_value("upload-offset"))
            if state["cut"] and state["passed"] >= 3:
                state["aborted"] += 1
                state["log"].append(("aborted", offset))
                route.abort("connectionreset")
                return
            if state["drop_once"] and state["passed"] >= 6:
                state["drop_once"] = False
                state["aborted"] += 1
                state["log"].append(("aborted", offset))
                route.abort("connectionreset")
                return
            state["passed"] += 1
            state["sent"] += len(request.post_data_buffer or b"")
            state["log"].append(("patch", offset))
        else:
            state["log"].append((request.method.lower(), None))
        route.continue_()

    context, page = new_page(browser, live_server, **PHONE)
    try:
        log_in(page, leader.username)
        page.route("**/api/v1/uploads**", on_upload)
        page.goto(f"/programs/{program_id}")
        slot = page.locator("[data-media-slot][data-kind=video]")
        assert "No file yet." in slot.inner_text()

        # The connection breaks after three pieces: the widget says it is trying again and
        # the bar stands part-way.
        state["cut"] = True
        slot.locator("input[type=file]").set_input_files(str(video))
        page.wait_for_function(
            "() => document.querySelector('[data-kind=video] [data-media-text]')"
            ".textContent.includes('Trying again')"
        )
        bar = slot.locator("progress")
        value = bar.evaluate("el => el.value")
        assert 0 < value < 100
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "b-upload-cut-390.png"), full_page=True)
        assert state["aborted"] >= 1

        # The person gives up, reloads the page later and chooses the same file again.
        page.reload()
        state["cut"] = False
        state["drop_once"] = True
        log_before = len(state["log"])
        slot = page.locator("[data-media-slot][data-kind=video]")
        slot.locator("input[type=file]").set_input_files(str(video))
        seen = []
        deadline = time.monotonic() + 60
        text = slot.locator("[data-media-text]")
        while time.monotonic() < deadline:
            seen.append(slot.locator("progress").evaluate("el => el.value"))
            if "Uploaded." in text.inner_text():
                break
            time.sleep(0.05)
        assert "Uploaded. The file is being prepared for playing." in text.inner_text()
        page.screenshot(path=str(ARTIFACTS / "b-upload-done-390.png"), full_page=True)
        # Read the bar once more: it may have moved between the last reading and the text.
        assert slot.locator("progress").evaluate("el => el.value") == 100
        assert any(0 < v < 100 for v in seen)
        assert "rehearsal.mp4" in slot.locator("[data-media-name]").inner_text()
        assert "Uploaded, being prepared" in slot.locator("[data-media-status]").inner_text()

        # It went on from where the server stood (a HEAD, then the third piece's end), and
        # every byte crossed the network once.
        resumed = state["log"][log_before:]
        assert resumed[0][0] == "head"
        first_patch = next(entry for entry in resumed if entry[0] == "patch")
        assert first_patch[1] == 3 * CHUNK
        assert state["sent"] == SIZE

        page.reload()
        assert "rehearsal.mp4" in page.locator("[data-kind=video] [data-media-name]").inner_text()
    finally:
        context.close()

    db.session.remove()
    media = db.session.scalars(select(Media)).one()
    assert (media.program_id, media.kind, media.size) == (program_id, MediaKind.video, SIZE)
    assert b"".join(get_storage().read_range(media.original_key, 0, SIZE)) == body
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, json.loads(job.payload)) == ("process_media", {"media_id": media.id})


def test_a_refused_upload_says_why_in_plain_words(
    browser, live_server, session, festival, small_pieces, tmp_path
):
    leader = factories.make_user(session, role="leader", username="leader_refused_b")
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(session, festival=festival, troupe=troupe)
    session.commit()
    track = tmp_path / "伴奏.mp3"
    track.write_bytes(os.urandom(100_000))
    context, page = new_page(browser, live_server, **PHONE)
    try:
        log_in(page, leader.username)
        page.goto(f"/programs/{program.id}")
        # The deadline passes while the page is open.
        stored = db.session.get(Festival, festival.id)
        stored.media_deadline = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        slot = page.locator("[data-media-slot][data-kind=backing_track]")
        slot.locator("input[type=file]").set_input_files(str(track))
        error = slot.locator("[data-media-error]")
        error.wait_for(state="visible", timeout=15000)
        assert "The deadline for videos and backing tracks has passed" in error.inner_text()
        assert slot.locator("input[type=file]").is_enabled()
    finally:
        context.close()
    db.session.remove()
    assert db.session.scalars(select(Media)).first() is None
