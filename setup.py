"""The build step that `pip install` runs: it compiles the translation catalogs.

Everything else about the package is declared in pyproject.toml. Without this step an
installed copy would serve the English msgids under a Chinese page, so the compiled
catalogs are built at install time, in the checkout (for `pip install -e .`, and for
`flask run` or gunicorn started from the checkout) and into the wheel. A wheel also
carries the templates, static files and migrations, so it runs outside the checkout.
"""

import os
import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = ROOT / "festival" / "translations"
SITE_DIRECTORIES = ("templates", "static", "migrations")


def compile_catalogs() -> None:
    """Compile each messages.po whose .mo is missing or older, replacing the .mo atomically."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(temporary, mo_path)


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogs()
        super().run()
        if not self.editable_mode:
            for name in SITE_DIRECTORIES:
                target = Path(self.build_lib) / "festival" / "_site" / name
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(
                    ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )


setup(cmdclass={"build_py": BuildWithCatalogs})
