"""The media tests' store: local files in the test's own temporary folder."""

import pytest

from festival.media.storage import LocalStorage


@pytest.fixture
def storage(app, tmp_path):
    """The app's media store for this test, in its temporary folder (tests/media/
    test_storage_a.py holds its own, over local disk and S3)."""
    store = LocalStorage(tmp_path / "media")
    app.extensions["festival_media_storage"] = store
    yield store
    app.extensions.pop("festival_media_storage", None)
