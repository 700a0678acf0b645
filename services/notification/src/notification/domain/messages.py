"""Which event tells the applicant what, on which channels."""
import dataclasses

EMAIL, SMS = "email", "sms"
CHANNELS = (EMAIL, SMS)
LANGUAGES = ("en", "ur")


@dataclasses.dataclass(frozen=True)
class Message:
    template: str
    channels: tuple[str, ...]
    certificate: bool = False  # the email carries the registration certificate (PDF)
    voucher: bool = False  # the email carries the fee voucher (PDF)


APPROVED = Message("approved", CHANNELS, certificate=True)
BY_EVENT = {
    "ApplicationSubmitted": Message("receipt", CHANNELS),
    "ApplicationFlagged": Message("action_needed", CHANNELS),
    "ApplicationRejected": Message("rejected", CHANNELS),
    "ApplicationApproved": APPROVED,  # the one-stage approval of earlier versions, kept on the topic
    # Approved in principle: the applicant hears of it with the voucher payments issues for it, so one
    # message tells them what to pay, under which number, by when (VoucherIssued passes the contact on).
    "VoucherIssued": Message("fee_due", CHANNELS, voucher=True),
    "RegistrationIssued": APPROVED,  # the fee is paid: the registration, with the certificate
    "ApplicationLapsed": Message("lapsed", CHANNELS),
    "RegistrationExpiring": Message("expiry_reminder", CHANNELS),  # 30 and 7 days before (settings), each once
    "RegistrationExpired": Message("expired", CHANNELS),  # the registration's validity ended
    "RegistrationRevoked": Message("revoked", CHANNELS),  # two admins revoked it: why, and since when
    "RegistrationReinstated": Message("reinstated", CHANNELS),  # two admins undid the revocation
    "RegistrationRenewed": Message("renewed", CHANNELS, certificate=True),  # valid a period more: a new certificate
    "RenewalRejected": Message("renewal_rejected", CHANNELS),  # why; still valid, or expired
    "InformationRequested": Message("information_requested", CHANNELS),  # a reviewer asks for more, by a deadline
    "InformationReminder": Message("information_reminder", CHANNELS),  # once, a few days before that deadline
}
# A one-time sign-in code (intake's SignInCodeRequested) goes only on the channel the applicant asked for.
SIGN_IN_CODE = "sign_in_code"
SIGN_IN_CODE_REQUESTED = "SignInCodeRequested"
# An application lapsed because what a reviewer asked for did not come (verification's cause), not for the fee.
LAPSED_FOR_INFORMATION = Message("lapsed_information", CHANNELS)
EVENTS_WITH_MESSAGES = (*BY_EVENT, SIGN_IN_CODE_REQUESTED)  # every event that tells the applicant something
# A renewal's fee voucher (VoucherIssued of a "renewal:…" fee cycle) says renewal, not approval in principle.
RENEWAL_FEE_DUE = Message("renewal_fee_due", CHANNELS, voucher=True)
TEMPLATES = tuple(dict.fromkeys([*(m.template for m in BY_EVENT.values()), RENEWAL_FEE_DUE.template,
                                  SIGN_IN_CODE, LAPSED_FOR_INFORMATION.template]))


def message_for(envelope: dict) -> Message:
    """What the event tells the applicant (KeyError for an event that tells nothing)."""
    if envelope["event_type"] == SIGN_IN_CODE_REQUESTED:
        channel = envelope["payload"]["channel"]
        if channel not in CHANNELS:
            raise KeyError(channel)
        return Message(SIGN_IN_CODE, (channel,))
    if envelope["event_type"] == "ApplicationLapsed" and envelope["payload"].get("cause") == "information_not_provided":
        return LAPSED_FOR_INFORMATION
    fee_cycle = str(envelope["payload"].get("fee_cycle", ""))
    if envelope["event_type"] == "VoucherIssued" and fee_cycle.startswith("renewal:"):
        return RENEWAL_FEE_DUE
    return BY_EVENT[envelope["event_type"]]


class TransientFailure(Exception):
    """Worth trying again later: the server is down, busy, or said 4xx."""


class PermanentFailure(Exception):
    """Trying again cannot help: the address is refused or malformed."""


class UncertainFailure(Exception):
    """The send broke off after the server may already have taken the message (its answer to the
    message never came): it may have been delivered, so it is never tried again automatically."""
