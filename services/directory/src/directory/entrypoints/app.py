"""Directory's web app: `create_app()` is what gunicorn serves (deploy/gunicorn.conf.py)."""
import os
from pathlib import Path

from designkit import install_design
from directory import vocabulary
from directory.bootstrap import decision_log_for, directory_for
from directory.config import Config
from directory.entrypoints.api import open_data, partners, public, search, webhooks
from directory.entrypoints.search_feed import SearchFeed
from directory.entrypoints.web import pages
from eventkit.mongo import get_database
from servicekit.rate_limit import Limit, install_rate_limits
from servicekit.web import create_service_app


def create_app(test_config: dict | None = None):
    config = Config.from_env(**(test_config or {}).get("SETTINGS", {}))
    feed = SearchFeed(config.decisions_topic, lambda: directory_for(config).listings,
                      lambda: decision_log_for(config, f"directory-search-{os.getpid()}"))

    def search_ready():
        if not feed.caught_up.is_set():
            raise RuntimeError("the search index is still loading (listings, then verification.events from their positions)")

    app, api = create_service_app(
        "directory", config, test_config=test_config, title="Freelancer Registry — Directory",
        description="Public search of verified freelancers and registration-number verification.",
        extra_checks={"search_index": search_ready})
    app.extensions["directory"] = lambda: directory_for(config)  # built on first use, after the fork
    app.extensions["search_feed"] = feed
    if test_config is None and config.web_preload:
        # gunicorn's master builds the app (preload_app): load the index here, once; each worker forked
        # from it starts following the topic from the loaded positions (deploy/gunicorn.conf.py's hook)
        feed.load_before_fork()
        app.extensions["in_each_worker"] = [feed.start]
    elif test_config is None:
        feed.start()  # in the serving process: gunicorn builds the app after forking
    api.register_blueprint(public.blp)
    api.register_blueprint(search.blp)
    api.register_blueprint(partners.blp)
    api.register_blueprint(webhooks.blp)
    api.register_blueprint(open_data.blp)
    app.register_blueprint(pages.bp)
    install_design(app, translations=Path(__file__).resolve().parents[1] / "translations",
                   home_endpoint="pages.search_page", service_name=vocabulary.SERVICE_NAME)
    install_rate_limits(app, lambda: get_database(config.mongodb_uri, config.mongodb_database),
                        {"verify": Limit(config.verify_limit_per_minute, 60, first_hit_deferred=True)})
    return app
