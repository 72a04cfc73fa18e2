"""An installed package serves the Chinese interface: the wheel carries the compiled catalogs,
the templates, static files and migrations, and the app refuses to start without a catalog."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from festival import PROJECT_ROOT, create_app
from festival.web.i18n import MissingCatalog

SOURCES = (
    "pyproject.toml",
    "setup.py",
    "README.md",
    "festival",
    "templates",
    "static",
    "migrations",
)

SERVE_FROM_THE_WHEEL = """
import sys
import festival
from festival import create_app

assert festival.__file__.startswith(sys.argv[1]), festival.__file__
app = create_app({"SECRET_KEY": "packaging-test"}, instance_path=sys.argv[2])
page = app.test_client().get("/login")
print(page.status_code)
print(page.get_data(as_text=True))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip install .` would install, built from a copy of the checkout without any
    compiled catalog (as a fresh clone has none)."""
    source = tmp_path_factory.mktemp("checkout")
    for name in SOURCES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(origin, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("festival-*.whl"))


def test_the_wheel_carries_the_compiled_catalog_and_the_site(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "festival/translations/zh_Hans_CN/LC_MESSAGES/messages.mo" in names
    assert "festival/_site/templates/base.html" in names
    assert "festival/_site/static/css/app.css" in names
    assert any(n.startswith("festival/_site/migrations/versions/") for n in names)


def test_an_installed_wheel_migrates_and_serves_chinese_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    instance = tmp_path / "instance"
    environment = {
        "PATH": str(Path(sys.executable).parent),
        "PYTHONPATH": str(site),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'festival.sqlite'}",
        "FESTIVAL_SECRET_KEY": "packaging-test",
    }
    upgrade = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "festival", "db", "upgrade"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "festival.sqlite").stat().st_size > 0

    served = subprocess.run(
        [sys.executable, "-c", SERVE_FROM_THE_WHEEL, str(site), str(instance)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert served.returncode == 0, served.stderr
    status, page = served.stdout.split("\n", 1)
    assert status == "200"
    assert 'lang="zh-CN"' in page
    assert "<title>登录 · 老年文化艺术节</title>" in page


def test_the_app_refuses_to_start_without_the_default_catalog(tmp_path):
    with pytest.raises(MissingCatalog, match="zh_Hans_CN"):
        create_app(
            {"SECRET_KEY": "x", "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)},
            instance_path=str(tmp_path),
        )


def test_an_english_default_needs_no_catalog(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path),
            "BABEL_DEFAULT_LOCALE": "en",
        },
        instance_path=str(tmp_path),
    )
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
