"""Posts one webhook delivery over HTTP (standard library: the directory needs no HTTP client package).

Redirects are not followed (a partner's address is where it said), the answer's body is not read past 1 KiB,
and every failure — refused, timed out, a TLS error, a non-2xx answer — comes back as an attempt, never raised."""
import time
import urllib.error
import urllib.request

USER_AGENT = "FreelancerRegistry-Webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict, timeout: float) -> dict:
    """{status_code, error, duration_ms} of one POST of `body` to `url`."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": USER_AGENT,
                                              **headers})
    started = time.monotonic()
    status_code, error = None, None
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code = exc.code
    except (OSError, ValueError) as exc:  # refused, unreachable, timed out, TLS, a malformed address
        error = f"{type(exc).__name__}: {exc}"[:300]
    return {"status_code": status_code, "error": error, "duration_ms": round((time.monotonic() - started) * 1000)}
