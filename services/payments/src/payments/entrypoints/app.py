"""Payments' web app, the bill aggregator's API: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
from payments.bootstrap import load_settings
from payments.config import Config
from payments.entrypoints.api import aggregator
from payments.entrypoints.auth import EXTENSION, AggregatorKeys
from servicekit.web import create_service_app


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    load_settings(config)  # refuse to start on an unusable fee setting, naming it
    keys = AggregatorKeys.parse(config.aggregator_keys)  # and without aggregators (the message names no key)
    app, api = create_service_app(
        "payments", config, test_config=test_config, title="Freelancer Registry — Payments",
        description="The registration fee: bill aggregators (bank apps, branches) ask about a fee voucher "
                    "and report its payment.")
    app.extensions[EXTENSION] = keys
    api.spec.components.security_scheme("aggregatorKey", {
        "type": "http", "scheme": "bearer", "description": "the aggregator's key, as AGGREGATOR_KEYS gives it"})
    api.register_blueprint(aggregator.blp)
    return app
