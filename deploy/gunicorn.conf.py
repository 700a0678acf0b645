"""gunicorn settings shared by every service's web app (local stack and containers).

    gunicorn -c deploy/gunicorn.conf.py "intake.entrypoints.app:create_app()"

The app is not preloaded unless WEB_PRELOAD=1: each worker imports and builds it after the fork,
so no database or Kafka client ever crosses a fork (docs/architecture.md, "Fork safety").
"""
import os

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 15
keepalive = 5
# WEB_PRELOAD=1 (the directory): the master builds the app once before forking, so work done at start
# (the search index) is done once; such an app builds no client it keeps, and lists what each worker
# must start for itself in app.extensions["in_each_worker"] (run by post_worker_init below).
preload_app = os.environ.get("WEB_PRELOAD", "0") == "1"
accesslog = None  # servicekit logs one JSON line per request, with its correlation id


class WithoutAccessLog(Logger):
    """gunicorn's logger without its access log. servicekit logs one JSON line per request already,
    and because `logconfig_dict` is set, gunicorn would otherwise still build every access line's
    fields (2.7 % of an intake worker's samples under wrk) and then drop them."""
    access_log_enabled = False


logger_class = WithoutAccessLog
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "servicekit.logging.json_formatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {"gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False}},
}


def child_exit(server, worker):
    from servicekit.metrics import mark_process_dead

    mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Start, in each worker, what a preloaded app asked for (threads do not survive a fork)."""
    for start in getattr(worker.wsgi, "extensions", {}).get("in_each_worker", []):
        start()
