"""Accessibility checks for the page shown in the test browser: axe-core (every serious or
critical violation fails, listed so that a person can act on it: rule, impact, what to do,
which elements), plus what axe does not measure and these users need: a body text of at
least 18px, click targets of at least 44px, no sideways scrolling of the whole page on a
phone, and unique ids (a label's ``for`` finds only the first element of an id; hidden
inputs such as CSRF tokens are not labelled).

axe is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, see its README) and only ever
injected by the tests; the app never serves it."""

from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
MIN_FONT_PX = 18
MIN_TARGET_PX = 44
MIN_TICK_PX = 24  # a checkbox or radio button: its label, a whole row of 44px, is clickable too

# Starts axe and the measurements in the page and keeps their promise, so that the caller can
# do something else meanwhile (take the screenshot); only what a report needs crosses back.
START_CHECKS = """([minTarget, minTick]) => {
  const describe = (el) => {
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes +
      (name ? ' "' + name + '"' : '');
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== 'hidden';
  };
  // Targets are the controls a finger or a shaky mouse has to hit; links inside running text
  // are exempt (WCAG 2.5.8), links standing alone in the header are not.
  const small = [];
  const controls = document.querySelectorAll(
    'button, a.button, input:not([type=hidden]), select, textarea, summary, ' +
    '.site-nav a, .header-tools a, .pager a, .filters a, .calendar-views a, .calendar-step');
  for (const el of controls) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    const least = el.matches('input[type=checkbox], input[type=radio]') ? minTick : minTarget;
    if (box.height < least - 0.5 || box.width < least - 0.5) {
      small.push(`${describe(el)}: ${Math.round(box.width)}×${Math.round(box.height)}px`);
    }
  }
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  }
  const measured = {
    // A page wider than the screen makes the reader scroll sideways for every line (WCAG
    // 1.4.10); wide tables scroll in their own boxes instead.
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    lang: document.documentElement.lang,
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
    small,
    duplicateIds: [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`),
  };
  window.__accessibilityChecks = axe.run(document, {resultTypes: ['violations']}).then(
    (results) => ({...measured, violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html,
                                summary: n.failureSummary || ''})),
    }))}));
}"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def start_checks(page) -> None:
    """Start checking the current page; ``finish_checks`` collects the answer."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not page.add_script_tag(): the app's Content-Security-Policy refuses inline
        # scripts, rightly, and pages are checked under their real policy. Playwright's
        # evaluate is not subject to it.
        page.evaluate(axe_source())
    page.evaluate(START_CHECKS, [MIN_TARGET_PX, MIN_TICK_PX])


def describe_violations(violations: list[dict], where: str) -> str:
    lines = [f"axe found {len(violations)} serious or critical violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(node['target'])}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def finish_checks(page, *, lang: str | None = None, impacts=BLOCKING_IMPACTS) -> list[str]:
    """Everything wrong with the page's accessibility, as sentences; empty if none."""
    measured = page.evaluate("() => window.__accessibilityChecks")
    problems = []
    violations = [v for v in measured["violations"] if v["impact"] in impacts]
    if violations:
        problems.append(describe_violations(violations, page.url))
    if lang is not None and measured["lang"] != lang:
        problems.append(f'<html lang="{measured["lang"]}">, expected "{lang}"')
    if measured["overflow"] > 0:
        problems.append(
            f"the page is {measured['overflow']}px wider than the window: it scrolls sideways"
        )
    if measured["fontSize"] < MIN_FONT_PX:
        problems.append(f"body text is {measured['fontSize']}px, under {MIN_FONT_PX}px")
    if measured["small"]:
        problems.append(
            "click targets under 44px (24px for a tick box): " + "; ".join(measured["small"])
        )
    if measured["duplicateIds"]:
        problems.append("duplicate ids: " + ", ".join(measured["duplicateIds"]))
    return problems


def page_problems(page, *, lang: str | None = None) -> list[str]:
    """Everything wrong with the current page's accessibility, as sentences; empty if none."""
    start_checks(page)
    return finish_checks(page, lang=lang)


def assert_accessible(page, *, lang: str | None = None, where: str | None = None) -> None:
    """Fail with a readable list when the current page has any of ``page_problems``."""
    problems = page_problems(page, lang=lang)
    assert not problems, f"{where or page.url}:\n" + "\n".join(problems)


# The focused element's ring and what it is drawn on: the first opaque background around it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let around = el.parentElement, background = 'rgb(255, 255, 255)';
  while (around) {
    const color = getComputedStyle(around).backgroundColor;
    if (color && color !== 'transparent' && !color.startsWith('rgba(0, 0, 0, 0')) {
      background = color; break;
    }
    around = around.parentElement;
  }
  return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, background};
}"""


def _luminance(css_color: str) -> float:
    red, green, blue = (
        int(part) / 255 for part in css_color[css_color.index("(") + 1 :].rstrip(")").split(",")[:3]
    )
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_focus_ring_after_tabs(page, tabs: int) -> dict:
    """Press Tab ``tabs`` times from the top of the page: the focused element shows a ring at
    least 3px wide in a colour of at least 3:1 against what surrounds it (WCAG 2.4.7, 1.4.11)."""
    for _ in range(tabs):
        page.keyboard.press("Tab")
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 3, ring
    assert contrast_ratio(ring["color"], ring["background"]) >= 3, ring
    return ring
