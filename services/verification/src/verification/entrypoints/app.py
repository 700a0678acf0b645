"""Verification's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from pathlib import Path

from designkit import install_design
from eventkit.mongo import get_database
from servicekit.csrf import install_csrf
from servicekit.rate_limit import Limit, install_rate_limits
from servicekit.web import create_service_app
from verification import vocabulary
from verification.bootstrap import check_settings
from verification.config import Config
from verification.entrypoints.api import board_actions, reviewers, reviews
from verification.entrypoints.console import pages


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    check_settings(config)
    if not config.secret_key:
        raise ValueError("VERIFICATION_SECRET_KEY is not set (make up writes .local/secrets.env)")
    app, api = create_service_app(
        "verification", config, test_config=test_config, title="Freelancer Registry — Verification",
        description="Automated identity checks, the reviewers' queue and decisions, and the audit log.")
    app.config.update(SECRET_KEY=config.secret_key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=config.cookie_secure, PERMANENT_SESSION_LIFETIME=8 * 3600)
    api.register_blueprint(reviews.blp)
    api.register_blueprint(reviewers.blp)
    api.register_blueprint(board_actions.blp)
    app.register_blueprint(pages.bp)
    # the console's pages (and their stylesheets, at /console/assets) stay under /console, the staff-only path
    install_design(app, translations=Path(__file__).resolve().parents[1] / "translations",
                   assets_prefix="/console/assets",
                   home_endpoint="console.queue", service_name=vocabulary.SERVICE_NAME)
    install_csrf(app)
    # exact (not first_hit_deferred): every password guess is counted before it is checked
    install_rate_limits(app, lambda: get_database(config.mongodb_uri, config.mongodb_database),
                        {"login": Limit(20, 300)})
    return app
