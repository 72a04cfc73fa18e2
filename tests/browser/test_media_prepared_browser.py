"""The program's page follows a file being prepared without a reload: how far it is, then
ready with its length, or why it could not be prepared (a leader on a 390 px phone)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from festival.db import db
from festival.media.models import Media, MediaKind, MediaStatus
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue25"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _update(media_id: int, **values) -> None:
    media = db.session.get(Media, media_id)
    for name, value in values.items():
        setattr(media, name, value)
    db.session.commit()


def test_the_page_follows_the_files_being_prepared(browser, live_server, session, festival):
    leader = factories.make_user(session, role="leader", username="leader_prepared")
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(session, festival=festival, troupe=troupe)
    files = {}
    for kind, name in ((MediaKind.video, "排练.mp4"), (MediaKind.backing_track, "伴奏.mp3")):
        media = Media(
            program_id=program.id,
            kind=kind,
            filename=name,
            size=10,
            original_key=f"originals/{kind.value}",
            status=MediaStatus.processing,
            progress=40,
            uploaded_at=datetime.now(UTC),
        )
        session.add(media)
        session.flush()
        files[kind] = media.id
    session.commit()
    program_id = program.id

    context, page = new_page(browser, live_server, **PHONE)
    try:
        log_in(page, leader.username)
        page.goto(f"/programs/{program_id}")
        video = page.locator("[data-media-slot][data-kind=video]")
        track = page.locator("[data-media-slot][data-kind=backing_track]")
        expect(video.locator("[data-media-detail]")).to_have_text("40% prepared")
        expect(video.locator("[data-media-status]")).to_have_text("Uploaded, being prepared")

        # The worker moves on: the page shows it within a few seconds, with no reload.
        page.evaluate("window.notReloaded = true")
        _update(files[MediaKind.video], progress=75)
        expect(video.locator("[data-media-detail]")).to_have_text("75% prepared", timeout=10000)
        _update(
            files[MediaKind.video],
            status=MediaStatus.ready,
            progress=100,
            duration_seconds=83.2,
            playable_key="playable/video",
        )
        _update(
            files[MediaKind.backing_track],
            status=MediaStatus.failed,
            progress=None,
            error_code="not_media",
        )
        expect(video.locator("[data-media-status]")).to_have_text("Ready", timeout=10000)
        expect(video.locator("[data-media-duration]")).to_have_text("1:23")
        expect(video.locator("[data-media-detail]")).to_be_hidden()
        expect(track.locator("[data-media-status]")).to_have_text("Could not be prepared")
        expect(track.locator("[data-media-detail]")).to_contain_text("not a video or audio file")
        assert page.evaluate("window.notReloaded === true")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "prepared-390.png"), full_page=True)
    finally:
        context.close()
