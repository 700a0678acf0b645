"""Verification's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from servicekit.web import create_service_app
from verification.config import Config


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    app, _api = create_service_app(
        "verification", config, test_config=test_config, title="Freelancer Registry — Verification",
        description="Automated identity checks, the reviewers' queue and decisions.")
    return app
