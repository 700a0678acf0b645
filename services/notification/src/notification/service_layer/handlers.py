"""Notification's worker: what each event it consumes does, in one table.

Each of these events but one tells the applicant something; which message, on which channels, is the
domain's (domain.messages.message_for). ApplicationErased deletes what notification holds of the application
(service_layer/erasure.py). The other event types on the topics are not notification's business and are
skipped."""
from notification.service_layer import erasure, notify
from notification.service_layer.dependencies import Dependencies

GROUP = "notification"

HANDLERS = {
    "ApplicationSubmitted": notify.tell_applicant,  # the receipt
    "ApplicationFlagged": notify.tell_applicant,  # what the reviewers need
    "ApplicationRejected": notify.tell_applicant,  # why, and how to apply again
    "ApplicationApproved": notify.tell_applicant,  # the registration, with the certificate (one-stage, earlier)
    "VoucherIssued": notify.tell_applicant,  # approved in principle: the fee voucher, as a PDF
    "RegistrationIssued": notify.tell_applicant,  # the fee is paid: the registration, with the certificate
    "ApplicationLapsed": notify.tell_applicant,  # the fee was not paid in time; how to apply again
    "RegistrationExpiring": notify.tell_applicant,  # a reminder before the expiry: renew
    "RegistrationExpired": notify.tell_applicant,  # the validity ended: renew within the grace period
    "RegistrationRevoked": notify.tell_applicant,  # the board revoked it, with its reason
    "RegistrationReinstated": notify.tell_applicant,  # the board reinstated it (in force, or expired meanwhile)
    "RegistrationRenewed": notify.tell_applicant,  # renewed: the new validity, with a new certificate
    "RenewalRejected": notify.tell_applicant,  # the renewal was refused: why, and where that leaves it
    "InformationRequested": notify.tell_applicant,  # a reviewer asks for more: what, and by when
    "InformationReminder": notify.tell_applicant,  # the deadline for it is near
    "SignInCodeRequested": notify.tell_applicant,  # a one-time sign-in code, on the channel asked for
    "ApplicationErased": erasure.forget_applicant,  # the applicant's data was erased: the delivery records go
}


def handle_event(deps: Dependencies, envelope: dict) -> None:
    """Apply one consumed event: the handler its type has in HANDLERS, if any."""
    handler = HANDLERS.get(envelope["event_type"])
    if handler is not None:
        handler(deps, envelope)
