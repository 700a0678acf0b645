"""Posts one webhook delivery over HTTP (standard library: the directory needs no HTTP client package).

Redirects are not followed (a partner's address is where it said), the answer's body is not read past 1 KiB,
and every failure — refused, timed out, a TLS error, a non-2xx answer — comes back as an attempt, never raised,
with a coarse reason only (the delivery log is the partner's to read: it must not map the board's network).
An address that resolves to a private, loopback, link-local or reserved network is refused, when it is set and
again before each send, unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (the local stack's test receivers). A send has a
deadline as a whole, not per socket read: a receiver that drips its answer cannot hold the sender."""
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

USER_AGENT = "FreelancerRegistry-Webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def refusal_of(url: str, allow_private: bool) -> str | None:
    """Why deliveries may not go to `url` (it does not resolve, or resolves to a non-public address), or None."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return "the address's host does not resolve"
    if not allow_private and not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        return "the address is on a private or reserved network"
    return None


def post(url: str, body: bytes, headers: dict, timeout: float, allow_private: bool = False) -> dict:
    """{status_code, error, duration_ms} of one POST of `body` to `url`, given up after `timeout` seconds."""
    started = time.monotonic()
    refused = refusal_of(url, allow_private)
    if refused:
        return {"status_code": None, "error": refused, "duration_ms": 0}
    outcome = {"status_code": None, "error": "no answer in time"}

    def send() -> None:
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": USER_AGENT,
                                                  **headers})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(1024)
                outcome.update(status_code=response.status, error=None)
        except urllib.error.HTTPError as exc:
            outcome.update(status_code=exc.code, error=None)
        except (OSError, ValueError) as exc:  # refused, unreachable, timed out, TLS: named by kind only
            outcome.update(error=f"could not deliver ({type(exc).__name__})")

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(timeout)  # a receiver that drips its answer is left behind (its thread ends with its socket)
    return {**outcome, "duration_ms": round((time.monotonic() - started) * 1000)}
