"""Words that reach the pages and messages from domainkit's data, not from code: skill names and groups, provinces,
document kinds."""
from functools import cache

from domainkit.documents import LABELS as DOCUMENT_LABELS
from domainkit.geography import PROVINCES
from domainkit.skills import SKILLS


def terms() -> list[str]:
    return [*(skill.name for skill in SKILLS), *sorted({skill.category for skill in SKILLS}), *PROVINCES, "Other",
            *DOCUMENT_LABELS.values()]


@cache
def _catalogue(language: str):
    from babel.support import Translations

    from designkit.setup import TRANSLATIONS
    return Translations.load(str(TRANSLATIONS), [language])


def translated_term(term: str, language: str) -> str:
    """A domain word (a skill, a province) in `language`, outside a page (an email, an SMS): from designkit's
    compiled catalogue, the same words the pages show; the English word when none is compiled."""
    return term if language == "en" else _catalogue(language).gettext(term)
