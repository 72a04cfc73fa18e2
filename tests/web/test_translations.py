"""The catalogs: every string in the code is in the Chinese catalog, and translated."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "festival/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def message_key(message) -> str:
    """A plural message's id is (singular, plural); the singular names it."""
    return message.id if isinstance(message.id, str) else message.id[0]


def extracted_messages(tmp_path) -> set[str]:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_ngettext:1,2",
            "--ignore-dirs=.* __pycache__",
            "--no-location",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        return {message_key(message) for message in read_po(handle) if message.id}


def test_every_string_of_the_code_is_in_the_chinese_catalog(tmp_path):
    with CATALOG.open("rb") as handle:
        catalog = {message_key(message) for message in read_po(handle) if message.id}
    missing = extracted_messages(tmp_path) - catalog
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"


def test_every_chinese_message_is_translated_and_not_fuzzy():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message_key(m)
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"translate in {CATALOG.name}: {untranslated}"
