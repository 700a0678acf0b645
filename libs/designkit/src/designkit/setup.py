"""`install_design`: what a service's Flask app needs to render its pages in the design system."""
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_babel import Babel, get_locale
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from designkit import assets, formatting, forms, languages
from domainkit import reasons

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TIMEZONE = "Asia/Karachi"


def install_design(app: Flask, *, translations: Path, assets_prefix: str = "/assets", home_endpoint: str,
                   service_name: str) -> None:
    """Make `app`'s templates able to extend `designkit/layout.html` and use GOV.UK Frontend's macros.

    translations: the service's own catalogue folder (merged with designkit's, which holds the layout's
      strings); assets_prefix: where this app serves the stylesheets and fonts (the console keeps its
      pages under /console, so it serves them at /console/assets); home_endpoint: where the masthead
      links; service_name: a msgid, translated per page, shown in the service navigation.
    """
    app.jinja_loader = ChoiceLoader([
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                      "designkit": PackageLoader("designkit", "templates/designkit")}),
    ])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{translations};{TRANSLATIONS}"
    Babel(app, locale_selector=lambda: languages.chosen_language(request))
    app.register_blueprint(assets.assets_blueprint(assets_prefix))
    app.after_request(lambda response: languages.remember_choice(request, response))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(day=formatting.day, moment=formatting.moment, number=formatting.number,
                                  ltr=formatting.isolated_ltr,
                                  reason=lambda sentence: reasons.localise(str(sentence), str(get_locale())))
    app.jinja_env.globals.update(
        get_locale=get_locale,
        page_direction=lambda: languages.direction_of(str(get_locale())),
        asset_url=lambda filename: assets.asset_url(assets_prefix, filename),
        languages=languages.LANGUAGES,
        switch_language_url=switch_language_url,
        home_endpoint=home_endpoint,
        service_name=service_name,
        error_message=forms.error_message,
        options=forms.options,
        checkbox_items=forms.checkbox_items,
    )


def switch_language_url(code: str) -> str:
    """This page in another language: the same address with `lang=` changed (a GET page), or the
    service's front page for a page that answered a form (its address takes only POST)."""
    if request.method != "GET" or request.endpoint is None:
        return url_for(current_app.jinja_env.globals["home_endpoint"], lang=code)
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for(request.endpoint, **(request.view_args or {}), **args)
