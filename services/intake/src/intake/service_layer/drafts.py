"""Check your answers before sending: the form's answers and files are kept as a draft for an hour, shown
back to the applicant, and sent only when they confirm (GOV.UK's "check answers" pattern). The draft is
addressed by a random id the page carries; it is the only key to it."""
import secrets

from intake.domain.drafts import LIFETIME
from intake.service_layer.dependencies import Dependencies

Files = dict[str, tuple[str, bytes]]


def keep(deps: Dependencies, answers: dict, files: Files) -> str:
    """Keep the answers (the form's fields, as lists of values) and the files; returns the new draft's id."""
    draft_id = secrets.token_urlsafe(24)
    deps.drafts.keep(draft_id, answers, files, deps.now())
    return draft_id


def find(deps: Dependencies, draft_id: str) -> tuple[dict, Files] | None:
    """A draft younger than its lifetime, or None."""
    if not draft_id or len(draft_id) > 64:
        return None
    return deps.drafts.find(draft_id, deps.now() - LIFETIME)


def discard(deps: Dependencies, draft_id: str) -> None:
    deps.drafts.discard(draft_id)
