"""Intake test data and the local stack's keys."""
import base64
import datetime as dt
import itertools
import random
import re
import time
import uuid

from support.local_stack import LOCAL, mongodb_uri

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(500)
PDF = b"%PDF-1.7\n" + b"1 0 obj <<>> endobj\n" * 20


def secrets_env() -> dict:
    """The local stack's keys and credentials (.local/secrets.env), to check what was sealed with them
    or to start one of its processes (with MONGODB_URI, as deploy/local/env.sh gives it to them)."""
    text = (LOCAL / "secrets.env").read_text()
    return {**dict(re.findall(r'^export (\w+)="\$\{\w+:-(.*)\}"$', text, re.M)), "MONGODB_URI": mongodb_uri()}


def random_cnic(province_digit: str = "3", gender: str = "female") -> str:
    body = province_digit + "".join(random.choices("0123456789", k=11))
    last = random.choice("2468" if gender == "female" else "13579")
    return f"{body[:5]}-{body[5:12]}-{last}"


# This process's block of 10,000 mobile numbers in 035x-039x, chosen by the clock (the same block again
# only 14 hours later). Drawn at random, a number met one of the hundreds of thousands of applicants a
# long-lived stack holds now and then: the "shared contact" check flagged a "clean" application for
# review, and a drill's audit waited for an approval that never came.
_MOBILES = itertools.count(int(time.time()) % 50_000 * 10_000)


def unique_mobile() -> str:
    """A mobile number (03XX-XXXXXXX) no earlier test or bench run used."""
    number = f"{500_000_000 + next(_MOBILES) % 500_000_000:09d}"
    return f"03{number[:2]}-{number[2:]}"


def valid_application(**overrides) -> dict:
    """An application the automated checks approve: its CNIC, email and mobile unique to it."""
    data = {
        "full_name": "Ayesha Khan", "father_name": "Imran Khan", "cnic": random_cnic(),
        "date_of_birth": "1995-04-12", "gender": "female", "email": f"ayesha.{uuid.uuid4().hex}@example.pk",
        "mobile": unique_mobile(),
        "province": "Punjab", "city": "Lahore", "address": "House 1, Street 2, Model Town",
        "education": "bachelors", "skills": ["python", "web-development"], "experience_years": 5,
        "platforms": [{"platform": "upwork", "profile_url": "https://www.upwork.com/freelancers/~01abc"}],
        "headline": "Python and Django developer", "listed": True, "consent": True, "language": "en",
    }
    data.update(overrides)
    return data


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def event_key() -> bytes:
    return base64.b64decode(secrets_env()["EVENT_PII_KEY"])


def iso_today_plus(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def submitted_event(**overrides) -> dict:
    """An ApplicationSubmitted envelope as intake publishes it (personal data sealed with the stack's key)."""
    from eventkit.envelope import new_event
    from servicekit.crypto import Sealer

    data = valid_application(**overrides)
    application_id = overrides.get("application_id") or f"test{uuid.uuid4().hex[:12]}"
    public = {k: data[k] for k in ("full_name", "city", "province", "skills", "platforms", "headline", "listed",
                                   "education", "experience_years")}
    private = {"cnic": data["cnic"].replace("-", ""), "father_name": data["father_name"],
               "date_of_birth": data["date_of_birth"], "gender": data["gender"], "email": data["email"],
               "mobile": "+92" + data["mobile"].replace("-", "")[1:], "address": data["address"],
               "portfolio_url": None}
    payload = {"application_id": application_id, "public": public, "sealed": Sealer(event_key()).seal(private),
               "language": data["language"]}
    return new_event("ApplicationSubmitted", application_id, payload, source="intake")


def csrf_from(html: str) -> str:
    """The CSRF token a server-rendered form carries."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def loopback_address() -> str:
    """A random loopback address (127.x.y.z), for a client that must count as a user of its own."""
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


def client_from_own_address(base_url: str, **kwargs):
    """An HTTP client whose requests come from a loopback address of its own (127.x.y.z):
    intake's rate limits count per client address, and test runs must not share one."""
    import httpx

    return httpx.Client(base_url=base_url, transport=httpx.HTTPTransport(local_address=loopback_address()),
                        timeout=15, **kwargs)


def open_sealed_part(intake_url: str, sealed: str, token_name: str) -> dict:
    """A part of an event sealed under an applicant's own key, opened as a consumer would (independently of the
    services' code): "v2:<key id>:<base64 nonce‖ciphertext‖tag>", the key id bound as associated data, the key
    from intake's data-key API with the consumer's service token (`token_name` in .local/secrets.env)."""
    import json as json_

    import httpx
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, key_id, body = sealed.split(":", 2)
    assert version == "v2", sealed[:10]
    answer = httpx.get(f"{intake_url}/api/v1/data-keys/{key_id}",
                       headers={"Authorization": f"Bearer {secrets_env()[token_name]}"})
    answer.raise_for_status()
    raw = base64.b64decode(body)
    key = base64.b64decode(answer.json()["key"])
    return json_.loads(AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()))
