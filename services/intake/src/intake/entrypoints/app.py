"""Intake's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from pathlib import Path

from flask import jsonify

from designkit import install_design
from eventkit.mongo import get_database
from intake import vocabulary
from intake.bootstrap import intake_for, load_keys
from intake.config import Config
from intake.entrypoints.api import applications, data_keys, documents, erasure, renewals, skills
from intake.entrypoints.web import pages
from intake.service_layer.cnic_index import CnicIndexRecipeOutdated, require_current_recipe
from servicekit.csrf import install_csrf
from servicekit.rate_limit import Limit, install_rate_limits
from servicekit.web import create_service_app

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    load_keys(config)  # refuse to start without valid keys, naming the missing variable
    app, api = create_service_app(
        "intake", config, test_config=test_config, title="Freelancer Registry — Intake",
        description="Applicants submit their registration and track its status.",
        # Not ready while stored CNIC claims are of an older recipe (the message names the command to run);
        # once current it is remembered, so the check adds no database call (nor wait, in an outage) after that.
        extra_checks={"cnic_index_recipe": lambda: require_current_recipe(intake_for(config).applications)})
    app.config.update(
        SECRET_KEY=config.secret_key or None,
        MAX_CONTENT_LENGTH=3 * config.document_max_bytes + 256 * 1024,  # the form carries up to three documents
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.cookie_secure,
    )
    if not app.config["SECRET_KEY"]:
        raise ValueError("INTAKE_SECRET_KEY is not set (make up writes .local/secrets.env)")
    for blueprint in (applications.blp, documents.blp, renewals.blp, skills.blp, data_keys.blp, erasure.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(pages.bp)
    install_design(app, translations=TRANSLATIONS, home_endpoint="pages.application_form",
                   service_name=vocabulary.SERVICE_NAME)
    install_csrf(app)

    @app.errorhandler(CnicIndexRecipeOutdated)
    def submissions_paused(exc: CnicIndexRecipeOutdated):
        """Until the operator's re-key has run, a duplicate CNIC could slip through: refuse for now (503)."""
        app.logger.error("submission refused: %s", exc)
        response = jsonify({"code": 503, "status": "Service Unavailable",
                            "message": "Applications are paused for maintenance. Try again later."})
        response.status_code = 503
        response.headers["Retry-After"] = "300"
        return response

    install_rate_limits(app, lambda: get_database(config.mongodb_uri, config.mongodb_database), {
        "submit": Limit(config.submit_limit_per_hour, 3600, first_hit_deferred=True),
        "status": Limit(config.status_limit_per_minute, 60, first_hit_deferred=True),
        "sign_in": Limit(config.sign_in_limit_per_hour, 3600),  # exact: each hit is a guess at a code
    })
    return app
