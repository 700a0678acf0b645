"""Directory's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from directory.config import Config
from servicekit.web import create_service_app


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    app, _api = create_service_app(
        "directory", config, test_config=test_config, title="Freelancer Registry — Directory",
        description="Public search of verified freelancers and registration-number verification.")
    return app
