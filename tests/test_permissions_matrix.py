"""Every route × every role: who gets what. A new route fails this test until it is added here.

The world: a district office under a city, with an open festival, a troupe of the leader
"owner", one of its members and one submitted program; and a second festival in screening
with one round, whose judge is "judge", and one entry. The roles: anonymous; owner (leads
that troupe); other_leader; judge; organizer (of the district office); other_organizer (of a
sibling district); admin. POSTs and PATCHes send an empty form (with its CSRF token) or an
empty JSON object: an allowed caller sees the form again (200/422), the API's 400/422, or the
action itself when it needs no input (withdraw, remove, open).
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from festival.awards.services import create_award
from festival.festivals.services import close_intake
from festival.judging import services as judging
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.signing import media_token
from festival.media.storage import get_storage, new_key
from festival.notice.models import CalendarDay, Objection
from festival.schedules import feeds
from festival.schedules import services as schedules
from tests import factories

ROLES = ("anonymous", "owner", "other_leader", "judge", "organizer", "other_organizer", "admin")

# Statuses in the order of ROLES.
MATRIX: dict[tuple[str, str], str] = {
    # public pages and plumbing
    ("GET", "/"): "200 200 200 200 200 200 200",
    ("GET", "/healthz"): "200 200 200 200 200 200 200",
    ("GET", "/favicon.ico"): "301 301 301 301 301 301 301",
    ("GET", "/static/<path:filename>"): "200 200 200 200 200 200 200",
    ("GET", "/language/<code>"): "302 302 302 302 302 302 302",
    ("GET", "/login"): "200 200 200 200 200 200 200",
    ("POST", "/login"): "200 200 200 200 200 200 200",
    ("POST", "/logout"): "302 302 302 302 302 302 302",
    ("GET", "/account/password"): "302 200 200 200 200 200 200",
    ("POST", "/account/password"): "302 200 200 200 200 200 200",
    # administration
    ("GET", "/admin/users"): "302 403 403 403 403 403 200",
    ("GET", "/admin/calendar-days"): "302 403 403 403 403 403 200",
    ("POST", "/admin/calendar-days"): "302 403 403 403 403 403 422",
    ("POST", "/admin/calendar-days/<day>/remove"): "302 403 403 403 403 403 302",
    ("POST", "/admin/users"): "302 403 403 403 403 403 200",
    ("GET", "/admin/organizations"): "302 403 403 403 200 200 200",
    ("POST", "/admin/organizations"): "302 403 403 403 200 200 200",
    # the audit log: organizers read their organisation's tree, admins everything
    ("GET", "/audit"): "302 403 403 403 200 200 200",
    ("GET", "/audit.<any(csv, xlsx):fmt>"): "302 403 403 403 200 200 200",
    # issue 19 (c): only admins check the whole hash chain
    ("GET", "/audit/chain"): "302 403 403 403 403 403 200",
    # issue 19 (c): the signed record once published (404 before); an unknown key is 404
    ("GET", "/api/v1/festivals/<int:festival_id>/awards/record"): "404 404 404 404 404 404 404",
    ("GET", "/api/v1/keys/<key_id>"): "404 404 404 404 404 404 404",
    # issue 19 (b): objections; the world's list is unpublished, so the public form is 404
    ("GET", "/festivals/<slug>/objections/new"): "404 404 404 404 404 404 404",
    ("POST", "/festivals/<slug>/objections/new"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<slug>/objections/sent"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<int:festival_id>/objections"): "302 403 403 403 200 403 200",
    ("POST", "/objections/<int:objection_id>/decision"): "302 403 403 403 422 403 422",
    ("POST", "/api/v1/festivals/<int:festival_id>/objections"): "400 400 400 400 400 400 400",
    ("GET", "/api/v1/festivals/<int:festival_id>/objections"): "401 403 403 403 200 403 200",
    ("POST", "/api/v1/objections/<int:objection_id>/decision"): "401 403 403 403 400 403 400",
    # festivals
    ("GET", "/festivals"): "200 200 200 200 200 200 200",
    ("GET", "/festivals/new"): "302 403 403 403 200 200 200",
    ("POST", "/festivals/new"): "302 403 403 403 200 200 200",
    ("GET", "/festivals/<int:festival_id>"): "200 200 200 200 200 200 200",
    ("GET", "/festivals/<int:festival_id>/edit"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/edit"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<int:festival_id>/open"): "302 403 403 403 302 403 302",
    ("POST", "/festivals/<int:festival_id>/open"): "302 403 403 403 302 403 302",
    ("GET", "/festivals/<int:festival_id>/close-intake"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/close-intake"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<int:festival_id>/categories"): "302 403 403 403 302 403 302",
    ("POST", "/festivals/<int:festival_id>/categories"): "302 403 403 403 422 403 422",
    ("GET", "/festivals/<int:festival_id>/dashboard"): "302 403 403 403 200 403 200",
    # spreadsheets
    ("GET", "/festivals/<int:festival_id>/import"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/import"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<int:festival_id>/export/<kind>.<fmt>"): "302 403 403 403 200 403 200",
    ("GET", "/imports/templates/<kind>.<fmt>"): "302 403 403 403 200 200 200",
    # troupes and people: other people's troupes are 404, not 403
    ("GET", "/troupes"): "302 200 200 403 200 200 200",
    ("GET", "/troupes/new"): "302 200 200 403 200 200 200",
    ("POST", "/troupes/new"): "302 200 200 403 200 200 200",
    ("GET", "/troupes/<int:troupe_id>"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/edit"): "302 200 404 404 200 404 200",
    ("POST", "/troupes/<int:troupe_id>/edit"): "302 302 404 404 302 404 302",
    ("POST", "/troupes/<int:troupe_id>/members"): "302 422 404 404 422 404 422",
    (
        "GET",
        "/troupes/<int:troupe_id>/members/<int:person_id>/remove",
    ): "302 200 404 404 200 404 200",
    (
        "POST",
        "/troupes/<int:troupe_id>/members/<int:person_id>/remove",
    ): "302 200 404 404 200 404 200",
    ("GET", "/people/<int:person_id>"): "302 200 404 404 200 404 200",
    # programs
    ("GET", "/festivals/<int:festival_id>/programs"): "302 200 200 403 200 403 200",
    ("GET", "/festivals/<int:festival_id>/programs/new"): "302 200 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/programs/new"): "302 200 403 403 200 403 200",
    ("GET", "/programs/<int:program_id>"): "302 200 404 404 200 404 200",
    ("GET", "/programs/<int:program_id>/edit"): "302 200 404 404 200 404 200",
    ("POST", "/programs/<int:program_id>/edit"): "302 200 404 404 200 404 200",
    ("GET", "/programs/<int:program_id>/withdraw"): "302 200 404 404 200 404 200",
    ("POST", "/programs/<int:program_id>/withdraw"): "302 302 404 404 302 404 302",
    # API: accounts
    ("GET", "/api/v1/openapi.json"): "200 200 200 200 200 200 200",
    ("POST", "/api/v1/auth/tokens"): "400 400 400 400 400 400 400",
    ("DELETE", "/api/v1/auth/tokens/current"): "401 204 204 204 204 204 204",
    ("GET", "/api/v1/users/me"): "401 200 200 200 200 200 200",
    ("GET", "/api/v1/users"): "401 403 403 403 403 403 200",
    ("POST", "/api/v1/users"): "401 403 403 403 403 403 400",
    ("GET", "/api/v1/organizations"): "401 403 403 403 200 200 200",
    ("POST", "/api/v1/organizations"): "401 403 403 403 400 400 400",
    # issue 24 (a): the year in review's figures: the office's organizers (or above), admins
    ("GET", "/api/v1/organizations/<int:organization_id>/years/<int:year>"): (
        "401 403 403 403 200 403 200"
    ),
    # issue 24 (c): the year in review's page and its Word and Excel copies, same people
    ("GET", "/organizations/<int:organization_id>/years/<int:year>"): (
        "302 403 403 403 200 403 200"
    ),
    ("GET", "/organizations/<int:organization_id>/years/<int:year>.docx"): (
        "302 403 403 403 200 403 200"
    ),
    ("GET", "/organizations/<int:organization_id>/years/<int:year>.xlsx"): (
        "302 403 403 403 200 403 200"
    ),
    # API: festivals
    ("GET", "/api/v1/festivals"): "200 200 200 200 200 200 200",
    ("POST", "/api/v1/festivals"): "401 403 403 403 400 400 400",
    ("GET", "/api/v1/festivals/<int:festival_id>"): "200 200 200 200 200 200 200",
    ("PATCH", "/api/v1/festivals/<int:festival_id>"): "401 403 403 403 200 403 200",
    ("POST", "/api/v1/festivals/<int:festival_id>/open"): "401 403 403 403 409 403 409",
    ("POST", "/api/v1/festivals/<int:festival_id>/close-intake"): "401 403 403 403 200 403 200",
    ("POST", "/api/v1/festivals/<int:festival_id>/categories"): "401 403 403 403 400 403 400",
    # API: troupes and people
    ("GET", "/api/v1/troupes"): "401 200 200 403 200 200 200",
    ("POST", "/api/v1/troupes"): "401 400 400 403 400 400 400",
    ("GET", "/api/v1/troupes/<int:troupe_id>"): "401 200 404 404 200 404 200",
    ("PATCH", "/api/v1/troupes/<int:troupe_id>"): "401 200 404 404 200 404 200",
    ("POST", "/api/v1/people"): "401 400 400 403 400 400 400",
    ("GET", "/api/v1/troupes/<int:troupe_id>/members"): "401 200 404 404 200 404 200",
    ("POST", "/api/v1/troupes/<int:troupe_id>/members"): "401 422 404 404 422 404 422",
    (
        "DELETE",
        "/api/v1/troupes/<int:troupe_id>/members/<int:person_id>",
    ): "401 204 404 404 204 404 204",
    # API: programs
    ("GET", "/api/v1/festivals/<int:festival_id>/programs"): "401 200 200 403 200 403 200",
    ("POST", "/api/v1/festivals/<int:festival_id>/programs"): "401 400 400 403 400 403 400",
    ("GET", "/api/v1/programs/<int:program_id>"): "401 200 404 404 200 404 200",
    ("PATCH", "/api/v1/programs/<int:program_id>"): "401 200 404 404 200 404 200",
    ("POST", "/api/v1/programs/<int:program_id>/withdraw"): "401 200 404 404 200 404 200",
    # issue 25 (a): a program's media (its judges would see the video: not this program's);
    # a signed address serves whoever holds it
    ("GET", "/api/v1/programs/<int:program_id>/media"): "401 200 404 404 200 404 200",
    ("DELETE", "/api/v1/media/<int:media_id>"): "401 204 404 404 204 404 204",
    ("GET", "/media/<token>"): "200 200 200 200 200 200 200",
    # issue 25 (b): tus uploads; the matrix sends no Tus-Resumable (412 once logged in), and an
    # upload is reached only by whoever created it (tests/media/test_tus_b.py)
    ("POST", "/api/v1/uploads"): "401 412 412 412 412 412 412",
    ("PATCH", "/api/v1/uploads/<upload_id>"): "401 404 404 404 404 404 404",
    ("DELETE", "/api/v1/uploads/<upload_id>"): "401 404 404 404 404 404 404",
    # screening rounds: the round's judge is "judge"; others who may not see it get 404
    ("GET", "/api/v1/festivals/<int:festival_id>/rounds"): "401 403 403 403 200 403 200",
    ("GET", "/api/v1/rounds/<int:round_id>"): "401 404 404 200 200 404 200",
    ("GET", "/api/v1/rounds/<int:round_id>/conflicts"): "401 404 404 403 200 404 200",
    ("GET", "/api/v1/rounds/<int:round_id>/results"): "401 404 404 403 200 404 200",
    ("GET", "/api/v1/rounds/<int:round_id>/sheet"): "401 404 404 200 403 404 403",
    ("GET", "/festivals/<int:festival_id>/rounds"): "302 403 403 403 200 403 200",
    ("GET", "/judging"): "302 403 403 200 403 403 403",
    ("GET", "/rounds/<int:round_id>"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/close"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/conflicts.<fmt>"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/results"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/results.<fmt>"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/sheet"): "302 404 404 200 404 404 404",
    ("POST", "/api/v1/festivals/<int:festival_id>/rounds"): "401 403 403 403 400 403 400",
    ("POST", "/api/v1/programs/<int:program_id>/recommend"): "401 403 403 403 400 403 400",
    ("POST", "/api/v1/rounds/<int:round_id>/close"): "401 404 404 403 409 404 409",
    ("POST", "/api/v1/rounds/<int:round_id>/conflicts"): "401 404 404 400 400 404 400",
    ("POST", "/api/v1/rounds/<int:round_id>/entries"): "401 404 404 403 400 404 400",
    ("POST", "/api/v1/rounds/<int:round_id>/judges"): "401 404 404 403 400 404 400",
    ("POST", "/festivals/<int:festival_id>/rounds"): "302 403 403 403 422 403 422",
    ("POST", "/rounds/<int:round_id>/close"): "302 404 404 403 409 404 409",
    ("POST", "/rounds/<int:round_id>/conflicts"): "302 404 404 302 422 404 422",
    ("POST", "/rounds/<int:round_id>/entries"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/judges"): "302 404 404 403 422 404 422",
    ("GET", "/rounds/<int:round_id>/recommend"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/recommend"): "302 404 404 403 404 404 404",
    # issue 20 (d): the day's paper; the booklet is public once the order is published (not
    # in this world), the score sheets and the result sheet are the organizers' only
    ("GET", "/rounds/<int:round_id>/booklet"): "404 404 404 404 200 404 200",
    ("GET", "/rounds/<int:round_id>/booklet.pdf"): "404 404 404 404 200 404 200",
    ("GET", "/rounds/<int:round_id>/sheets.pdf"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/signatures.pdf"): "302 404 404 403 200 404 200",
    # issue 25 (e): the sound desk, its playlist and the tracks' ZIP, the round's organizers only
    ("GET", "/rounds/<int:round_id>/sound-desk"): "302 404 404 403 200 404 200",
    ("GET", "/rounds/<int:round_id>/tracks.zip"): "302 404 404 403 200 404 200",
    ("GET", "/api/v1/rounds/<int:round_id>/playlist"): "401 404 404 403 200 404 200",
    # issue 20 (b): check-in and the stage, the round's organizers only
    ("GET", "/rounds/<int:round_id>/checkin"): "302 404 404 403 200 404 200",
    ("POST", "/rounds/<int:round_id>/checkin/<int:program_id>"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/checkin/<int:program_id>/undo"): "302 404 404 403 302 404 302",
    ("GET", "/rounds/<int:round_id>/stage"): "302 404 404 403 200 404 200",
    ("POST", "/rounds/<int:round_id>/stage"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/stage/reopen"): "302 404 404 403 400 404 400",
    ("POST", "/api/v1/rounds/<int:round_id>/checkins"): "401 404 404 403 400 404 400",
    ("POST", "/api/v1/rounds/<int:round_id>/stage"): "401 404 404 403 400 404 400",
    # issue 20 (a): the running order, the round's organizers (judges read it)
    ("POST", "/api/v1/rounds/<int:round_id>/draw"): "401 404 404 403 200 404 200",
    ("PUT", "/api/v1/rounds/<int:round_id>/order"): "401 404 404 403 400 404 400",
    ("GET", "/api/v1/rounds/<int:round_id>/order"): "401 404 404 200 200 404 200",
    ("GET", "/rounds/<int:round_id>/order"): "302 404 404 403 200 404 200",
    ("POST", "/rounds/<int:round_id>/order/draw"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/order/move"): "302 404 404 403 400 404 400",
    ("POST", "/rounds/<int:round_id>/order/publish"): "302 404 404 403 422 404 422",
    ("POST", "/rounds/<int:round_id>/order/unpublish"): "302 404 404 403 302 404 302",
    ("POST", "/rounds/<int:round_id>/sheet/<int:program_id>"): "302 404 404 422 404 404 404",
    ("PUT", "/api/v1/rounds/<int:round_id>/scores/<int:program_id>"): "401 403 403 400 403 403 403",
    # issue 20 (c): live scoring; the judge's empty score cannot be confirmed (422), the
    # organizer's empty reopening names no judge (400); the world's screen is not public
    ("POST", "/api/v1/rounds/<int:round_id>/scores/<int:program_id>/confirm"): (
        "401 403 403 422 403 403 403"
    ),
    ("DELETE", "/api/v1/rounds/<int:round_id>/scores/<int:program_id>/confirm"): (
        "401 404 404 403 400 404 400"
    ),
    ("GET", "/api/v1/rounds/<int:round_id>/live"): "401 404 404 200 200 404 200",
    ("GET", "/rounds/<int:round_id>/live/judge"): "302 404 404 200 404 404 404",
    ("GET", "/rounds/<int:round_id>/screen"): "302 404 404 200 200 404 200",
    # awards: the world's open festival has one unpublished award; public pages are 404
    ("DELETE", "/api/v1/awards/<int:award_id>"): "401 403 403 403 204 403 204",
    ("GET", "/api/v1/festivals/<int:festival_id>/awards"): "404 404 404 404 200 404 200",
    ("GET", "/awards/<int:award_id>/remove"): "302 403 403 403 200 403 200",
    ("GET", "/certificates/<number>"): "404 404 404 404 404 404 404",
    ("GET", "/certificates/check"): "404 404 404 404 404 404 404",
    ("GET", "/certificates/<number>/verify"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<int:festival_id>/awards/manage"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<slug>"): "200 200 200 200 200 200 200",
    ("GET", "/festivals/<slug>/awards"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<slug>/awards.<any(csv, xlsx):fmt>"): "404 404 404 404 404 404 404",
    # issue 19 (d): the PDFs are public once published (404 before); the seal form
    ("GET", "/festivals/<slug>/awards.pdf"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<slug>/certificates"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<slug>/certificates.pdf"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<slug>/certificates.pdf/status"): "404 404 404 404 404 404 404",
    ("GET", "/certificates/<number>.pdf"): "404 404 404 404 404 404 404",
    ("GET", "/festivals/<int:festival_id>/awards/seal"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/awards/seal"): "302 403 403 403 302 403 302",
    ("POST", "/api/v1/festivals/<int:festival_id>/awards"): "401 403 403 403 400 403 400",
    ("POST", "/api/v1/festivals/<int:festival_id>/awards/allocate"): "401 403 403 403 400 403 400",
    ("POST", "/api/v1/festivals/<int:festival_id>/publish"): "401 403 403 403 200 403 200",
    ("POST", "/api/v1/festivals/<int:festival_id>/finalize"): "401 403 403 403 409 403 409",
    ("POST", "/festivals/<int:festival_id>/awards/finalize"): "302 403 403 403 409 403 409",
    ("POST", "/api/v1/festivals/<int:festival_id>/unpublish"): "401 403 403 403 409 403 409",
    ("POST", "/awards/<int:award_id>/remove"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/<int:festival_id>/awards"): "302 403 403 403 422 403 422",
    ("POST", "/festivals/<int:festival_id>/awards/allocate"): "302 403 403 403 422 403 422",
    ("GET", "/festivals/<int:festival_id>/awards/preview"): "302 403 403 403 302 403 302",
    ("GET", "/festivals/<int:festival_id>/awards/publish"): "302 403 403 403 302 403 302",
    ("GET", "/festivals/<int:festival_id>/awards/unpublish"): "302 403 403 403 302 403 302",
    ("POST", "/festivals/<int:festival_id>/awards/preview"): "302 403 403 403 422 403 422",
    ("POST", "/festivals/<int:festival_id>/awards/publish"): "302 403 403 403 422 403 422",
    ("POST", "/festivals/<int:festival_id>/awards/unpublish"): "302 403 403 403 409 403 409",
    # schedules: the troupe's weekly training is the event; 2026-01-10 is one of its sessions
    ("GET", "/api/v1/troupes/<int:troupe_id>/events"): "401 200 404 404 200 404 200",
    ("POST", "/api/v1/troupes/<int:troupe_id>/events"): "401 400 404 404 400 404 400",
    ("GET", "/api/v1/festivals/<int:festival_id>/events"): "200 200 200 200 200 200 200",
    ("POST", "/api/v1/festivals/<int:festival_id>/events"): "401 403 403 403 400 403 400",
    ("GET", "/api/v1/events/<int:event_id>"): "401 200 404 404 200 404 200",
    ("PATCH", "/api/v1/events/<int:event_id>"): "401 200 404 404 200 404 200",
    ("DELETE", "/api/v1/events/<int:event_id>"): "401 204 404 404 204 404 204",
    ("POST", "/api/v1/events/<int:event_id>/cancellations"): "401 422 404 404 422 404 422",
    (
        "PATCH",
        "/api/v1/events/<int:event_id>/occurrences/<occurrence>",
    ): "401 200 404 404 200 404 200",
    (
        "DELETE",
        "/api/v1/events/<int:event_id>/occurrences/<occurrence>",
    ): "401 204 404 404 204 404 204",
    ("PUT", "/api/v1/events/<int:event_id>/attendance/<occurrence>"): "401 200 404 404 200 404 200",
    ("GET", "/api/v1/troupes/<int:troupe_id>/attendance"): "401 200 404 404 200 404 200",
    ("GET", "/api/v1/troupes/<int:troupe_id>/calendar"): "401 200 404 404 200 404 200",
    ("POST", "/api/v1/troupes/<int:troupe_id>/calendar/rotate"): "401 200 404 404 200 404 200",
    ("GET", "/calendar/<secret>.ics"): "200 200 200 200 200 200 200",
    ("GET", "/calendars/<secret>/"): "200 200 200 200 200 200 200",
    ("GET", "/festivals/<slug>/calendar.ics"): "200 200 200 200 200 200 200",
    # schedule pages
    ("GET", "/events/<int:event_id>"): "302 200 404 404 200 404 200",
    ("GET", "/events/<int:event_id>/attendance/<occurrence>"): "302 200 404 404 200 404 200",
    ("GET", "/events/<int:event_id>/cancel"): "302 200 404 404 200 404 200",
    ("GET", "/events/<int:event_id>/delete"): "302 200 404 404 200 404 200",
    ("GET", "/events/<int:event_id>/edit"): "302 200 404 404 200 404 200",
    ("GET", "/events/<int:event_id>/occurrences/<occurrence>"): "302 200 404 404 200 404 200",
    ("GET", "/festivals/<int:festival_id>/events/new"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<int:festival_id>/schedule"): "302 403 403 403 200 403 200",
    ("GET", "/festivals/<slug>/calendar"): "200 200 200 200 200 200 200",
    ("GET", "/troupes/<int:troupe_id>/attendance"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/calendar"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/calendar/rotate"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/events/new"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/schedule"): "302 200 404 404 200 404 200",
    ("GET", "/troupes/<int:troupe_id>/tours/new"): "302 200 404 404 200 404 200",
    ("POST", "/events/<int:event_id>/attendance/<occurrence>"): "302 200 404 404 200 404 200",
    ("POST", "/events/<int:event_id>/cancel"): "302 422 404 404 422 404 422",
    ("POST", "/events/<int:event_id>/delete"): "302 302 404 404 302 404 302",
    ("POST", "/events/<int:event_id>/edit"): "302 422 404 404 422 404 422",
    ("POST", "/events/<int:event_id>/occurrences/<occurrence>"): "302 422 404 404 422 404 422",
    (
        "POST",
        "/events/<int:event_id>/occurrences/<occurrence>/restore",
    ): "302 302 404 404 302 404 302",
    ("POST", "/festivals/<int:festival_id>/events/new"): "302 403 403 403 422 403 422",
    ("POST", "/troupes/<int:troupe_id>/calendar/rotate"): "302 302 404 404 302 404 302",
    ("POST", "/troupes/<int:troupe_id>/calendar/reminders"): "302 302 404 404 302 404 302",
    ("POST", "/troupes/<int:troupe_id>/events/new"): "302 422 404 404 422 404 422",
    ("POST", "/troupes/<int:troupe_id>/tours/new"): "302 422 404 404 422 404 422",
}


def test_matrix_covers_every_route(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(MATRIX), (
        f"missing from MATRIX: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}"
    )


@pytest.fixture
def world(session):
    city = factories.make_organization(session, level="city")
    office = factories.make_organization(session, level="district", parent=city)
    sibling = factories.make_organization(session, level="district", parent=city)
    deadline = datetime.now(UTC) + timedelta(days=30)
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=10)).date(),
    )
    users = {
        "owner": factories.make_user(session, role="leader"),
        "other_leader": factories.make_user(session, role="leader"),
        "judge": factories.make_user(session, role="judge"),
        "organizer": factories.make_user(session, role="organizer", organization=office),
        "other_organizer": factories.make_user(session, role="organizer", organization=sibling),
        "admin": factories.make_user(session, role="admin"),
    }
    troupe = factories.make_troupe(session, organization=office, leader=users["owner"])
    program = factories.make_program(
        session, festival=festival, troupe=troupe, actor=users["admin"]
    )
    # A second festival of the office is in screening: one round, its judge, one entry.
    screened = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=10)).date(),
    )
    entry = factories.make_program(session, festival=screened, troupe=troupe, actor=users["admin"])
    close_intake(session, festival=screened, actor=users["admin"], now=factories.NOW)
    round_ = judging.create_round(
        session,
        festival=screened,
        name="初选",
        criteria=[{"name": "表现", "max_score": 10}],
        advance_count=1,
        actor=users["admin"],
        now=factories.NOW,
    )
    judging.assign_judge(
        session, round_=round_, user_id=users["judge"].id, actor=users["admin"], now=factories.NOW
    )
    judging.add_entries(
        session, round_=round_, program_ids=[entry.id], actor=users["admin"], now=factories.NOW
    )
    award = create_award(
        session,
        festival=festival,
        tier="special",
        program_id=program.id,
        actor=users["admin"],
        now=factories.NOW,
    )
    # The troupe trains every Saturday (its first session is past, so attendance may be
    # taken); the festival has a public event; the troupe's feed has a secret.
    training = schedules.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=users["admin"],
        now=factories.NOW,
        details=schedules.EventDetails(
            title="每周集中训练",
            kind="training",
            starts_at=datetime(2026, 1, 3, 9, 0),
            ends_at=datetime(2026, 1, 3, 11, 0),
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
        ),
    )
    schedules.create_event(
        session,
        festival=festival,
        zone="Asia/Shanghai",
        actor=users["admin"],
        now=factories.NOW,
        details=schedules.EventDetails(
            title="开幕式",
            kind="performance",
            starts_at=datetime(2026, 5, 1, 9, 0),
            ends_at=datetime(2026, 5, 1, 11, 0),
            is_public=True,
        ),
    )
    feed = feeds.feed_for_troupe(session, troupe=troupe, now=factories.NOW)
    # An objection to the festival's list (issue 19 (b)), stored as the form would.
    objection = Objection(
        festival_id=festival.id,
        award_id=award.id,
        reference="YY-2026-000001",
        name="张秀英",
        phone="13800001234",
        text="异议",
        client_hash="0" * 64,
        created_at=factories.NOW,
    )
    session.add(objection)
    # A day an admin set in the working-day calendar (issue 19 (a)).
    session.add(CalendarDay(day=date(2027, 2, 8), working=False, created_at=factories.NOW))
    # issue 25 (a): the program's video, stored under one key (its original and its copy)
    video_key = new_key("media/playable", ".mp4")
    get_storage().append(video_key, 0, [b"\x00\x00\x00\x18ftypmp42"])
    video = Media(
        program_id=program.id,
        kind=MediaKind.video,
        filename="舞蹈.mp4",
        size=12,
        original_key=video_key,
        playable_key=video_key,
        status=MediaStatus.ready,
        uploaded_at=factories.NOW,
    )
    session.add(video)
    session.commit()
    values = {
        "award_id": award.id,
        "slug": festival.slug,
        "number": award.certificate_number,
        "festival_id": festival.id,
        "troupe_id": troupe.id,
        "program_id": program.id,
        "person_id": program.performers[0].person_id,
        "kind": "programs",
        "fmt": "csv",
        "code": "en",
        "filename": "favicon.svg",
        "round_id": round_.id,
        "entry_id": entry.id,
        "event_id": training.id,
        "occurrence": "2026-01-10",
        "secret": feed.secret,
        "objection_id": objection.id,
        "key_id": "0123456789abcdef",
        "day": "2027-02-08",
        "organization_id": office.id,
        "year": 2026,
        "media_id": video.id,
        "token": media_token(video, "playback"),
        "upload_id": "0" * 32,
    }
    return users, values


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(("method", "rule"), sorted(MATRIX))
def test_route_answers_each_role_as_expected(app, world, client, api, method, rule, role_index):
    users, values = world
    role = ROLES[role_index]
    user = users.get(role)
    if "/rounds/" in rule:  # a program of a round is the round's entry
        values = {**values, "program_id": values["entry_id"]}
    path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule)
    if rule.startswith("/api/"):
        caller = api.as_user(user) if user else api
        response = caller.client.open(
            path, method=method, headers=caller._headers(None), json={} if method != "GET" else None
        )
    else:
        if user:
            client.login(user.username)
        data = {"csrf_token": client.csrf_token()} if method == "POST" else None
        response = client.open(path, method=method, data=data)
    expected = int(MATRIX[(method, rule)].split()[role_index])
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
