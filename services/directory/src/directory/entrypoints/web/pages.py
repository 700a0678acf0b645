"""The public pages: search with filters and pages, a profile, verification (the certificate QR's
landing page) and statistics. Server-rendered, no JavaScript, same rules as the API."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from marshmallow import ValidationError

from directory.entrypoints.api import public
from directory.entrypoints.web import labels
from directory.entrypoints.api.search import SearchQuerySchema, run_search, run_stats
from directory.service_layer import queries
from domainkit.benefit import TaxBenefit
from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORM_NAMES
from domainkit.skills import SKILLS, SKILLS_BY_SLUG
from servicekit.rate_limit import rate_limited

bp = Blueprint("pages", __name__, template_folder="templates")


def search_url(query: dict, **changes) -> str:
    """The search page for `query` with `changes` applied (empty values dropped)."""
    merged = {**query, **changes}
    return url_for("pages.search_page", **{k: v for k, v in merged.items() if v})


def term(kind: str, value: str) -> str:
    """A listing's machine value (a skill's slug, a province, a platform) as the page's language names it."""
    if kind == "skill":
        return _(SKILLS_BY_SLUG[value].name) if value in SKILLS_BY_SLUG else value
    if kind == "platform":
        return _(PLATFORM_NAMES[value]) if value == "other" else PLATFORM_NAMES.get(value, value)
    if kind == "province":
        return _(value) if value in PROVINCES else value
    return value


@bp.app_context_processor
def vocabulary():
    return {"skill_choices": [(s.slug, _(s.name)) for s in SKILLS],
            "province_choices": [(p, _(p)) for p in PROVINCES],
            "platform_choices": [(value, term("platform", value)) for value in PLATFORM_NAMES],
            "facet_titles": {"skill": _("Skill"), "province": _("Province or territory"), "platform": _("Platform"),
                             "city": _("City")},
            "term": term,  # a facet's name is the kind of term its values are
            "standing_label": labels.standing_label, "search_url": search_url}


@bp.get("/")
def search_page():
    raw = {k: v for k, v in request.args.items() if v.strip() and k != "lang"}  # lang: the page's language
    try:
        query = SearchQuerySchema().load(raw)
    except ValidationError as exc:
        return render_template("search.html", query=raw, errors=exc.messages, result=None), 422
    result = run_search(query)
    return render_template("search.html", query=raw, errors={}, result=result)


@bp.get("/freelancers/<registration_number>")
def profile_page(registration_number):
    listing = queries.find_listed(public.listings(), registration_number, public.today())
    if listing is None:
        abort(404, _("No listed freelancer has this registration number."))
    return render_template("profile.html", profile=listing)


@bp.get("/verify")
def verify_form():
    number = request.args.get("number", "").strip()
    if number:
        return redirect(url_for("pages.verify_page", registration_number=number))
    return render_template("verify.html", result=None)


@bp.get("/verify/<path:registration_number>")
@rate_limited("verify")
def verify_page(registration_number):
    """The verdict, and for a registration in force what it is worth (the rates from WITHHOLDING_RATE_*), so a bank
    clerk reading it knows what it means."""
    config = current_app.config["SERVICE_CONFIG"]
    benefit = TaxBenefit(config.withholding_rate_registered, config.withholding_rate_standard)
    return render_template("verify.html", benefit=benefit.sentence(str(get_locale())),
                           result=queries.verification_of(public.listings(), registration_number, public.today()))


@bp.get("/stats")
def stats_page():
    stats = run_stats()
    charts = [(_("By province"), {term("province", k): v for k, v in stats["by_province"].items()}),
              (_("By skill"), {term("skill", k): v for k, v in stats["by_skill"].items()}),
              (_("By platform"), {term("platform", k): v for k, v in stats["by_platform"].items()}),
              (_("By city"), stats["by_city"]), (_("Registrations per month"), stats["registrations_per_month"])]
    return render_template("stats.html", stats=stats, charts=[(t, sorted(d.items(), key=lambda kv: -kv[1])[:15]
                                                                if "month" not in t.lower() else sorted(d.items()))
                                                               for t, d in charts])
