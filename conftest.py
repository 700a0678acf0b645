"""Marks each test by the folder it lives in: unit/, integration/, e2e/, drills/ or contract/."""
from pathlib import Path

SUITES = ("unit", "integration", "e2e", "drills", "contract")


def pytest_collection_modifyitems(items):
    for item in items:
        parts = Path(str(item.fspath)).parts
        for suite in SUITES:
            if suite in parts:
                item.add_marker(suite)
