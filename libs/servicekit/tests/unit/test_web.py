"""The shared app base, through Flask's test client (no servers needed for these paths)."""
import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from servicekit.config import BaseConfig
from servicekit.web import create_service_app


class GreetingSchema(Schema):
    name = fields.String(required=True)
    times = fields.Integer(required=True)


@pytest.fixture
def client():
    app, api = create_service_app("example", BaseConfig.from_env({}), title="Example", description="d",
                                  test_config={"TESTING": True})
    blp = Blueprint("greetings", __name__)

    @blp.route("/api/v1/greetings", methods=["POST"])
    @blp.arguments(GreetingSchema)
    @blp.response(201)
    def greet(body):
        return {"hello": body["name"]}

    api.register_blueprint(blp)
    return app.test_client()


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok", "service": "example"}


def test_openapi_lists_operational_and_service_paths(client):
    paths = client.get("/openapi.json").json["paths"]
    assert {"/healthz", "/readyz", "/metrics", "/api/v1/greetings"} <= set(paths)


def test_validation_errors_are_field_level_422(client):
    response = client.post("/api/v1/greetings", json={"name": 5})
    assert response.status_code == 422
    assert response.json["errors"] == {"name": ["Not a valid string."], "times": ["Missing data for required field."]}


def test_not_found_is_json(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.json["code"] == 404 and response.json["status"] == "Not Found"


def test_correlation_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Correlation-ID": "abc-123"}).headers["X-Correlation-ID"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Correlation-ID"]) == 32


def test_body_over_the_limit_is_413(client):
    response = client.post("/api/v1/greetings", data=b"x" * (1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413 and response.json["code"] == 413
