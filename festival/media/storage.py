"""Where media bytes live: a folder on local disk or an S3-compatible bucket, behind one small
interface. Keys are relative paths the application makes (``new_key``), never a user's file name.

Both stores keep the bytes received before a broken stream: ``append`` writes each chunk as it
comes, so a resumable upload continues from what ``size`` reports.

S3 without multipart uploads: each ``append`` stores its bytes as one more *part object*,
``<key>.parts/<offset, 15 digits>``; the key's size is the sum of its parts (one listing) and a
read spans the parts it needs with Range GETs. ``put_file`` stores a plain object under the key
itself (boto3 splits large files into a multipart upload on its own). A key is read as its
plain object when there is one, else as its parts. This needs no part ≥ 5 MiB rule, no local
buffer between requests and works when the next chunk of an upload reaches another host.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from flask import current_app

CHUNK_BYTES = 1024 * 1024  # the largest piece read_range yields and append writes at once
_KEY = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*(\.[a-z0-9]+)?$")
_FOLDER = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")
_SUFFIX = re.compile(r"^(\.[a-z0-9]{1,10})?$")


class StorageOffsetMismatch(Exception):
    """An append at an offset other than the stored size (a resumed upload out of step)."""

    def __init__(self, expected: int, offset: int) -> None:
        super().__init__(f"offset {offset} does not match the stored size {expected}")
        self.expected = expected
        self.offset = offset


class Storage(Protocol):
    def append(self, key: str, offset: int, chunks: Iterable[bytes]) -> int:
        """Write ``chunks`` at ``offset``, which must equal the stored size (0 for a new key),
        else raise StorageOffsetMismatch; return the new size. Bytes received before the
        chunks' iterator fails are kept."""
        ...

    def size(self, key: str) -> int | None:
        """The stored size in bytes; None when nothing is stored under ``key``."""
        ...

    def put_file(self, key: str, path: Path) -> None:
        """Store a local file under ``key``, replacing what was there."""
        ...

    def fetch_to(self, key: str, path: Path) -> None:
        """Copy the bytes under ``key`` into the local file ``path`` (FileNotFoundError when
        there are none)."""
        ...

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``start`` up to ``end`` (exclusive) in chunks of at most 1 MiB
        (FileNotFoundError when nothing is stored)."""
        ...

    def delete(self, key: str) -> None:
        """Remove what is stored under ``key``; nothing stored is no error."""
        ...


def new_key(folder: str, suffix: str) -> str:
    """A fresh random key ``folder/<32 hex><suffix>`` (suffix like ``.mp4`` or empty)."""
    if not _FOLDER.match(folder) or not _SUFFIX.match(suffix):
        raise ValueError(f"bad storage folder or suffix: {folder!r} {suffix!r}")
    return f"{folder}/{secrets.token_hex(16)}{suffix}"


def check_key(key: str) -> str:
    """A key made by ``new_key`` (no ``..``, no absolute path, nothing a user typed)."""
    if not isinstance(key, str) or len(key) > 200 or not _KEY.match(key):
        raise ValueError(f"bad storage key: {key!r}")
    return key


def _bounded(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks split into pieces of at most CHUNK_BYTES."""
    for chunk in chunks:
        view = memoryview(chunk)
        for start in range(0, len(view), CHUNK_BYTES):
            yield view[start : start + CHUNK_BYTES]


class _FileRange:
    """Bytes ``start``..``end`` of an open file in pieces; closes the file when done or when
    closed unread (a HEAD request, a client gone), which a generator would not."""

    def __init__(self, file, start: int, end: int) -> None:
        self.file = file
        self.remaining = max(0, end - start)
        file.seek(start)

    def __iter__(self) -> _FileRange:
        return self

    def __next__(self) -> bytes:
        if self.remaining <= 0 or self.file.closed:
            self.close()
            raise StopIteration
        piece = self.file.read(min(CHUNK_BYTES, self.remaining))
        if not piece:
            self.close()
            raise StopIteration
        self.remaining -= len(piece)
        return piece

    def close(self) -> None:
        self.file.close()


class LocalStorage:
    """Files under one folder; an append locks its file so two appends never interleave."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def append(self, key: str, offset: int, chunks: Iterable[bytes]) -> int:
        path = self.path(key)
        if offset == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
        else:
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                raise StorageOffsetMismatch(0, offset) from None
        with os.fdopen(fd, "r+b") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                stored = os.fstat(file.fileno()).st_size
                if offset != stored:
                    raise StorageOffsetMismatch(stored, offset)
                file.seek(offset)
                try:
                    for piece in _bounded(chunks):
                        file.write(piece)
                finally:
                    file.flush()
                    os.fsync(file.fileno())
                return file.tell()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def put_file(self, key: str, path: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as source:
                shutil.copyfileobj(source, out, CHUNK_BYTES)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def fetch_to(self, key: str, path: Path) -> None:
        shutil.copyfile(self.path(key), path)

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        return _FileRange(open(self.path(key), "rb"), start, end)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, moto): see the module's docstring for the parts."""

    def __init__(self, client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    @staticmethod
    def _parts_prefix(key: str) -> str:
        return check_key(key) + ".parts/"

    def _parts(self, key: str) -> list[tuple[int, str, int]]:
        """(offset, object key, size) of the key's parts, in order."""
        prefix = self._parts_prefix(key)
        parts = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", ()):
                parts.append((int(item["Key"][len(prefix) :]), item["Key"], item["Size"]))
        parts.sort()
        return parts

    def _plain_size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=check_key(key))["ContentLength"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def append(self, key: str, offset: int, chunks: Iterable[bytes]) -> int:
        stored = self.size(key) or 0
        if offset != stored:
            raise StorageOffsetMismatch(stored, offset)
        if self._plain_size(key) is not None:
            raise ValueError(f"{key!r} was stored whole; it cannot be appended to")
        # The chunks go to a temporary file first (S3 needs the length up front); what arrived
        # before a broken stream is stored all the same, as tus expects.
        with tempfile.TemporaryFile() as buffer:
            failure: BaseException | None = None
            try:
                for piece in _bounded(chunks):
                    buffer.write(piece)
            except BaseException as error:
                failure = error
            length = buffer.tell()
            if length:
                buffer.seek(0)
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=f"{self._parts_prefix(key)}{offset:015d}",
                    Body=buffer,
                    ContentLength=length,
                )
            if failure is not None:
                raise failure
        return offset + length

    def size(self, key: str) -> int | None:
        plain = self._plain_size(key)
        if plain is not None:
            return plain
        parts = self._parts(key)
        return sum(size for _offset, _key, size in parts) if parts else None

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, check_key(key))

    def fetch_to(self, key: str, path: Path) -> None:
        if self._plain_size(key) is not None:
            self.client.download_file(self.bucket, key, str(path))
            return
        parts = self._parts(key)
        if not parts:
            raise FileNotFoundError(errno.ENOENT, "nothing stored", key)
        with open(path, "wb") as out:
            for _offset, part_key, _size in parts:
                body = self.client.get_object(Bucket=self.bucket, Key=part_key)["Body"]
                try:
                    for piece in body.iter_chunks(CHUNK_BYTES):
                        out.write(piece)
                finally:
                    body.close()

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        if self._plain_size(key) is not None:
            spans = [(check_key(key), start, end)]
        else:
            parts = self._parts(key)
            if not parts:
                raise FileNotFoundError(errno.ENOENT, "nothing stored", key)
            spans = [
                (part_key, max(start, offset) - offset, min(end, offset + size) - offset)
                for offset, part_key, size in parts
                if offset < end and offset + size > start
            ]
        return self._read(spans)

    def _read(self, spans: list[tuple[str, int, int]]) -> Iterator[bytes]:
        for object_key, start, end in spans:
            if end <= start:
                continue
            body = self.client.get_object(
                Bucket=self.bucket, Key=object_key, Range=f"bytes={start}-{end - 1}"
            )["Body"]
            try:
                yield from body.iter_chunks(CHUNK_BYTES)
            finally:
                body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
        for _offset, part_key, _size in self._parts(key):
            self.client.delete_object(Bucket=self.bucket, Key=part_key)


def storage_for(config) -> Storage:
    """The store the configuration names: MEDIA_STORAGE "local" (MEDIA_STORAGE_PATH, else the
    instance folder's media/) or "s3" (MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT_URL, MEDIA_S3_REGION;
    credentials from the environment, as boto3 reads them)."""
    kind = config.get("MEDIA_STORAGE") or "local"
    if kind == "local":
        return LocalStorage(Path(config["MEDIA_STORAGE_PATH"]))
    if kind == "s3":
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=config.get("MEDIA_S3_ENDPOINT_URL") or None,
            region_name=config.get("MEDIA_S3_REGION") or None,
        )
        return S3Storage(client, config["MEDIA_S3_BUCKET"])
    raise ValueError(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}")


def get_storage() -> Storage:
    """The application's store, made once per application."""
    app = current_app._get_current_object()
    storage = app.extensions.get("festival_media_storage")
    if storage is None:
        config = dict(app.config)
        if not config.get("MEDIA_STORAGE_PATH"):
            config["MEDIA_STORAGE_PATH"] = str(Path(app.instance_path) / "media")
        storage = app.extensions["festival_media_storage"] = storage_for(config)
    return storage
