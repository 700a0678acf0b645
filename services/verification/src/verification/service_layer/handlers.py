"""Verification's worker: what each of intake's application events and payments' fee events does, in one table.

Each event type has a handler for one event; submissions, the bulk of the traffic, also have one
for a run of them (the consumer loop's batch handler), which has the same effects in a few round
trips whatever the run's length. The loop falls back to the one-event handler when it raises."""
import dataclasses
from collections.abc import Callable

from servicekit.crypto import KeyErased
from verification.domain.case import SharedIdentities
from verification.service_layer import decisions, fees, information, intake_events, listing, renewals
from verification.service_layer.dependencies import Dependencies

GROUP = "verification-applications"


def receive_and_decide(deps: Dependencies, envelope: dict) -> None:
    """Store the submitted or amended application on its case, then decide the case if it waits for checks:
    also on a redelivery, since a crash after storing but before deciding leaves the case in "checking"."""
    try:
        case = intake_events.receive_application(deps, envelope)
    except KeyErased:  # a replayed application whose applicant's data was erased since: nothing to keep
        return
    decisions.decide_automatically(deps, case, caused_by=envelope)


def receive_and_decide_many(deps: Dependencies, envelopes: list[dict]) -> None:
    """`receive_and_decide` for a run of submissions, in three round trips: the new cases in one insert, the
    other cases sharing their identities in one query, the decisions in one bulk write. Each case is checked
    as if the run's earlier ones were decided first, as one by one: a second application with the same CNIC
    in the run is a duplicate of the first. Events whose case exists already (a redelivery, an amendment
    that came first) go one by one afterwards."""
    received = [(envelope, *intake_events.application_of(deps, envelope)) for envelope in envelopes]
    opened = deps.cases.open_many([(envelope["key"], application, note) for envelope, application, note in received],
                                  deps.now())
    new = [(envelope, opened[envelope["key"]]) for envelope, _, note in received
           if envelope["key"] in opened and opened[envelope["key"]]["applied_events"] == [note["event_id"]]]
    # The stored cases sharing an identity, then the run's cases checked so far, in the state their verdict gives them.
    others = SharedIdentities(other for other in deps.cases.sharing_any([case["indexes"] for _, case in new])
                              if other["_id"] not in opened)
    verdicts = []
    for envelope, case in new:
        facts = decisions.facts_of(deps, case)
        verdict = decisions.check(deps, case, facts, others.sharing(case))
        verdicts.append((envelope, case, facts, verdict))
        others.add({"_id": case["_id"], "indexes": case["indexes"], "state": decisions.OUTCOME_STATES[verdict.outcome]})
    deps.cases.transition_many([decisions.automatic_decision(deps, case, facts, verdict, envelope)
                                for envelope, case, facts, verdict in verdicts])
    done = {id(envelope) for envelope, _ in new}
    for envelope in envelopes:
        if id(envelope) not in done:
            receive_and_decide(deps, envelope)


@dataclasses.dataclass(frozen=True)
class Handling:
    one: Callable[[Dependencies, dict], None]
    many: Callable[[Dependencies, list[dict]], None] | None = None  # the same effects for a run of events


HANDLERS = {
    "ApplicationSubmitted": Handling(receive_and_decide, receive_and_decide_many),
    "ApplicationAmended": Handling(receive_and_decide),
    "ApplicationWithdrawn": Handling(intake_events.withdraw),
    "DocumentUploaded": Handling(intake_events.record_document),
    "InformationProvided": Handling(information.information_provided),  # the applicant sent what was asked
    "RenewalRequested": Handling(renewals.receive_request),  # checked: approved in principle, reviewed, or refused
    "ListingPreferenceChanged": Handling(listing.change_listing),  # kept on the case; the directory follows
    "ApplicationErased": Handling(intake_events.erase),  # nothing personal stays; ErasureCompleted reports it
    "FeePaid": Handling(fees.fee_paid),  # payments.events: the registration issued, or renewed
    "VoucherExpired": Handling(fees.voucher_expired),  # payments.events: the application lapses, or the renewal
    "VoucherCancelled": Handling(fees.withdraw),  # payments.events: withdrawn while the fee was due
}


def handle_application_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one of intake's or payments' events; the other event types on the topics are not verification's
    business."""
    handling = HANDLERS.get(envelope["event_type"])
    if handling is not None:
        handling.one(deps, envelope)


def handle_application_events(deps: Dependencies, event_type: str, envelopes: list[dict]) -> None:
    """Apply a run of intake's events of one type (a type with a `many` handler)."""
    HANDLERS[event_type].many(deps, envelopes)

