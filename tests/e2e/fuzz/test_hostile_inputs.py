"""A hostile-input corpus of our own against every public endpoint: injection objects, markup,
template and path tricks, wrong types, huge and malformed bodies, Unicode edge cases.

Whatever arrives: never a 500; bad input gets a 4xx with a message (field-level where a field
is at fault) and stores nothing; text that is accepted is kept as text, and pages never echo
markup unescaped.
"""
import json
import unicodedata
import uuid

import httpx
import pytest

from eventkit.mongo import get_database
from support.intake import bearer, client_from_own_address, valid_application
from support.verification import PASSWORD, create_reviewer

INJECTION_OBJECTS = [{"$ne": None}, {"$gt": ""}, {"$where": "sleep(5000)"}, {"$regex": ".*"}, {"$in": ["a"]}]
WRONG_TYPES = [None, True, 0, -1, 1.5e308, [], {}, [1, 2], ["$ne"]]
HOSTILE_STRINGS = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE applications; --",
    "{{7*7}}", "${jndi:ldap://127.0.0.1/x}", "../../../../etc/passwd", "%00", "%s%s%n", "\x00", "\u202egnp.exe",
    "\ufeffBOM", "zero\u200bwidth", "🚀" * 50, "\U0010ffff", "Z\u0364\u0354\u0367\u0311a\u0308\u0356", "ﷺ",
    "A" * 5000, "", "   ", "-1", "NaN", "null", "true",
]
RAW_BODIES = [
    b"", b"{", b"null", b"[]", b'"text"', b"12", b"\xff\xfe\x00\x00", b"\xef\xbb\xbf{}", b'{"x": NaN}',
    b'{"full_name": "A", "full_name": {"$ne": null}}', b"[" * 30000 + b"]" * 30000,
    b'{"a":' * 20000 + b"1" + b"}" * 20000, json.dumps({"k": "v" * 70000}).encode(),
]
MARKUP = "<script>alert(1)</script>"
LEGITIMATE = [("experience_years", 0), ("father_name", None)]  # zero years; the father's name is optional


def client(stack, service):
    """A client from a loopback address of its own: the corpus must meet the validation, not the rate limit."""
    return client_from_own_address(stack.url(service))


def assert_clear_refusal(response, field=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert body["message"] and body["code"] == response.status_code
    if field is not None and response.status_code == 422:
        assert field in body["errors"], body


@pytest.fixture
def applications(stack):
    return get_database(stack.servers.mongodb_uri, "intake")["applications"]


def test_injection_objects_and_wrong_types_in_every_application_field_are_refused(stack, applications):
    before = applications.count_documents({})
    fields = [f for f in valid_application() if f not in ("listed", "consent")]
    for field in fields:
        for value in INJECTION_OBJECTS + WRONG_TYPES:
            if any(field == f and type(value) is type(v) and value == v for f, v in LEGITIMATE):
                continue
            with client(stack, "intake") as c:
                assert_clear_refusal(c.post("/api/v1/applications", json=valid_application(**{field: value})), field)
    assert applications.count_documents({}) == before


def test_raw_bodies_get_a_4xx_at_every_json_endpoint(stack, applications):
    before = applications.count_documents({})
    endpoints = [("intake", "POST", "/api/v1/applications"), ("intake", "PATCH", "/api/v1/applications/aaaaaaaaaaaaaaaa"),
                 ("verification", "POST", "/api/v1/auth/token"), ("verification", "POST", "/api/v1/reviewers"),
                 ("verification", "POST", "/api/v1/reviews/aaaaaaaaaaaaaaaa/decision")]
    for service, method, path in endpoints:
        for body in RAW_BODIES:
            with client(stack, service) as c:
                for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
                    response = c.request(method, path, content=body, headers={"Content-Type": content_type})
                    assert_clear_refusal(response)
            with client(stack, service) as c:  # far larger than any endpoint takes
                response = c.request(method, path, content=b"[" + b"1," * 3_000_000 + b"1]",
                                     headers={"Content-Type": "application/json"})
                assert response.status_code in (401, 413)  # authentication may answer first
    assert applications.count_documents({}) == before


def test_hostile_strings_are_refused_or_kept_verbatim_as_text(stack):
    for value in HOSTILE_STRINGS:
        for field in ("full_name", "city", "address", "headline"):
            data = valid_application(**{"province": "Sindh", "city": "Karachi", field: value})
            with client(stack, "intake") as c:
                response = c.post("/api/v1/applications", json=data)
                assert response.status_code in (202, 400, 422), (field, value[:20], response.text[:300])
                if response.status_code != 202:
                    assert_clear_refusal(response, field if response.status_code == 422 else None)
                    continue
                created = response.json()
                view = c.get(f"/api/v1/applications/{created['application_id']}", headers=bearer(created["access_token"]))
                assert view.status_code == 200
                kept = view.json()[field]
                assert kept == unicodedata.normalize("NFC", " ".join(value.split())), (field, value[:20], kept[:20])
                assert "<" not in kept and ">" not in kept


def test_hostile_query_and_path_values_never_break_the_public_endpoints(stack):
    values = HOSTILE_STRINGS + ["q[$ne]=1", "%ff%fe", "..%2f..%2f", "A" * 3000]
    get_endpoints = [
        ("intake", "/api/v1/applications/{v}/status"), ("intake", "/status?application_id={v}"), ("intake", "/?lang={v}"),
        ("directory", "/api/v1/freelancers?q={v}"), ("directory", "/api/v1/freelancers?city={v}&skill={v}"),
        ("directory", "/api/v1/freelancers?limit={v}"), ("directory", "/api/v1/freelancers?cursor={v}"),
        ("directory", "/api/v1/freelancers/{v}"), ("directory", "/api/v1/verify/{v}"), ("directory", "/?q={v}"),
        ("directory", "/verify?number={v}"), ("directory", "/verify/{v}"), ("directory", "/freelancers/{v}"),
        ("verification", "/console/login?next={v}"), ("notification", "/api/v1/notifications?application_id={v}"),
    ]
    for service, template in get_endpoints:
        with client(stack, service) as c:
            for value in values:
                url = template.replace("{v}", value.replace("\x00", "%00"))
                response = c.get(url)
                assert response.status_code < 500, (service, url[:80], response.status_code)
                if response.headers.get("content-type", "").startswith("text/html"):
                    assert MARKUP not in response.text and "<img src=x" not in response.text, url[:80]
                elif response.status_code >= 400 and response.headers.get("content-type") == "application/json":
                    assert response.json()["message"]


def test_hostile_form_posts_are_refused_without_storing_anything(stack, applications):
    before = applications.count_documents({})
    for value in HOSTILE_STRINGS + [["a", "b"]]:
        with client(stack, "intake") as c:
            page = c.get("/")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            form = {"csrf_token": token, "full_name": value, "cnic": value, "mobile": value, "email": value,
                    "skills": value, "platform_1": value, "profile_url_1": value, "consent": "yes"}
            response = c.post("/apply", data=form, files={"cnic_front": ("x.png", value.encode("utf-8", "replace")
                                                                        if isinstance(value, str) else b"x")})
            assert response.status_code in (400, 413, 422), response.status_code
            assert MARKUP not in response.text
        with client(stack, "verification") as c:
            page = c.get("/console/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            response = c.post("/console/login", data={"csrf_token": token, "username": value, "password": value,
                                                      "next": value})
            assert response.status_code in (400, 401, 422) and MARKUP not in response.text
    assert applications.count_documents({}) == before


def test_hostile_values_behind_authentication(stack):
    admin = create_reviewer("admin")
    with client(stack, "verification") as c:
        token = c.post("/api/v1/auth/token", json={"username": admin, "password": PASSWORD}).json()["access_token"]
        c.headers.update(bearer(token))
        for value in INJECTION_OBJECTS + WRONG_TYPES + HOSTILE_STRINGS[:8]:
            assert_clear_refusal(c.post("/api/v1/reviewers", json={"username": value, "password": value, "role": value}))
            assert_clear_refusal(c.post(f"/api/v1/reviews/{uuid.uuid4().hex[:16]}/decision",
                                        json={"decision": value, "reason": value}))
            assert_clear_refusal(c.post("/api/v1/auth/token", json={"username": value, "password": value}))
    response = httpx.get(stack.url("notification", "/api/v1/notifications"), params={"application_id": {"$ne": 1}})
    assert response.status_code == 401
