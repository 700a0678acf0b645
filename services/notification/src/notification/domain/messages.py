"""Which event tells the applicant what, on which channels."""
import dataclasses

EMAIL, SMS = "email", "sms"
CHANNELS = (EMAIL, SMS)
LANGUAGES = ("en", "ur")


@dataclasses.dataclass(frozen=True)
class Message:
    template: str
    channels: tuple[str, ...]
    certificate: bool = False


BY_EVENT = {
    "ApplicationSubmitted": Message("receipt", CHANNELS),
    "ApplicationFlagged": Message("action_needed", CHANNELS),
    "ApplicationRejected": Message("rejected", CHANNELS),
    "ApplicationApproved": Message("approved", CHANNELS, certificate=True),
}
TEMPLATES = tuple(m.template for m in BY_EVENT.values())


class TransientFailure(Exception):
    """Worth trying again later: the server is down, busy, or said 4xx."""


class PermanentFailure(Exception):
    """Trying again cannot help: the address is refused or malformed."""


class UncertainFailure(Exception):
    """The send broke off after the server may already have taken the message (its answer to the
    message never came): it may have been delivered, so it is never tried again automatically."""
