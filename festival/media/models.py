"""A program's media (one current video and one backing track at most) and the uploads that
become them."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.db import Base, UTCDateTime, str_enum
from festival.programs.models import Program


class MediaKind(enum.StrEnum):
    video = "video"
    backing_track = "backing_track"


class MediaStatus(enum.StrEnum):
    processing = "processing"
    ready = "ready"
    failed = "failed"


class Media(Base):
    """A program's video or backing track: the original as uploaded (kept for download) and,
    once processed, the copy browsers play (H.264/AAC MP4 at most 1280×720, or MP3 at one
    loudness) and a video's poster. Stored under keys the application makes, never under the
    uploader's file name, which is kept for display only."""

    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("program_id", "kind"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint(
            "progress IS NULL OR (progress >= 0 AND progress <= 100)", name="progress_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MediaKind] = mapped_column(str_enum(MediaKind, "media_kind"))
    filename: Mapped[str] = mapped_column(String(255))  # the uploader's, shown, never a path
    size: Mapped[int] = mapped_column(BigInteger)
    original_key: Mapped[str] = mapped_column(String(200))
    playable_key: Mapped[str | None] = mapped_column(String(200))
    poster_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[MediaStatus] = mapped_column(
        str_enum(MediaStatus, "media_status"), default=MediaStatus.processing
    )
    progress: Mapped[int | None]  # 0..100 while processing
    error_code: Mapped[str | None] = mapped_column(String(40))  # e.g. not_media
    error_message: Mapped[str | None] = mapped_column(String(500))
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    program: Mapped[Program] = relationship()
    uploaded_by: Mapped[User | None] = relationship()


class Upload(Base):
    """A resumable upload in progress (tus): the bytes received so far are kept in storage
    under ``storage_key``; when ``offset`` reaches ``length`` the file becomes the program's
    media of that kind. Abandoned uploads (no byte for a day) are removed."""

    __tablename__ = "uploads"
    __table_args__ = (
        CheckConstraint("length >= 0", name="length_not_negative"),
        CheckConstraint(
            "upload_offset >= 0 AND upload_offset <= length", name="offset_within_length"
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, in the tus URL
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MediaKind] = mapped_column(str_enum(MediaKind, "media_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    length: Mapped[int] = mapped_column(BigInteger)
    upload_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    storage_key: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    program: Mapped[Program] = relationship()
