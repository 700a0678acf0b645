"""The application's fee voucher as the applicant sees it, kept from payments' events.

Payments owns vouchers; intake keeps a copy on the application ({number, amount, due_date, status})
so the status page and the applicant's API can show what to pay, by when, and whether it is paid.
Payments' events come on their own topic, so they may reach intake before or after verification's
approval in principle, and a voucher's settlement (paid, expired, cancelled: each final) may come
before its issue. The repository's two writes make every order end the same: an issue never
overwrites the status of the voucher it names, a settlement sets it whatever came first.

A cancelled voucher also completes the applicant's withdrawal of an application whose fee was due
(payments cancels only on a withdrawal, and only an unpaid voucher): it moves to `withdrawn` and its
CNIC is free, once, and only from `awaiting_payment`, so a payment that won the race leaves it registered.
"""
import datetime as dt

from eventkit.envelope import InvalidMessage
from intake.domain import application as lifecycle
from intake.service_layer.dependencies import Dependencies

UNPAID, PAID, EXPIRED, CANCELLED = "unpaid", "paid", "expired", "cancelled"
VOUCHER_ISSUED, VOUCHER_CANCELLED = "VoucherIssued", "VoucherCancelled"
# payments' event → the voucher status it reports
VOUCHER_STATUS = {VOUCHER_ISSUED: UNPAID, "FeePaid": PAID, "VoucherExpired": EXPIRED, VOUCHER_CANCELLED: CANCELLED}
MAX_NUMBER = 40  # characters: a voucher number is 16 digits; anything longer is not one


def _field(payload: dict, name: str, kind: type, event_type: str):
    value = payload.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise InvalidMessage(f"{event_type}: {name} is missing or not a {kind.__name__}")
    return value


def record_voucher_event(deps: Dependencies, envelope: dict) -> bool:
    """Keep what payments' event says of the application's voucher; False when it changed nothing
    (a repeat). An application intake does not know is an InvalidMessage (dead-lettered)."""
    event_type, payload = envelope["event_type"], envelope["payload"]
    application_id = payload.get("application_id") or envelope["key"]
    number = _field(payload, "voucher_number", str, event_type)
    if len(number) > MAX_NUMBER:
        raise InvalidMessage(f"{event_type}: voucher_number is not a voucher number")
    if event_type == VOUCHER_ISSUED:
        changed = deps.applications.record_voucher_issued(application_id, {
            "number": number, "amount": _field(payload, "amount", int, event_type),
            "due_date": _field(payload, "due_date", str, event_type)})
    else:
        changed = deps.applications.settle_voucher(application_id, number, VOUCHER_STATUS[event_type])
    if event_type == VOUCHER_CANCELLED:
        at = dt.datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
        changed |= deps.applications.record_decision(
            application_id, envelope["event_id"], [lifecycle.AWAITING_PAYMENT], {"reasons": []},
            lifecycle.timeline_entry(lifecycle.WITHDRAWN, lifecycle.WITHDRAWN_WITH_VOUCHER, at), holds_cnic=False)
    if not changed and not deps.applications.exists(application_id):
        raise InvalidMessage(f"{event_type} for unknown application {application_id}")
    return changed
