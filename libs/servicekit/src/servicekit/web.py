"""The base every service's Flask app is built on.

`create_service_app` gives an app with OpenAPI at /openapi.json, the operational
endpoints (/healthz, /readyz, /metrics), a correlation id on every request and response,
a JSON log line per request, request metrics, and one JSON error format:
`{"code": 404, "status": "Not Found", "message": "...", "errors": {field: [msg]}}`, errors only where
a field is at fault: the shape of flask-smorest's ErrorSchema, so responses match the OpenAPI documents.
"""
import logging
import time

from flask import Flask, Response, g, jsonify, request
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from pymongo.errors import ConnectionFailure
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from eventkit.correlation import current_correlation_id, reset_correlation_id, set_correlation_id
from servicekit.config import BaseConfig
from servicekit.logging import configure_logging
from servicekit.metrics import HTTP_LATENCY, HTTP_REQUESTS, exposition
from servicekit.readiness import check_kafka, check_mongodb
from servicekit.requests import refuse_unstorable_json

log = logging.getLogger("servicekit.requests")
CORRELATION_HEADER = "X-Correlation-ID"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    # Pages use only their own styles, images and forms; no scripts are needed.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    service = fields.String(required=True)


class ReadinessSchema(HealthSchema):
    checks = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "each dependency: ok, or the error"})


def create_service_app(name: str, config: BaseConfig, *, title: str, description: str,
                       version: str = "1.0.0", test_config: dict | None = None,
                       extra_checks: dict | None = None) -> tuple[Flask, Api]:
    """`extra_checks`: more readiness checks, name -> callable that raises when not ready."""
    # No app-wide static folder: its /static route would shadow the pages blueprints' own /static (their
    # stylesheets answered 404, and every page went out unstyled).
    app = Flask(name, static_folder=None)
    app.config.update(
        SERVICE_NAME=name,
        SERVICE_CONFIG=config,
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": description}},
        MAX_CONTENT_LENGTH=1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(test_config or {})
    if test_config is None:
        configure_logging(name, "web", config.log_level)
    trust_forwarded_for(app, config.trusted_proxy_hops)
    api = Api(app)
    api.register_blueprint(_operations_blueprint(name, config, extra_checks or {}))
    _install_request_hooks(app)
    _install_error_handler(app)
    return app, api


def trust_forwarded_for(app: Flask, hops: int) -> None:
    """Behind `hops` reverse proxies, each appending the address it was called from to X-Forwarded-For,
    the client is the address `hops` entries from the header's right: `request.remote_addr` (rate
    limits, logs) becomes that one. Entries further left are whatever the client wrote and are never
    trusted. With 0 the header is ignored and the client is the connection's peer."""
    if hops < 0:
        raise ValueError(f"TRUSTED_PROXY_HOPS must be 0 or more, got {hops}")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)


def _operations_blueprint(name: str, config: BaseConfig, extra_checks: dict) -> Blueprint:
    blp = Blueprint("operations", __name__, description="Liveness, readiness and metrics")

    @blp.route("/healthz")
    @blp.response(200, HealthSchema)
    def healthz():
        """The process is up and answering."""
        return {"status": "ok", "service": name}

    @blp.route("/readyz")
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="A dependency does not answer")
    def readyz():
        """The service's database and Kafka both answer."""
        checks = {}
        for dependency, check in (("mongodb", lambda: check_mongodb(config.mongodb_uri)),
                                  ("kafka", lambda: check_kafka(config.kafka_bootstrap_servers)),
                                  *extra_checks.items()):
            try:
                check()
                checks[dependency] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which
                checks[dependency] = f"{type(exc).__name__}: {exc}"[:300]
        ready = all(v == "ok" for v in checks.values())
        return {"status": "ok" if ready else "unavailable", "service": name, "checks": checks}, (200 if ready else 503)

    @blp.route("/metrics")
    @blp.doc(responses={200: {"description": "Prometheus text exposition",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}})
    def metrics():
        """Prometheus metrics of the web workers and the service's worker processes."""
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    return blp


def _install_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request():
        g.correlation_token = set_correlation_id(request.headers.get(CORRELATION_HEADER))
        g.started = time.perf_counter()
        refuse_unstorable_json()

    @app.after_request
    def finish_request(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        response.headers[CORRELATION_HEADER] = current_correlation_id() or ""
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        HTTP_REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        HTTP_LATENCY.labels(endpoint).observe(elapsed)
        if endpoint not in ("/healthz", "/readyz", "/metrics"):
            log.info("%s %s %s", request.method, request.path, response.status_code,
                     extra={"status": response.status_code, "duration_ms": round(elapsed * 1000, 2)})
        return response

    @app.teardown_request
    def end_request(exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            reset_correlation_id(token)


def _install_error_handler(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body = {"code": exc.code, "status": exc.name, "message": _body_error(exc) or exc.description}
        errors = _field_errors(exc)
        if errors:
            body["errors"] = errors
        response = jsonify(body)
        response.status_code = exc.code
        for header, value in (exc.get_headers() if exc.response is None else []):
            if header.lower() not in ("content-type",):
                response.headers[header] = value
        return response

    @app.errorhandler(ConnectionFailure)
    def database_unreachable(exc: ConnectionFailure):
        log.warning("database unreachable: %s", exc)
        response = jsonify({"code": 503, "status": "Service Unavailable",
                            "message": "The service cannot reach its database just now. Try again in a few seconds."})
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error")
        response = jsonify({"code": 500, "status": "Internal Server Error",
                            "message": "Internal error; quote the correlation id when reporting it."})
        response.status_code = 500
        return response


def _field_errors(exc: HTTPException) -> dict | None:
    """Field-level messages from webargs (nested under the request location) flattened to {field: [msg]}."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    flat = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
    return flat or None


def _body_error(exc: HTTPException) -> str | None:
    """webargs' whole-body complaint (e.g. "Invalid JSON body."), when it has one."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if isinstance(messages, dict):
        for location_errors in messages.values():
            if isinstance(location_errors, list):
                return " ".join(str(m) for m in location_errors)
    return None
