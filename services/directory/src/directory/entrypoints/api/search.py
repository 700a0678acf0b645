"""Searching the directory and its statistics (served from the in-memory index; see search_feed.py)."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import ServiceUnavailable

from directory.domain.search_index import decode_cursor
from directory.entrypoints.api.public import ProfileSchema, today
from directory.service_layer import queries
from domainkit.geography import PROVINCES
from domainkit.platforms import PLATFORMS
from domainkit.skills import SKILLS_BY_SLUG

blp = Blueprint("search", __name__, url_prefix="/api/v1", description="Search verified freelancers")
MAX_LIMIT = 50


class SearchQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    q = fields.String(load_default="", validate=validate.Length(max=100))
    skill = fields.String(load_default=None, validate=validate.OneOf(list(SKILLS_BY_SLUG)))
    province = fields.String(load_default=None, validate=validate.OneOf(PROVINCES))
    city = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    platform = fields.String(load_default=None, validate=validate.OneOf(PLATFORMS))
    include_expired = fields.Boolean(load_default=False, metadata={
        "description": "also registrations whose validity ended (left out by default)"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=[validate.Length(max=300), lambda c: _is_cursor(c)])


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(ProfileSchema))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer()
    facets = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))


class StatsSchema(Schema):
    listed = fields.Integer()
    by_province = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_city = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_skill = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_platform = fields.Dict(keys=fields.String(), values=fields.Integer())
    registrations_per_month = fields.Dict(keys=fields.String(), values=fields.Integer())


def _is_cursor(value: str) -> None:
    try:
        decode_cursor(value)
    except ValueError:
        raise ValidationError("Not a cursor from a previous page.") from None


def ready(query):
    """Run a service-layer query against this process's search feed; 503 while it loads."""
    try:
        return query(current_app.extensions["search_feed"])
    except queries.NotReady:
        raise ServiceUnavailable("The directory is still loading; try again in a few seconds.") from None


@blp.route("/freelancers")
@blp.arguments(SearchQuerySchema(), location="query", unknown=RAISE)
@blp.response(200, SearchResultSchema)
@blp.alt_response(503, description="The index is still loading")
def search(query):
    """Listed, verified freelancers: `q` matches word beginnings of name, headline and skills (any case,
    accents and Urdu spellings); filters combine; results in name order, `cursor` for the next page."""
    return run_search(query)


def run_search(query: dict) -> dict:
    """A validated SearchQuerySchema query against this process's index (the API and the search page)."""
    return ready(lambda feed: queries.search(feed, query, today()))


def run_stats() -> dict:
    return ready(queries.stats)


@blp.route("/stats")
@blp.response(200, StatsSchema)
def stats():
    """Listed freelancers by province, city, skill and platform, and registrations per month."""
    return run_stats()
