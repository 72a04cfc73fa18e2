"""The API fuzz run (Schemathesis): collected only when asked for by path, e.g.
``pytest -q tests/fuzz``; the default run (``pytest`` from the top) leaves it out."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fuzz: Schemathesis against the OpenAPI document (run: pytest -q tests/fuzz)"
    )


def _asked_for(config) -> bool:
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if not _asked_for(config):
        return True
    return None
