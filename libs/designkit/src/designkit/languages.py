"""Which language a page is shown in: English or Urdu, chosen by `?lang=`, then the `lang` cookie
that remembers an earlier choice, then the browser's Accept-Language, then English."""
from dataclasses import dataclass

from flask import Request, Response

LANGUAGE_COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as a language switch shows it
    direction: str  # "ltr" or "rtl"


LANGUAGES = {"en": Language("en", "English", "ltr"), "ur": Language("ur", "اردو", "rtl")}
DEFAULT_LANGUAGE = "en"


def chosen_language(request: Request) -> str:
    """The language code a request's page is rendered in."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LANGUAGE)


def remember_choice(request: Request, response: Response) -> Response:
    """When the visitor picked a language with `?lang=`, keep it in a cookie for the next pages."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(LANGUAGE_COOKIE, asked, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


def direction_of(code: str) -> str:
    return LANGUAGES.get(code, LANGUAGES[DEFAULT_LANGUAGE]).direction
