"""The daily open data on the running stack: the operator's job (the directory's CLI) writes the snapshot, and
anyone downloads it from the directory with checksums that match what they got."""
import hashlib
import json

import httpx

from support.directory import directory_cli


def test_the_snapshot_is_written_by_the_job_and_downloaded_with_matching_checksums(stack, approve):
    number = approve()
    job = directory_cli("open-data")
    assert job.returncode == 0, job.stderr
    assert "listings.csv:" in job.stdout and "open data: listings" in job.stderr  # its progress bar
    with httpx.Client(base_url=stack.url("directory"), timeout=60) as client:
        manifest = client.get("/api/v1/open-data").json()
        files = {f["name"]: f for f in manifest["files"]}
        assert set(files) == {"listings.csv", "listings.json", "stats.json"}
        for name, described in files.items():
            download = client.get(described["url"])
            assert download.status_code == 200
            assert hashlib.sha256(download.content).hexdigest() == described["sha256"]
            assert download.headers["Digest"] == f"sha-256={described['sha256']}"
        listings = client.get("/api/v1/open-data/listings.json").json()
        assert number in {item["registration_number"] for item in listings}
        assert "@" not in client.get("/api/v1/open-data/listings.csv").text  # public fields only: no email
        assert json.loads(client.get("/api/v1/open-data/stats.json").content)["in_force"] >= 1
        assert client.get("/api/v1/open-data/secrets.csv").status_code == 404
        assert 'href="/api/v1/open-data/listings.csv"' in client.get("/stats").text  # linked from the pages
