"""The built stylesheets and fonts (libs/designkit/assets/build.mjs writes them into `static/`),
served by each service from its own origin under a versioned URL: `?v=<content hash>` from the
build's manifest, so browsers may cache them for a year and still see a new build at once."""
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, request, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"
MANIFEST = STATIC / "manifest.json"
YEAR = 365 * 24 * 3600


class AssetsNotBuilt(RuntimeError):
    """The stylesheets have not been built: `make install` builds them."""


@cache
def manifest() -> dict[str, str]:
    """file name -> content hash of every built asset."""
    if not MANIFEST.exists():
        raise AssetsNotBuilt(f"{MANIFEST} is missing: run `make install` (libs/designkit/assets/build.mjs)")
    return json.loads(MANIFEST.read_text())


def assets_blueprint(url_prefix: str) -> Blueprint:
    """Serves the built assets at `url_prefix`/<file>; only the files the build's manifest lists."""
    bp = Blueprint("design", __name__, url_prefix=url_prefix)

    @bp.get("/<path:filename>")
    def asset(filename: str):
        version = manifest().get(filename)
        if version is None:
            abort(404)
        cached = request.args.get("v") == version
        response = send_from_directory(STATIC, filename, max_age=YEAR if cached else 300)
        if cached:
            response.cache_control.immutable = True
        return response

    return bp


def asset_url(prefix: str, filename: str) -> str:
    """The versioned URL of a built asset, e.g. /assets/registry.css?v=3f2a…"""
    return f"{prefix.rstrip('/')}/{filename}?v={manifest()[filename]}"
