"""The PDFs over HTTP: the award list in the list's order, one certificate on one page, the
batch of a festival's certificates (built in the background, one page each, kept), nothing
before publication; the seal and signatory form."""

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.awards import queries as award_queries
from festival.awards.models import Award
from festival.db import db
from festival.festivals.models import Festival
from festival.paper import queries as paper_queries
from festival.paper.batch import Batch
from festival.paper.render import write_certificates
from tests import factories
from tests.public.test_awards_http import awarded_festival


@pytest.fixture(autouse=True)
def _fresh_instance_files(app):
    """Festival ids repeat from test to test: no batch or seal outlives its test."""
    yield
    for name in ("paper", "seals"):
        shutil.rmtree(Path(app.instance_path) / name, ignore_errors=True)


def pdf_pages(body: bytes) -> list[str]:
    assert body.startswith(b"%PDF")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def png_bytes(size=(120, 120), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", size, (200, 20, 20)).save(out, format=fmt)
    return out.getvalue()


def numbers(session, festival) -> list[str]:
    return list(
        session.execute(
            select(Award.certificate_number)
            .where(Award.festival_id == festival.id)
            .order_by(Award.id)
        ).scalars()
    )


def test_the_award_list_pdf_holds_the_list_in_its_order(app, session, client):
    festival = awarded_festival(session, awards=3)
    response = client.get(f"/festivals/{festival.slug}/awards.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{festival.slug}-awards.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(pdf_pages(response.data))
    assert festival.name in text
    assert "获奖名单" in text and "第 1 页 / 共 1 页" in text
    rows = award_queries.festival_awards(session, festival.id)
    assert len(rows) == 4
    cursor = text.index(festival.name)
    for row in rows:  # each row's recipient, troupe and number, rows in the list's order
        recipient = f"《{row.program_title}》" if row.program_title else row.organization_name
        for piece in (recipient, row.troupe_name, row.certificate_number):
            if piece:
                cursor = text.index(piece, cursor) + len(piece)


def test_a_certificate_pdf_is_one_page_with_its_recipient_title_tier_and_number(
    app, session, client
):
    festival = awarded_festival(session, awards=1)
    number = numbers(session, festival)[0]
    response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) == 1
    text = pages[0]
    for expected in ("获奖证书", "万年表歌舞团", "《节目1》", "三等奖", number, festival.name):
        assert expected in text, expected
    assert client.get("/certificates/2026-0000-99999.pdf").status_code == 404


def test_nothing_is_printed_before_publication(app, session, client):
    festival = awarded_festival(session, published=False)
    number = numbers(session, festival)[0]
    for url in (
        f"/festivals/{festival.slug}/awards.pdf",
        f"/festivals/{festival.slug}/certificates.pdf",
        f"/festivals/{festival.slug}/certificates",
        f"/festivals/{festival.slug}/certificates.pdf/status",
        f"/certificates/{number}.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert not (Path(app.instance_path) / "paper").exists() or not list(
        (Path(app.instance_path) / "paper").glob(f"{festival.id}-*")
    )


def test_the_batch_is_built_in_the_background_then_kept(app, session, client):
    festival = awarded_festival(session, awards=4)  # and the organisation award: 5 in all
    slug = festival.slug
    first = client.get(f"/festivals/{slug}/certificates.pdf")
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/festivals/{slug}/certificates")
    page = client.get(f"/festivals/{slug}/certificates").get_data(as_text=True)
    assert "certificates.pdf/status" in page
    batches = list((Path(app.instance_path) / "paper").glob(f"{festival.id}-*.json"))
    assert len(batches) == 1
    batch = Batch(app.instance_path, festival.id, batches[0].stem.split("-", 1)[1])
    assert batch.wait()["state"] == "ready"
    status = client.get(f"/festivals/{slug}/certificates.pdf/status").get_json()
    assert status == {"state": "ready", "done": 5, "total": 5}
    ready = client.get(f"/festivals/{slug}/certificates").get_data(as_text=True)
    assert "<progress" not in ready and f"/festivals/{slug}/certificates.pdf" in ready
    download = client.get(f"/festivals/{slug}/certificates.pdf")
    assert download.status_code == 200
    assert f'filename="{slug}-certificates.pdf"' in download.headers["Content-Disposition"]
    pages = pdf_pages(download.data)
    download.close()
    assert len(pages) == 5
    for page_text, number in zip(
        pages,
        [row.certificate_number for row in award_queries.festival_awards(session, festival.id)],
        strict=True,
    ):
        assert number in page_text and "获奖证书" in page_text
    # Kept: the second download is the same file, nothing rebuilt.
    mtime = batch.pdf.stat().st_mtime_ns
    again = client.get(f"/festivals/{slug}/certificates.pdf")
    assert again.status_code == 200
    again.close()
    assert batch.pdf.stat().st_mtime_ns == mtime


def test_progress_is_shown_while_a_batch_builds(app, session, client):
    festival = awarded_festival(session, awards=1)
    directory = Path(app.instance_path) / "paper"
    directory.mkdir(exist_ok=True)
    from festival.awards.exports import award_list_csv
    from festival.paper.batch import version

    stem = version(award_list_csv(session, festival.id), signatory="", seal_file="")
    batch = Batch(app.instance_path, festival.id, stem)
    batch.lock.touch()  # another worker builds it
    batch.progress_file.write_text(json.dumps({"state": "building", "done": 120, "total": 500}))
    try:
        page = client.get(f"/festivals/{festival.slug}/certificates").get_data(as_text=True)
        assert "120 / 500" in page and '<progress class="paper-bar" max="500" value="120"' in page
        assert 'http-equiv="refresh"' in page
        status = client.get(f"/festivals/{festival.slug}/certificates.pdf/status").get_json()
        assert status == {"state": "building", "done": 120, "total": 500}
        assert client.get(f"/festivals/{festival.slug}/certificates.pdf").status_code == 303
    finally:
        batch.lock.unlink()
        batch.progress_file.unlink()


def test_write_certificates_joins_chunks_one_page_each(app, session, tmp_path):
    festival = awarded_festival(session, awards=4)
    rows = award_queries.festival_awards(session, festival.id)
    sheets = paper_queries.sheets(festival, rows, lambda number: f"https://x.test/{number}")
    seen = []
    target = tmp_path / "all.pdf"
    write_certificates(
        sheets, png_bytes(), target, chunk=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(2, 5), (4, 5), (5, 5)]
    pages = pdf_pages(target.read_bytes())
    assert [sheet.number in page for sheet, page in zip(sheets, pages, strict=True)] == [True] * 5


# --- the seal and signatory --------------------------------------------------------------------


def organizer_of(session, festival):
    user = factories.make_user(session, role="organizer", organization=festival.organization)
    session.commit()
    return user


def test_the_organizer_sets_signatory_and_seal_printed_on_certificates(app, session, client):
    festival = awarded_festival(session, awards=1)
    client.login(organizer_of(session, festival).username)
    url = f"/festivals/{festival.id}/awards/seal"
    assert client.get(url).status_code == 200
    manage = client.get(f"/festivals/{festival.id}/awards/manage").get_data(as_text=True)
    assert url in manage
    response = client.post_form(
        url,
        {"signatory": "王主任", "seal": (io.BytesIO(png_bytes()), "seal.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    festival = db.session.get(Festival, festival.id)
    first = festival.seal_file
    assert first.startswith(f"{festival.id}-") and first.endswith(".png")
    seals = Path(app.instance_path) / "seals"
    assert (seals / first).read_bytes().startswith(b"\x89PNG")
    assert festival.signatory == "王主任"
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "set_certificate_seal")
    ).scalar_one()
    assert entry.festival_id == festival.id
    number = numbers(session, festival)[0]
    text = pdf_pages(client.get(f"/certificates/{number}.pdf").data)[0]
    assert "王主任" in text
    # A JPEG replaces it; the old file is deleted.
    response = client.post_form(
        url,
        {"signatory": "王主任", "seal": (io.BytesIO(png_bytes(fmt="JPEG")), "seal.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    session.expire_all()
    second = db.session.get(Festival, festival.id).seal_file
    assert second != first and (seals / second).exists() and not (seals / first).exists()
    # Never served: no URL of the app names the file.
    assert client.get(f"/static/{second}").status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((b"just some text, not an image", "seal.png"), "PNG"),
        (("big", "seal.png"), "2 MB"),
    ],
)
def test_a_seal_must_be_a_png_or_jpeg_of_at_most_2_mb(app, session, client, upload, message):
    festival = awarded_festival(session, awards=1)
    client.login(
        organizer_of(session, festival).username,
    )
    content, name = upload
    if content == "big":  # a real PNG of 3 MB (noise does not compress)
        image = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=0)
        content = out.getvalue()
        assert len(content) > 2_900_000
    response = client.post_form(
        f"/festivals/{festival.id}/awards/seal",
        {"signatory": "", "seal": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.expire_all()
    assert db.session.get(Festival, festival.id).seal_file == ""
    seals = Path(app.instance_path) / "seals"
    assert not seals.exists() or not list(seals.glob(f"{festival.id}-*"))


@pytest.mark.parametrize("who", ["leader", "other_office"])
def test_only_the_festivals_organizers_reach_the_seal_form(app, session, client, who):
    festival = awarded_festival(session, awards=1)
    if who == "leader":
        user = factories.make_user(session, role="leader")
    else:
        other = factories.make_organization(session, name="别处老龄办", level="city")
        user = factories.make_user(session, role="organizer", organization=other)
    session.commit()
    client.login(user.username)
    url = f"/festivals/{festival.id}/awards/seal"
    assert client.get(url).status_code in (403, 404)
    response = client.post_form(url, {"signatory": "冒名"}, content_type="multipart/form-data")
    assert response.status_code in (403, 404)
    session.expire_all()
    assert db.session.get(Festival, festival.id).signatory == ""


def test_the_pdf_pages_cost_the_same_queries_whatever_the_number_of_awards(
    app, session, client, count_queries
):
    costs = []
    for awards, suffix in ((1, ""), (6, "二")):
        festival = awarded_festival(session, awards=awards, suffix=suffix)
        number = numbers(session, festival)[0]
        cost = []
        for url in (
            f"/festivals/{festival.slug}/awards.pdf",
            f"/certificates/{number}.pdf",
            f"/festivals/{festival.slug}/certificates",
            f"/festivals/{festival.slug}/certificates.pdf/status",
        ):
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            cost.append(len(queries))
        costs.append(cost)
        for path in (Path(app.instance_path) / "paper").glob(f"{festival.id}-*.json"):
            Batch(app.instance_path, festival.id, path.stem.split("-", 1)[1]).wait()
    assert costs[0] == costs[1]
