"""The signatory and seal printed on a festival's certificates: checks and storage.

The seal is a PNG or JPEG (told by its content, never its name) of at most 2 MB, stored as a
PNG under instance/seals/<festival_id>-<random>.png; ``Festival.seal_file`` holds the name.
It is read from disk by the renderer and never served at any URL."""

import io
import secrets
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import ValidationFailed
from festival.festivals.models import Festival

SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_PIXELS = 4000 * 4000
SIGNATORY_MAX = 100
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


def seal_directory(instance_path: str | Path) -> Path:
    return Path(instance_path) / "seals"


def seal_bytes(instance_path: str | Path, festival: Festival) -> bytes | None:
    """The festival's seal as stored (PNG), or None."""
    if not festival.seal_file:
        return None
    path = seal_directory(instance_path) / Path(festival.seal_file).name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def seal_png(content: bytes) -> bytes:
    """The upload as a PNG, when it is a PNG or JPEG image of at most 2 MB; else
    ValidationFailed on the field ``seal``."""
    if len(content) > SEAL_MAX_BYTES:
        raise ValidationFailed(fields={"seal": [_l("The seal image may be at most 2 MB.")]})
    not_image = ValidationFailed(fields={"seal": [_l("The seal must be a PNG or JPEG image.")]})
    if not (content.startswith(PNG_MAGIC) or content.startswith(JPEG_MAGIC)):
        raise not_image
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise not_image
            if image.width * image.height > SEAL_MAX_PIXELS:
                raise not_image
            image.load()
            converted = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise not_image from error
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_signatory_and_seal(
    session: Session,
    festival: Festival,
    *,
    signatory: str,
    seal: bytes | None,
    directory: Path,
    actor: User,
    now: datetime,
) -> str | None:
    """Set the signatory and, when ``seal`` (the upload's bytes) is given, store it as the new
    seal. Returns the replaced seal's file name, for the caller to delete after commit."""
    signatory = " ".join(signatory.split())
    if len(signatory) > SIGNATORY_MAX:
        raise ValidationFailed(
            fields={"signatory": [_l("At most %(max)d characters.", max=SIGNATORY_MAX)]}
        )
    changes: dict = {}
    old_file = None
    if seal is not None:
        png = seal_png(seal)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{festival.id}-{secrets.token_hex(12)}.png"
        partial = directory / f".{name}.part"
        partial.write_bytes(png)
        partial.replace(directory / name)
        old_file = festival.seal_file or None
        changes["seal_file"] = [festival.seal_file, name]
        festival.seal_file = name
    if signatory != festival.signatory:
        changes["signatory"] = [festival.signatory, signatory]
        festival.signatory = signatory
    if changes:
        record(
            session,
            actor=actor,
            action="set_certificate_seal",
            entity_type="festival",
            entity_id=festival.id,
            changes=changes,
            organization_id=festival.organization_id,
            festival_id=festival.id,
            now=now,
        )
    session.flush()
    return old_file


def delete_seal_file(directory: Path, name: str | None) -> None:
    if name:
        (directory / Path(name).name).unlink(missing_ok=True)
