"""Request guards shared by the services' APIs: JSON bodies only, within a size, and bearer tokens."""
import functools

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType


def json_body(max_bytes: int = 64 * 1024):
    """415 unless the body is declared JSON; 413 when it is larger than `max_bytes`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not request.is_json:
                raise UnsupportedMediaType("Send the body as application/json.")
            length = request.content_length
            if length is None:  # chunked: measure it (the app's MAX_CONTENT_LENGTH bounds the read)
                length = len(request.get_data(cache=True))
            if length > max_bytes:
                raise RequestEntityTooLarge(f"The body may be at most {max_bytes} bytes.")
            return view(*args, **kwargs)
        return wrapper
    return decorate


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
