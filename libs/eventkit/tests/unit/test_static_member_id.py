"""A supervised worker's static group member id: stable across restarts, new when its topics change."""
from eventkit.runners import static_member_id


def test_only_a_supervised_worker_is_a_static_member(monkeypatch):
    monkeypatch.delenv("SUPERVISOR_PROCESS_NAME", raising=False)
    assert static_member_id("intake-decisions", ["verification.events"]) is None


def test_the_id_is_stable_for_the_same_topics_in_any_order_and_new_when_they_change(monkeypatch):
    monkeypatch.setenv("SUPERVISOR_PROCESS_NAME", "intake-worker")
    before = static_member_id("intake-decisions", ["verification.events"])
    assert before == static_member_id("intake-decisions", ["verification.events"])
    assert before.startswith("intake-decisions-") and "intake-worker" in before
    both = static_member_id("intake-decisions", ["verification.events", "payments.events"])
    assert both != before  # a worker that subscribes to another topic joins as a new member
    assert both == static_member_id("intake-decisions", ["payments.events", "verification.events"])
