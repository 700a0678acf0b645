"""The open data the directory publishes every day: the public listings (CSV and JSON) and their statistics, each
file with its SHA-256, so anyone may take the register whole and check what they took.

Only public fields, and only listings their freelancer chose to list and the board has not revoked: what the
public search shows (expired ones too, with their status, as search shows them when asked). Platforms are
written "platform url" pairs joined by " | " in the CSV, as lists in the JSON.
"""
import csv
import io
import json
from collections import Counter

from directory.domain.listing import PUBLIC_FIELDS, VALID, public_view

FILES = {"listings.csv": "text/csv; charset=utf-8", "listings.json": "application/json",
         "stats.json": "application/json"}
CSV_COLUMNS = PUBLIC_FIELDS


def published(listing: dict) -> bool:
    """Whether a listing belongs in the open data: listed by its freelancer, not revoked."""
    return bool(listing.get("listed")) and not listing.get("revoked")


def row_of(listing: dict, today) -> dict:
    return public_view(listing, today)


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def csv_line(row: dict) -> str:
    def cell(field):
        value = row.get(field)
        if field == "skills":
            return " | ".join(value or [])
        if field == "platforms":
            return " | ".join(f"{p['platform']} {p['profile_url']}" for p in value or [])
        return "" if value is None else str(value)
    return _csv_line([cell(field) for field in CSV_COLUMNS])


def _csv_line(cells) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def json_item(row: dict) -> str:
    return json.dumps({field: row.get(field) for field in CSV_COLUMNS}, ensure_ascii=False)


class Statistics:
    """The statistics of the rows in force, counted as they stream past."""

    def __init__(self):
        self.listed, self.in_force = 0, 0
        self.by = {"province": Counter(), "city": Counter(), "skill": Counter(), "platform": Counter()}

    def add(self, row: dict) -> None:
        self.listed += 1
        if row["status"] != VALID:
            return
        self.in_force += 1
        self.by["province"][row.get("province")] += 1
        self.by["city"][row.get("city")] += 1
        self.by["skill"].update(row.get("skills") or [])
        self.by["platform"].update(p["platform"] for p in row.get("platforms") or [])

    def as_json(self, day: str) -> str:
        return json.dumps({"day": day, "listed": self.listed, "in_force": self.in_force,
                           **{f"by_{k}": dict(v.most_common()) for k, v in self.by.items()}},
                          ensure_ascii=False, indent=1)
