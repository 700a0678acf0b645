"""Payments' worker: what each event it consumes does, in one table.

An approval in principle issues the application's fee voucher, and a renewal's approval in principle
a voucher of the renewal's own fee cycle; a withdrawal cancels the registration fee's voucher while it
is unpaid. Both are safe to receive twice and in either order (service_layer/vouchers.py). An erasure
removes the personal data the application's vouchers hold and reports it (service_layer/erasure.py). The other
event types on the topics are not payments' business and are skipped.
"""
from cryptography.exceptions import InvalidTag

from domainkit.lifecycle import APPLICATION_APPROVED_IN_PRINCIPLE, APPLICATION_WITHDRAWN
from eventkit.envelope import InvalidMessage
from payments.service_layer import erasure, vouchers
from payments.service_layer.dependencies import Dependencies
from servicekit.crypto import KeyErased

GROUP = "payments"
MAX_PAYER_NAME = 200  # characters
PASSED_ON = ("contact", "language")  # what VoucherIssued carries from the approval, for notification


def _application_id(envelope: dict) -> str:
    application_id = envelope["payload"].get("application_id") or envelope["key"]
    if not isinstance(application_id, str):
        raise InvalidMessage(f"{envelope['event_type']}: application_id is not a string")
    return application_id


def payer_name_of(deps: Dependencies, envelope: dict, application_id: str) -> str | None:
    """The name the voucher is made out to: the approval's sealed `payer` part opened with the applicant's payer
    key, or `payer_name` in clear (earlier versions); None when the applicant's data was erased meanwhile.
    InvalidMessage when there is no usable name."""
    payload = envelope["payload"]
    try:
        payer_name = deps.payer_keyring.unseal(payload["payer"])["full_name"] if payload.get("payer") and \
            deps.payer_keyring else payload.get("payer_name")
    except KeyErased:
        return None
    except (KeyError, TypeError, ValueError, InvalidTag) as exc:
        raise InvalidMessage(f"{envelope['event_type']} for {application_id}: unreadable payer") from exc
    if not isinstance(payer_name, str) or not payer_name.strip() or len(payer_name) > MAX_PAYER_NAME:
        raise InvalidMessage(f"{envelope['event_type']} for {application_id}: no usable payer_name")
    return payer_name


def issue_voucher(deps: Dependencies, envelope: dict) -> None:
    """ApplicationApprovedInPrinciple: the fee voucher, in the name its payload's `payer` (or `payer_name`)
    gives; none for an applicant whose data was erased meanwhile."""
    application_id = _application_id(envelope)
    payer_name = payer_name_of(deps, envelope, application_id)
    if payer_name is None:
        return
    passed_on = {name: envelope["payload"][name] for name in PASSED_ON
                 if isinstance(envelope["payload"].get(name), str)}
    vouchers.issue(deps, application_id, payer_name.strip(), caused_by=envelope, passed_on=passed_on)


RENEWAL_APPROVED_IN_PRINCIPLE = "RenewalApprovedInPrinciple"  # verification: a renewal's fee is due
RENEWAL_FEE_CYCLE_PREFIX = "renewal:"


def issue_renewal_voucher(deps: Dependencies, envelope: dict) -> None:
    """RenewalApprovedInPrinciple: the renewal fee's voucher, under the fee cycle the renewal names (one per
    renewal request), in the name its payload gives."""
    application_id = _application_id(envelope)
    payload = envelope["payload"]
    fee_cycle = payload.get("fee_cycle")
    if not isinstance(fee_cycle, str) or not fee_cycle.startswith(RENEWAL_FEE_CYCLE_PREFIX) or len(fee_cycle) > 100:
        raise InvalidMessage(f"{envelope['event_type']} for {application_id}: no renewal fee_cycle")
    payer_name = payer_name_of(deps, envelope, application_id)
    if payer_name is None:
        return
    passed_on = {name: payload[name] for name in PASSED_ON if isinstance(payload.get(name), str)}
    vouchers.issue(deps, application_id, payer_name.strip(), fee_cycle, caused_by=envelope, passed_on=passed_on)


def cancel_voucher(deps: Dependencies, envelope: dict) -> None:
    """ApplicationWithdrawn: the application's unpaid voucher is cancelled (and none is issued later)."""
    vouchers.cancel_for_withdrawal(deps, _application_id(envelope), caused_by=envelope)


APPLICATION_ERASED = "ApplicationErased"  # intake: the application's personal data is erased


def erase_personal_data(deps: Dependencies, envelope: dict) -> None:
    """ApplicationErased: the payer's name and the sealed contact leave the application's vouchers, once, with
    ErasureCompleted (none when payments holds no voucher of it)."""
    erasure.erase_application(deps, _application_id(envelope), caused_by=envelope)


HANDLERS = {
    APPLICATION_APPROVED_IN_PRINCIPLE: issue_voucher,
    RENEWAL_APPROVED_IN_PRINCIPLE: issue_renewal_voucher,
    APPLICATION_WITHDRAWN: cancel_voucher,
    APPLICATION_ERASED: erase_personal_data,
}


def handle_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one consumed event: the handler its type has in HANDLERS, if any."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is not None:
        handler(deps, envelope)
