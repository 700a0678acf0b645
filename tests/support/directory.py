"""The directory in tests: what it may show (docs/architecture.md, "Privacy"), and finding test listings."""
import random

import httpx

PUBLIC = {"registration_number", "full_name", "city", "province", "skills", "platforms", "headline", "status",
          "valid_until"}
VERIFY = {"registration_number", "valid", "status", "full_name", "valid_until", "revoked_on", "message"}


URDU_LETTERS = "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہیے"


def latin_word() -> str:
    """A random name word: 20^11 of them, so the tests' searches do not meet the hundreds of thousands of
    names benchmarks leave on a developer's stack (with 7 letters, a drill's audit met one)."""
    return "Q" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=11))


def urdu_word() -> str:
    return "".join(random.choices(URDU_LETTERS, k=6))


def search(stack, **params) -> dict:
    response = httpx.get(stack.url("directory", "/api/v1/freelancers"), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def found(stack, number: str, wait_for, **params) -> bool:
    return wait_for(lambda: number in [i["registration_number"] for i in search(stack, **params)["items"]],
                    message=f"{number} found by {params}")


def directory_cli(*args: str):
    """The directory's operator CLI (`python -m directory.cli`, as the contract names it) run against the local
    stack (its keys from .local/secrets.env)."""
    import os
    import subprocess
    import sys

    from support.intake import secrets_env

    env = {**os.environ, **secrets_env(), "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "directory.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
