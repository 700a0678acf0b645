"""The baseline: a bare Flask endpoint that parses the same JSON body and answers 202, served by
gunicorn with the services' own settings (deploy/gunicorn.conf.py). Intake's throughput is
reported next to it, so the cost of the real work (validation, encryption, the database) shows."""
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask("bare")

    @app.post("/api/v1/applications")
    def accept():
        body = request.get_json()
        return jsonify({"received": len(body)}), 202

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
