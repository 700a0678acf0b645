"""Does a query use an index? Asks the server's own planner (`explain`), so the answer is the engine's.

A query is a *full scan* when its plan has a COLLSCAN stage, or (DocumentDB's way of showing one) an
IXSCAN with no bounds: DocumentDB walks the `_id_` index from end to end and filters each document
("runtimeFilterSet"). An IXSCAN with `indexFilterSet` is bounded by the filter; an IXSCAN of `_id_`
for a filter on `_id` is the primary-key lookup. Updates and deletes cannot be explained through
the gateway ("Unrecognized explain command"), so their filters are explained as the finds they are.

    assert_uses_index(db["cases"], {"state": "pending"}, sort=[("created_at", 1)])
"""
import inspect

from pymongo import monitoring
from pymongo.collection import Collection


def plan_of(collection: Collection, filter_: dict, sort: list | None = None, limit: int | None = None,
            hint: str | None = None) -> dict:
    command = {"find": collection.name, "filter": filter_}
    if hint:
        command["hint"] = hint
    if sort:
        command["sort"] = dict(sort)
    if limit:
        command["limit"] = limit
    return collection.database.command("explain", command, verbosity="queryPlanner")


def pipeline_plan_of(collection: Collection, pipeline: list) -> dict:
    return collection.database.command("explain", {"aggregate": collection.name, "pipeline": pipeline, "cursor": {}},
                                       verbosity="queryPlanner")


def stages(plan) -> list[dict]:
    """Every stage of a plan, nested or not (find and aggregate plans alike)."""
    found = []
    if isinstance(plan, dict):
        if "stage" in plan:
            found.append(plan)
        for value in plan.values():
            found.extend(stages(value))
    elif isinstance(plan, list):
        for item in plan:
            found.extend(stages(item))
    return found


def full_scans(plan: dict, filter_on_id: bool) -> list[dict]:
    """The stages of `plan` that read the whole collection."""
    scans = []
    for stage in stages(plan):
        if stage["stage"] == "COLLSCAN":
            scans.append(stage)
        elif stage["stage"] == "IXSCAN" and not stage.get("indexFilterSet"):
            if not (filter_on_id and stage.get("indexName") == "_id_"):
                scans.append(stage)
    return scans


def constrains_id(filter_: dict) -> bool:
    if "_id" in filter_:
        return True
    return any(constrains_id(part) for key in ("$and",) for part in filter_.get(key, []))


def assert_uses_index(collection: Collection, filter_: dict, sort: list | None = None, limit: int | None = None,
                      index: str | None = None, hint: str | None = None) -> dict:
    """Fail unless the filter (with `sort`, `limit` and `hint` as the query sends them) is answered through
    an index (that index, when named). Returns the plan."""
    plan = plan_of(collection, filter_, sort, limit, hint)
    scans = full_scans(plan, constrains_id(filter_))
    assert not scans, f"{collection.name} {filter_}: full scan {scans} in {plan.get('queryPlanner', plan)}"
    if index:
        used = {s.get("indexName") for s in stages(plan) if s["stage"] == "IXSCAN"}
        assert index in used, f"{collection.name} {filter_}: used {used}, expected {index}"
    return plan


def assert_pipeline_uses_index(collection: Collection, pipeline: list) -> dict:
    plan = pipeline_plan_of(collection, pipeline)
    first_match = next((stage["$match"] for stage in pipeline if "$match" in stage), {})
    scans = full_scans(plan, constrains_id(first_match))
    assert not scans, f"{collection.name} {pipeline}: full scan {scans} in {plan}"
    return plan


class FilterRecorder(monitoring.CommandListener):
    """(collection, filter, sort, limit) of every command that selects documents: a client built with it
    as an event listener records what a repository really sends, and each filter is then explained."""

    def __init__(self):
        self.queries = []

    def started(self, event):
        command, name = event.command, event.command_name
        collection = command.get(name)
        if name == "find":
            self.queries.append((collection, command.get("filter", {}), command.get("sort"), command.get("limit")))
        elif name in ("update", "delete"):
            for statement in command.get("updates" if name == "update" else "deletes", []):
                self.queries.append((collection, statement["q"], None, None))
        elif name == "findAndModify":
            self.queries.append((collection, command.get("query", {}), command.get("sort"), None))
        elif name == "aggregate":
            match = next((s["$match"] for s in command.get("pipeline", []) if "$match" in s), {})
            self.queries.append((collection, match, None, None))
        elif name == "count" and command.get("query"):
            self.queries.append((collection, command["query"], None, None))
        # A `count` without a query is estimated_document_count: the re-key's progress total, once per operator
        # run (MongoDB answers it from metadata; DocumentDB counts the table) - not a query of the request paths.

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def public_methods(cls) -> set[str]:
    """"Class.method" of each public method of a repository: what a query-plan test must exercise."""
    return {f"{cls.__name__}.{name}" for name, _ in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")}
