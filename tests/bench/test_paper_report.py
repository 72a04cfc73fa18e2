"""The benchmark's certificates batch: reported in the JSON and judged against its target."""

import json

from bench.run import PAPER_LIMIT_MB, PAPER_LIMIT_SECONDS, render, targets
from tests.bench.test_report import report

PAPER = {
    "certificates": 500,
    "pages": 500,
    "seconds": 23.7,
    "baseline_mb": 134.5,
    "peak_mb": 192.8,
    "growth_mb": 58.2,
    "size_mb": 1.99,
}


def paper_target(built: dict) -> tuple[str, bool | None, str]:
    return next(item for item in targets(built, 100, 10_000) if "certificates" in item[0])


def test_the_batch_is_reported_and_judged():
    built = report(certificates_batch=PAPER)
    assert json.loads(render(built))["certificates_batch"] == PAPER
    name, holds, figures = paper_target(built)
    assert holds is True and "500 pages in 23.7 s, peak 192.8 MB" in figures
    slow = {**PAPER, "seconds": PAPER_LIMIT_SECONDS + 1}
    assert paper_target(report(certificates_batch=slow))[1] is False
    heavy = {**PAPER, "peak_mb": PAPER_LIMIT_MB + 1}
    assert paper_target(report(certificates_batch=heavy))[1] is False
    assert paper_target(report(certificates_batch=None))[1] is None
