"""The audit log's labels and change descriptions: pure, no database."""

import re
from pathlib import Path

from festival.audit import labels
from festival.imports.columns import KINDS as IMPORT_KINDS

PACKAGE = Path(__file__).resolve().parents[2] / "festival"


def recorded_actions() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "bench":  # argparse's action="store_true" is not an audit action
            continue
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\baction="([a-z_]+)"', source))
        if 'action=f"import_{kind}"' in source:
            found |= {f"import_{kind}" for kind in IMPORT_KINDS}
    return found


def test_every_action_the_code_records_has_a_label():
    actions = recorded_actions()
    assert len(actions) > 30
    assert actions - set(labels.ACTIONS) == set()


def test_every_kind_of_change_names_known_actions():
    for _label, actions in labels.KINDS.values():
        assert set(actions) <= set(labels.ACTIONS)


def test_listed_values_take_chinese_punctuation_in_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert (
            labels.describe_changes(
                "close_round", "round", {"advanced": [3, 5, 8]}, zone="Asia/Shanghai"
            )[0][1]
            == "#3、#5和#8"
        )


def test_a_filter_value_is_a_kind_or_one_action():
    assert labels.actions_of_kind("scores") == (
        "save_scores",
        "declare_conflict",
        "confirm_score",
        "reopen_score",
    )
    assert labels.actions_of_kind("close_round") == ("close_round",)


def test_changed_fields_read_old_to_new_and_facts_read_as_values(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        described = labels.describe_changes(
            "save_scores",
            "round",
            {"program_id": 7, "艺术表现": [None, "9.50"]},
            zone="Asia/Shanghai",
        )
        assert described == [("Program", "#7"), ("艺术表现", "— → 9.50")]
        assert labels.describe_changes(
            "close_round", "round", {"advanced": [3, 5]}, zone="Asia/Shanghai"
        ) == [("Advanced", "#3 and #5")]
        assert labels.describe_changes(
            "allocate_awards",
            "festival",
            {"round_id": 2, "awards": [["first", 3]]},
            zone="Asia/Shanghai",
        ) == [("Round", "#2"), ("Awards", "First prize #3")]
        # Moments read as the wall time of the zone; codes as their labels.
        assert labels.describe_changes(
            "update_festival",
            "festival",
            {"submission_deadline": ["2026-04-20T16:00:00+00:00", "2026-04-21T16:00:00+00:00"]},
            zone="Asia/Shanghai",
        ) == [("Submission deadline", "April 21, 2026 00:00 → April 22, 2026 00:00")]
        assert labels.describe_changes(
            "update_festival",
            "festival",
            {"starts_on": ["2026-05-01", "2026-05-02"]},
            zone="Asia/Shanghai",
        ) == [("First day", "May 1, 2026 → May 2, 2026")]
        assert labels.describe_changes(
            "update_troupe", "troupe", {"kind": ["troupe", "team"]}, zone="Asia/Shanghai"
        ) == [("Kind", "Troupe → Team")]
        assert labels.describe_changes(
            "submit_program", "program", {"late": True}, zone="Asia/Shanghai"
        ) == [("Late", "yes")]


def test_long_values_are_shortened_on_the_page_and_kept_whole_in_exports(app):
    long = "长" * 200
    with app.test_request_context(headers={"Accept-Language": "en"}):
        ((_, short),) = labels.describe_changes(
            "create_festival", "festival", {"name": long}, zone="Asia/Shanghai"
        )
        assert len(short) == labels.SHORT and short.endswith("…")
        assert (
            labels.changes_text("create_festival", "festival", {"name": long}, zone="Asia/Shanghai")
            == f"Name: {long}"
        )


def test_unknown_codes_show_as_stored():
    assert labels.action_label("frobnicate") == "frobnicate"
    assert labels.entity_label("widget") == "widget"
