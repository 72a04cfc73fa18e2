"""The media tests' stores: local files in the test's own temporary folder, and S3 (moto's
server over HTTP, one per test module)."""

import socket

import pytest

from festival.media.storage import LocalStorage, S3Storage, storage_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint, tmp_path, monkeypatch) -> S3Storage:
    """A store in a bucket of this test's own on moto's server."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"media-{tmp_path.name.lower().replace('_', '-')[-40:]}"
    store = storage_for(
        {
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_BUCKET": bucket,
            "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
            "MEDIA_S3_REGION": "us-east-1",
        }
    )
    assert isinstance(store, S3Storage)
    store.client.create_bucket(Bucket=bucket)
    return store


@pytest.fixture
def install_storage(app):
    """Makes a store the app's media store for this test."""

    def install(store):
        app.extensions["festival_media_storage"] = store
        return store

    yield install
    app.extensions.pop("festival_media_storage", None)


@pytest.fixture
def storage(install_storage, tmp_path):
    """The app's media store for this test, in its temporary folder (test_storage_a.py and
    test_serving_a.py hold their own, over local disk and S3)."""
    return install_storage(LocalStorage(tmp_path / "media"))
