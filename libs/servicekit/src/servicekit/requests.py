"""Request guards shared by the services' APIs: JSON bodies only, within a size, and bearer tokens."""
import functools
import json

from flask import request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType


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


def refuse_unstorable_json(max_bytes: int = 64 * 1024) -> None:
    """400 for a JSON body that parses but cannot be handled: nested deeper than Python's
    recursion limit (json.loads raises RecursionError, which would be a 500), or holding lone
    UTF-16 surrogates ("\\ud800"), which no UTF-8 database, log or message accepts.
    Run before each request (servicekit.web does); other bodies are left to the endpoint."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return
    if (request.content_length or 0) > max_bytes:
        return  # the endpoint answers 413
    try:
        value = json.loads(request.get_data(cache=True))
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        raise BadRequest("The JSON body is nested too deeply or contains unpaired surrogate characters.") from None
    except ValueError:
        return  # malformed JSON: the endpoint's parser answers 400
