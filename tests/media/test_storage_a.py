"""The storage contract, held by both stores: local disk and S3 (moto's server over HTTP)."""

import pytest

from festival.media.storage import (
    CHUNK_BYTES,
    LocalStorage,
    StorageOffsetMismatch,
    check_key,
    new_key,
)


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    return request.getfixturevalue("s3_storage")


def _joined(chunks) -> bytes:
    pieces = list(chunks)
    assert all(len(piece) <= CHUNK_BYTES for piece in pieces)
    return b"".join(pieces)


def test_append_in_steps_reads_back_every_range(storage):
    key = new_key("uploads", "")
    data = bytes(range(256)) * 9000  # 2.3 MB: reads span several 1 MiB pieces
    assert storage.size(key) is None
    assert storage.append(key, 0, [data[:1000], data[1000:5000]]) == 5000
    assert storage.append(key, 5000, [data[5000:]]) == len(data)
    assert storage.size(key) == len(data)
    assert _joined(storage.read_range(key, 0, len(data))) == data
    assert _joined(storage.read_range(key, 999, 5001)) == data[999:5001]  # across two appends
    assert _joined(storage.read_range(key, len(data) - 3, len(data))) == data[-3:]


def test_append_at_a_wrong_offset_is_refused_and_changes_nothing(storage):
    key = new_key("uploads", "")
    storage.append(key, 0, [b"hello"])
    with pytest.raises(StorageOffsetMismatch) as refused:
        storage.append(key, 3, [b"xx"])
    assert refused.value.expected == 5
    fresh = new_key("uploads", "")
    with pytest.raises(StorageOffsetMismatch):
        storage.append(fresh, 1, [b"x"])
    assert storage.size(fresh) is None
    assert _joined(storage.read_range(key, 0, 5)) == b"hello"


def test_bytes_before_a_broken_stream_are_kept(storage):
    key = new_key("uploads", "")

    def broken():
        yield b"abc"
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        storage.append(key, 0, broken())
    assert storage.size(key) == 3
    assert storage.append(key, 3, [b"def"]) == 6
    assert _joined(storage.read_range(key, 0, 6)) == b"abcdef"


def test_put_fetch_and_delete(storage, tmp_path):
    source = tmp_path / "poster.jpg"
    source.write_bytes(b"\xff\xd8" + b"j" * 3000)
    key = new_key("media/posters", ".jpg")
    storage.put_file(key, source)
    assert storage.size(key) == 3002
    assert _joined(storage.read_range(key, 1, 4)) == b"\xd8jj"
    copy = tmp_path / "copy.jpg"
    storage.fetch_to(key, copy)
    assert copy.read_bytes() == source.read_bytes()

    appended = new_key("uploads", "")
    storage.append(appended, 0, [b"one "])
    storage.append(appended, 4, [b"two"])
    storage.fetch_to(appended, tmp_path / "joined")
    assert (tmp_path / "joined").read_bytes() == b"one two"

    storage.delete(key)
    storage.delete(appended)
    storage.delete(appended)  # nothing stored is no error
    assert storage.size(key) is None and storage.size(appended) is None
    with pytest.raises(FileNotFoundError):
        storage.fetch_to(key, tmp_path / "gone")
    with pytest.raises(FileNotFoundError):
        _joined(storage.read_range(appended, 0, 1))


def test_keys_are_the_apps_own_names():
    key = new_key("media/videos", ".mp4")
    assert check_key(key) == key and key.startswith("media/videos/") and key.endswith(".mp4")
    assert new_key("uploads", "") != new_key("uploads", "")
    for bad in ("../etc/passwd", "/abs/path", "a/../b", "media/名字.mp4", "a//b", ""):
        with pytest.raises(ValueError):
            check_key(bad)
    with pytest.raises(ValueError):
        new_key("../x", ".mp4")
    with pytest.raises(ValueError):
        LocalStorage("/tmp").size("../../etc/passwd")
