"""The servers under the system stopped and restarted in the middle of a steady stream."""
import time

from support.audit import audit

DOCUMENTDB = ("infra:documentdb-gateway", "infra:documentdb-postgres")  # the MongoDB-protocol server


def test_kafka_stopped_and_restarted_mid_stream(stack, steady, processes):
    with steady(rate=3) as stream:
        time.sleep(5)
        processes.stop("infra:kafka")
        time.sleep(15)  # intake keeps accepting: its events wait in the outbox
        processes.start("infra:kafka")
        processes.wait_running("infra:kafka")
        time.sleep(8)
    assert not stream.refused, stream.refused
    audit(stack, stream.accepted)


def test_mongodb_protocol_server_stopped_and_restarted_mid_stream(stack, steady, processes):
    with steady(rate=3) as stream:
        time.sleep(5)
        for program in DOCUMENTDB:  # the gateway first, then PostgreSQL under it
            processes.stop(program)
        time.sleep(12)
        refused_during_outage = len(stream.refused)
        for program in reversed(DOCUMENTDB):
            processes.start(program)
            processes.wait_running(program)
        time.sleep(10)
        accepted_at_the_end = len(stream.accepted)
    # with its database gone intake says so (503) instead of accepting what it cannot keep
    assert refused_during_outage > 0 and set(stream.refused) <= {"503"}, stream.refused
    assert len(stream.accepted) >= accepted_at_the_end > 0
    audit(stack, stream.accepted)
