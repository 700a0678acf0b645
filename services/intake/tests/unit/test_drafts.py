"""Check your answers (service_layer.drafts): a draft is kept under an unguessable id for an hour, found
while young, not after, and gone once discarded."""
import dataclasses
import datetime as dt

from intake.domain.drafts import LIFETIME
from intake.service_layer import drafts


def test_a_draft_is_found_by_its_id_until_it_is_discarded(deps):
    draft_id = drafts.keep(deps, {"full_name": ["Sana Khan"]}, {"cnic_front": ("image/png", b"png")})
    assert len(draft_id) >= 32 and draft_id != drafts.keep(deps, {}, {})
    assert drafts.find(deps, draft_id) == ({"full_name": ["Sana Khan"]}, {"cnic_front": ("image/png", b"png")})
    drafts.discard(deps, draft_id)
    assert drafts.find(deps, draft_id) is None


def test_a_draft_older_than_its_lifetime_is_not_found(deps):
    draft_id = drafts.keep(deps, {"full_name": ["Sana Khan"]}, {})
    later = dataclasses.replace(deps, clock=lambda: deps.now() + LIFETIME + dt.timedelta(seconds=1))
    assert drafts.find(later, draft_id) is None


def test_ids_that_cannot_be_a_drafts_are_not_looked_up(deps):
    assert drafts.find(deps, "") is None and drafts.find(deps, "x" * 65) is None
