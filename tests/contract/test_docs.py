"""docs/ says what the code does: every event type the services name is documented, and every
section of docs/architecture.md that a comment points to exists."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENT_NAME = re.compile(r"""["'](Application|Document|Notification|Registration)([A-Z][a-z]+)+["']""")


def sources() -> list[Path]:
    return sorted(ROOT.glob("libs/*/src/**/*.py")) + sorted(ROOT.glob("services/*/src/**/*.py"))


def test_every_event_type_the_code_names_is_documented():
    events_md = (ROOT / "docs/events.md").read_text()
    texts = [path.read_text() for path in sources()]
    classes = {name for text in texts for name in re.findall(r"^\s*class (\w+)", text, re.M)}
    named = {m.group(0).strip("\"'") for text in texts for m in EVENT_NAME.finditer(text)} - classes
    assert {"ApplicationSubmitted", "ApplicationApproved", "NotificationSent"} <= named
    undocumented = sorted(name for name in named if f"`{name}`" not in events_md)
    assert not undocumented, f"docs/events.md does not describe {undocumented}"


def test_every_topic_is_documented():
    from eventkit import topics

    events_md = (ROOT / "docs/events.md").read_text()
    for topic in topics.ALL:
        assert f"`{topic}`" in events_md
    assert "`deadletter.<group>`" in events_md


def test_sections_pointed_to_exist():
    headings = set(re.findall(r"^## (.+)$", (ROOT / "docs/architecture.md").read_text(), re.M))
    pointers = set()
    for path in [*sources(), *ROOT.glob("deploy/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        pointers |= {(m.group(1), path.name) for m in re.finditer(r'docs/architecture\.md, "([^"]+)"', path.read_text())}
    missing = sorted((section, name) for section, name in pointers if section not in headings)
    assert not missing, f"docs/architecture.md lacks the sections {missing}"
