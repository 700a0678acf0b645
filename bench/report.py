"""The benchmark report: reports/bench.json, reports/bench.md and PNG charts beside them."""
import datetime as dt
import importlib.metadata
import json
import os
import platform
import pstats
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the headless backend

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(next(line for line in meminfo.splitlines() if line.startswith("MemTotal")).split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "kernel": platform.release(), "python": platform.python_version()}


def documentdb_commit() -> str:
    """The pinned DocumentDB source the local stack was built from (deploy/local/documentdb/install.sh)."""
    script = (ROOT / "deploy/local/documentdb/install.sh").read_text()
    return next(line.split("=", 1)[1][:8] for line in script.splitlines() if line.startswith("DOCUMENTDB_COMMIT="))


def versions() -> dict:
    jars = sorted((ROOT / ".local" / "kafka" / "libs").glob("kafka-server-*.jar"))
    postgres = subprocess.run(["/usr/lib/postgresql/15/bin/postgres", "--version"], capture_output=True,
                              text=True).stdout.strip().replace("postgres (PostgreSQL) ", "")
    packages = {name: importlib.metadata.version(name)
                for name in ("flask", "gunicorn", "kafka-python", "pymongo", "marshmallow", "httpx")}
    return {"kafka": jars[0].stem.removeprefix("kafka-server-") if jars else "unknown",
            "documentdb": f"DocumentDB {documentdb_commit()} on PostgreSQL {postgres}", **packages,
            "gunicorn_settings": "deploy/gunicorn.conf.py: sync workers, 2 per web app; 4 for intake's, "
                                 "and for both servers of the intake comparison"}


def profile_summary(path: Path, top: int = 12) -> dict:
    """Where a profiled worker's time went: by area (database, Kafka, crypto, checks...) and top functions."""
    stats = pstats.Stats(str(path))
    areas: dict[str, float] = {}
    rows = []
    total = 0.0
    for (filename, line, function), (_, _, tottime, cumtime, _) in stats.stats.items():
        total += tottime
        area = _area(filename, function)
        areas[area] = areas.get(area, 0.0) + tottime
        rows.append((tottime, cumtime, f"{_short(filename)}:{line}({function})"))
    rows.sort(reverse=True)
    return {"total_seconds": round(total, 2),
            "by_area": {k: round(v, 2) for k, v in sorted(areas.items(), key=lambda kv: -kv[1])},
            "top_functions": [{"self_s": round(t, 3), "cumulative_s": round(c, 3), "function": f}
                              for t, c, f in rows[:top]]}


def _area(filename: str, function: str) -> str:
    if filename == "~":  # built-ins: where blocking shows up
        if any(word in function for word in ("socket", "select", "poll", "recv", "send")):
            return "waiting on sockets (database replies, Kafka)"
        if "sleep" in function:
            return "sleeping (poll intervals, backoff)"
        if "acquire" in function or "wait" in function:
            return "waiting on locks"
    for fragment, area in (("pymongo", "pymongo / BSON (database client)"), ("bson", "pymongo / BSON (database client)"),
                           ("/kafka/", "kafka-python"), ("cryptography", "crypto (AES-GCM, HMAC)"),
                           ("hmac", "crypto (AES-GCM, HMAC)"), ("marshmallow", "marshmallow"),
                           ("json", "JSON"), ("/verification/", "verification's own code"),
                           ("/eventkit/", "eventkit (consumer loop, outbox, inbox)"),
                           ("/domainkit/", "domainkit"), ("ssl", "sockets"), ("socket", "sockets")):
        if fragment in filename:
            return area
    return "other (interpreter, stdlib)"


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/libs/", "/services/", "/lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def charts(results: dict, out: Path) -> list[str]:
    made = []
    if "intake" in results and "bare_flask" in results:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        keys = [k for k in ("bare_flask", "intake", "intake_with_pipeline") if k in results]
        names = {"bare_flask": "bare Flask", "intake": "intake alone",
                 "intake_with_pipeline": "intake + pipeline"}
        values = [results[k]["per_second"] for k in keys]
        ax.bar([names[k] for k in keys], values, color=["#999999", "#2b6cb0", "#63b3ed"][:len(keys)])
        for i, key in enumerate(keys):
            r = results[key]
            ax.text(i, values[i], f"{values[i]}/s\np50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms", ha="center", va="bottom",
                    fontsize=8)
        ax.set_ylabel("accepted requests per second")
        ax.set_title("POST /api/v1/applications, same gunicorn settings")
        ax.set_ylim(0, max(values) * 1.3)
        made.append(_save(fig, out / "bench-intake.png"))
    if "submit_to_searchable" in results:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        latencies = [x for x in results["submit_to_searchable"]["latencies_ms"] if x != float("inf")]
        ax.hist(latencies, bins=30, color="#2b6cb0")
        ax.set_xlabel("submit → found by directory search (ms)")
        ax.set_ylabel("applications")
        ax.set_title(f"at {results['submit_to_searchable']['offered_per_second']} applications/s offered")
        made.append(_save(fig, out / "bench-submit-to-searchable.png"))
    if results.get("pipeline"):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for run in results["pipeline"]:
            ax.plot([t for t, _ in run["series"]], [n for _, n in run["series"]],
                    label=f"{run['workers']} verification worker(s): {run['per_second']}/s")
        ax.set_xlabel("seconds since the workers started")
        ax.set_ylabel("applications decided and listed")
        ax.legend()
        made.append(_save(fig, out / "bench-pipeline.png"))
    if results.get("directory_search"):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        runs = results["directory_search"]
        labels = [f"{r['listings']:,}" for r in runs]
        x = range(len(runs))
        ax.bar([i - 0.2 for i in x], [r["p50_ms"] for r in runs], width=0.4, label="p50 ms")
        ax.bar([i + 0.2 for i in x], [r["p99_ms"] for r in runs], width=0.4, label="p99 ms")
        for i, r in enumerate(runs):
            ax.text(i, max(r["p99_ms"], r["p50_ms"]), f"{r['per_second']} searches/s", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(x), labels)
        ax.set_xlabel("listings in the directory")
        ax.set_ylabel("latency (ms)")
        ax.legend()
        made.append(_save(fig, out / "bench-directory-search.png"))
    queue = [q for q in results.get("review_queue", {}).get("requests", []) if q.get("ok")]
    if queue:
        fig, ax = plt.subplots(figsize=(7, 3.8))
        x = range(len(queue))
        ax.bar([i - 0.2 for i in x], [q["p50_ms"] for q in queue], width=0.4, label="p50 ms")
        ax.bar([i + 0.2 for i in x], [q["p99_ms"] for q in queue], width=0.4, label="p99 ms")
        ax.axhline(results["review_queue"]["target_ms"], color="#c53030", linestyle="--",
                   label=f"target {results['review_queue']['target_ms']} ms")
        ax.set_xticks(list(x), [q["request"].split(" (")[0] for q in queue], rotation=15, ha="right", fontsize=8)
        ax.set_yscale("log")  # a slow request and a fast one on one chart
        ax.set_ylabel("latency (ms, log scale)")
        ax.set_title(f"GET /api/v1/reviews, {results['review_queue']['pending_cases']:,} pending cases")
        ax.legend(fontsize=8)
        made.append(_save(fig, out / "bench-review-queue.png"))
    return made


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def write(results: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    results = {"generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "machine": machine(), "versions": versions(), **results}
    images = charts(results, out)
    (out / "bench.json").write_text(json.dumps(results, indent=2, default=str))
    (out / "bench.md").write_text(markdown(results, images))
    return out / "bench.md"


def against(ms: float, target: float) -> str:
    """A latency with its verdict against the target: "12.3 ✓" or "2,113.0 ✗"."""
    return f"{ms:,.1f} {'✓' if ms < target else '✗'}"


def review_queue_section(q: dict) -> list[str]:
    """The reviewer queue's table: each request's rate and latencies, each latency against the target."""
    target = q["target_ms"]
    lines = [f"## Reviewer queue at {q['cases_seeded']:,} pending cases", "",
             f"{q['cases_seeded']:,} cases waiting for a reviewer were seeded into the stack's verification database "
             f"(bench/seed_review_queue.py; the queue held {q['pending_cases']:,} pending cases in all while measured, "
             f"the stack's own among them) and removed afterwards. Each request was sent once on its own (urllib), "
             f"then by wrk for {q['seconds']:g} s over {q['connections']} connections to the stack's verification web, "
             f"as a reviewer, then once more on its own (\"alone, after\": every web process has read the list "
             f"once and bounds its pages, verification's adapters/queue_bounds.py). "
             f"Target: under {target} ms (✓ below it, ✗ above).", "",
             f"| request | requests/s | p50 ms (target < {target}) | p90 ms | p99 ms (target < {target}) "
             "| alone ms, first | alone ms, after | cases on the page | requests |",
             "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for x in q["requests"]:
        if "p50_ms" not in x:
            why = "not available yet (HTTP 422)" if x["status"] == 422 else f"HTTP {x['status']}"
            lines.append(f"| {x['request']} | {why} | | | | {x['single_ms']:,.1f} | | | |")
            continue
        if not x["ok"]:  # wrk's percentiles are 0 when no answer came within the run: not a pass
            lines.append(f"| {x['request']} | no 2xx answer within {q['seconds']:g} s | ✗ | | ✗ | "
                         f"{x['single_ms']:,.1f} | {x.get('warm_single_ms', 0):,.1f} | {x['items']} | "
                         f"{x['requests']} |")
            continue
        found = f"{x['items']}" + (f" (expected {x['expected_items']})" if x["items"] != x["expected_items"] else "")
        lines.append(f"| {x['request']} | {x['per_second']} | {against(x['p50_ms'], target)} | {x['p90_ms']:,.1f} | "
                     f"{against(x['p99_ms'], target)} | {x['single_ms']:,.1f} | "
                     f"{against(x.get('warm_single_ms', 0), target)} | {found} | {x['requests']} |")
        if x["non_2xx"] or x["timeouts"]:
            notes.append(f"{x['request']}: {x['non_2xx']} answers were not 2xx, {x['timeouts']} timed out.")
    lines += ["", "Each request is `GET " + q["requests"][0]["path"].split("?")[0] + "` with "
              + "; ".join(f"`{x['path'].split('?', 1)[1]}`" for x in q["requests"]) + "."]
    return lines + (["", *notes] if notes else []) + [""]


def markdown(r: dict, images: list[str]) -> str:
    m, v = r["machine"], r["versions"]
    lines = ["# Freelancer Registry — benchmark", "",
             f"Run {r['generated_at']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}, "
             f"Python {m['python']}. Load generator, servers and services share the machine.", "",
             f"Servers: Apache Kafka {v['kafka']}, {v['documentdb']}. Flask {v['flask']}, gunicorn "
             f"{v['gunicorn']} ({v['gunicorn_settings']}), kafka-python {v['kafka-python']}, pymongo {v['pymongo']}.", ""]
    if "intake" in r:
        i, b, p = r["intake"], r["bare_flask"], r.get("intake_with_pipeline")

        def row(label: str, x: dict) -> str:
            return (f"| {label} | {x['per_second']} | {x['p50_ms']} | {x['p99_ms']} | {x['connections']} | "
                    f"{x['requests']} | {x['non_2xx']} |")

        lines += ["## Intake: accepted applications per second", "",
                  f"Measured with wrk (a C load generator, {i['connections']} connections, 2 threads), each server "
                  "started with the same gunicorn settings: the bare endpoint, then intake on its own (the "
                  "stack's relays and workers stopped for the window, bench/quiet.py: on these shared cores they "
                  "would otherwise take the CPU to process what intake accepts), then intake with the whole "
                  "pipeline running beside it.", "",
                  "| endpoint | accepted/s | p50 ms | p99 ms | connections | requests | refused (non-2xx) |",
                  "|---|---|---|---|---|---|---|",
                  row("intake POST /api/v1/applications, alone", i),
                  *([row("intake, with relays and workers running on the same cores", p)] if p else []),
                  row("bare Flask, same body, same gunicorn settings", b), "",
                  f"Intake on its own reaches **{r['intake_vs_bare']:.1%}** of the bare endpoint's rate"
                  + (f"; with the pipeline running beside it, {r['intake_with_pipeline_vs_bare']:.1%}" if p else "")
                  + f". Every service had caught up with the backlog this created (decided, messages sent, "
                  f"listings stored) {r.get('system_idle_after_s', '?')} s after the load stopped.", ""]
    if "submit_to_searchable" in r:
        s = r["submit_to_searchable"]
        lines += ["## Submit to searchable", "",
                  f"{s['applications']} clean applications at {s['offered_per_second']}/s offered for {s['seconds']} s: "
                  f"p50 **{s['p50_ms']} ms**, p99 **{s['p99_ms']} ms** from the POST to intake until the directory's "
                  f"search finds the name ({s['never_found']} never found). Each fee is paid the moment its voucher is "
                  "issued, so this is two passes through verification with payments between them.", ""]
    if r.get("pipeline"):
        lines += ["## Pipeline throughput (approved, paid, registered and listed)", "",
                  "A backlog of clean applications is queued (and relayed to Kafka) while verification is stopped; "
                  "then the workers start, a bank pays each voucher as payments issues it, and the directory's "
                  "search is watched until all are listed.", "",
                  "| verification workers | applications | first listed (s) | all listed (s) | sustained/s (10%→90%) |",
                  "|---|---|---|---|---|"]
        lines += [f"| {p['workers']} | {p['applications']} | {p['first_listed_s']} | {p['all_listed_s']} | "
                  f"{p['per_second']} |" for p in r["pipeline"]]
        lines.append("")
    if r.get("directory_search"):
        lines += ["## Directory search over HTTP", "",
                  "Measured with wrk (a C load generator, 2 threads) against a directory started with the services' "
                  "gunicorn settings on a database of its own.", "",
                  "| listings | searches/s | p50 ms | p99 ms | connections | web process ready after (s) | seeding the topic (s) "
                  "| projecting the listings (s) |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {d['listings']:,} | {d['per_second']} | {d['p50_ms']} | {d['p99_ms']} | {d['clients']} | "
                  f"{d['index_ready_seconds']} | {d['seed_seconds']} | {d.get('projected_seconds', '')} |"
                  for d in r["directory_search"]]
        lines += ["", "Each search is one page of 20 with facet counts, from a mix of name prefixes, single filters and "
                  "combinations (bench/directory_search.py). The web process loads its index from its "
                  "listings collection (built by `directory.cli rebuild` from the seeded topic) and then follows the topic "
                  "from the positions stored with the listings; 0 s of projecting means the collection was already built.", ""]
    if r.get("review_queue"):
        lines += review_queue_section(r["review_queue"])
    if r.get("profile"):
        p = r["profile"]
        lines += ["## Where the slowest stage spends its time", "",
                  f"{p['stage']} under cProfile during the one-worker pipeline run ({p['total_seconds']} s of samples):", "",
                  "| area | seconds |", "|---|---|"]
        lines += [f"| {area} | {sec} |" for area, sec in p["by_area"].items()]
        lines += ["", "| self s | cumulative s | function |", "|---|---|---|"]
        lines += [f"| {f['self_s']} | {f['cumulative_s']} | `{f['function']}` |" for f in p["top_functions"]]
        lines.append("")
    lines += [f"![{name}]({name})" for name in images]
    return "\n".join(lines) + "\n"
