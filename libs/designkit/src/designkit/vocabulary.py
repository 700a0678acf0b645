"""Words that reach the pages from domainkit's data, not from code: skill names and groups, provinces."""
from domainkit.geography import PROVINCES
from domainkit.skills import SKILLS


def terms() -> list[str]:
    return [*(skill.name for skill in SKILLS), *sorted({skill.category for skill in SKILLS}), *PROVINCES, "Other"]
