"""What the repository holds: no pointer to documents outside it, no tool caches."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("DESIGN" + ".md", "../" + "shared")  # spelt apart so this file does not match itself


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in listed.stdout.split("\0") if name]


def test_nothing_outside_docs_points_outside_the_repository():
    """The rules live in docs/ (architecture.md, events.md), not in a file next to the checkout."""
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if name.startswith("docs/") or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [f"{name}: {needle}" for needle in OUTSIDE if needle in text]
    assert not offenders, offenders


def test_tool_caches_are_not_tracked():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    for cache in (".schemathesis/", ".hypothesis/", ".pytest_cache/", ".local/", "reports/"):
        assert cache in ignored, f".gitignore lacks {cache}"
        assert not [name for name in tracked_files() if name.startswith(cache)], f"{cache} is tracked"
