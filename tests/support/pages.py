"""Every page a browser journey visits is audited: axe-core (the npm package `make install` puts in
libs/designkit/assets/node_modules) finds no serious or critical accessibility violation in it, at a
phone's width (375 px) and a desktop's (1280 px), and a screenshot of each width is kept in
reports/screenshots/ (the test report folder) for people to look at.

`PageAudit.check(page, name)` does it for the page the browser shows now; the journeys call it after
each step that lands on a new page."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "libs" / "designkit" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "reports" / "screenshots"
WIDTHS = (375, 1280)
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one main, headings in order).
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


class AccessibilityViolations(AssertionError):
    pass


def violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now (the script is evaluated in
    the page through the DevTools protocol, which the pages' strict Content-Security-Policy allows)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", RULE_TAGS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(found: list[dict]) -> str:
    return json.dumps([{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                        "nodes": [n["target"] for n in v["nodes"][:5]]} for v in found], indent=1, ensure_ascii=False)


class PageAudit:
    """Checks and photographs pages for one test; `prefix` names its screenshots."""

    def __init__(self, prefix: str):
        self.prefix = re.sub(r"[^a-z0-9-]+", "-", prefix.lower()).strip("-")
        self.files: list[Path] = []

    def check(self, page, name: str) -> None:
        page.wait_for_load_state()
        viewport = page.viewport_size or {"width": 1280, "height": 900}
        language = page.get_attribute("html", "lang") or "xx"
        failures = {}
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            found = violations(page)
            if found:
                failures[width] = found
            path = SCREENSHOTS / f"{self.prefix}--{name}--{language}--{width}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
            self.files.append(path)
        page.set_viewport_size(viewport)
        if failures:
            raise AccessibilityViolations(f"{name} ({page.url}, lang={language}): " + "; ".join(
                f"at {width}px: {describe(found)}" for width, found in failures.items()))
