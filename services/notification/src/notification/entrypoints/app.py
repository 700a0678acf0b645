"""Notification's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from notification.bootstrap import check_settings
from notification.config import Config
from notification.entrypoints.api import operators
from servicekit.web import create_service_app


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    check_settings(config)
    app, api = create_service_app(
        "notification", config, test_config=test_config, title="Freelancer Registry — Notification",
        description="Email and SMS to applicants, and the log of every delivery.")
    api.register_blueprint(operators.blp)
    return app
