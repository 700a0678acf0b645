"""`make bench` in its quick mode, from a folder that does not exist yet (as on a fresh clone):
every step runs against the live stack and the report is written, so the benchmark cannot rot
silently between full runs."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_runs_every_step_and_writes_its_report(tmp_path):
    reports = tmp_path / "fresh" / "reports"
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    result = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--listings", "1000",
                             "--reports", str(reports)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads((reports / "bench.json").read_text())
    assert figures["intake"]["per_second"] > 0 and figures["bare_flask"]["per_second"] > 0
    assert figures["submit_to_searchable"]["applications"] > 0 and figures["submit_to_searchable"]["never_found"] == 0
    assert [p["workers"] for p in figures["pipeline"]] == [1, 2] and all(p["per_second"] > 0 for p in figures["pipeline"])
    [search] = figures["directory_search"]
    assert search["listed_in_index"] == 1000 and search["per_second"] > 0
    assert (reports / "verification-worker-1.prof").stat().st_size > 0
    assert "Directory search over HTTP" in (reports / "bench.md").read_text()
    assert list(reports.glob("*.png"))
