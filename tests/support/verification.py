"""Reviewer accounts for tests, made with verification's real CLI."""
import os
import subprocess
import sys
import uuid

from support.intake import secrets_env

PASSWORD = "correct horse battery staple"


def create_reviewer(role: str) -> str:
    username = f"{role}{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **secrets_env(), "REVIEWER_PASSWORD": PASSWORD, "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-m", "verification.entrypoints.cli", "create-reviewer", username,
                             "--role", role], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return username
