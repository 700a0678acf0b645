"""The pages applicants use (the blueprint the app registers): the routes live in applying.py, tracking.py,
self_service.py, amending.py and sign_in.py, and importing them here registers them on the blueprint."""
from intake.entrypoints.web import amending, applying, self_service, sign_in, tracking
from intake.entrypoints.web.blueprint import bp

__all__ = ["bp", "amending", "applying", "self_service", "sign_in", "tracking"]
