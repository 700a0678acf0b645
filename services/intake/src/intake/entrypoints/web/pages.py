"""The pages applicants use (the blueprint the app registers): the routes live in applying.py, tracking.py,
self_service.py, amending.py, sign_in.py and my_data.py, and importing them here registers them on the blueprint."""
from intake.entrypoints.web import amending, applying, my_data, self_service, sign_in, tracking
from intake.entrypoints.web.blueprint import bp

__all__ = ["bp", "amending", "applying", "my_data", "self_service", "sign_in", "tracking"]
