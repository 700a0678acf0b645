"""Intake's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from intake.config import Config
from servicekit.web import create_service_app


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    app, _api = create_service_app(
        "intake", config, test_config=test_config, title="Freelancer Registry — Intake",
        description="Applicants submit their registration and track its status.")
    return app
