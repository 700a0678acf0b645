"""SharedIdentities finds exactly the cases that share a CNIC, email or mobile, each once, in the order added."""
import random

from verification.domain.case import IDENTITY_FIELDS, SharedIdentities


def case(n: int, cnic: str, email: str, mobile: str) -> dict:
    return {"_id": f"app-{n}", "indexes": {"cnic": cnic, "email": email, "mobile": mobile}}


def shares_identity(case: dict, other: dict) -> bool:
    """The pairwise rule SharedIdentities replaces: the same CNIC, email or mobile."""
    return any(case["indexes"][field] == other["indexes"][field] for field in IDENTITY_FIELDS)


def test_a_case_sharing_two_fields_is_found_once():
    first = case(1, "c1", "e1", "m1")
    others = SharedIdentities([first, case(2, "c2", "e2", "m2")])
    assert others.sharing(case(3, "c1", "e1", "m9")) == [first]


def test_nothing_shared_finds_nothing():
    assert SharedIdentities([case(1, "c1", "e1", "m1")]).sharing(case(2, "c2", "e2", "m2")) == []


def test_the_same_answer_as_comparing_every_pair_in_the_order_added():
    rng = random.Random(7)
    pick = lambda kind: f"{kind}{rng.randint(1, 12)}"  # noqa: E731 - few values, so many collisions
    cases = [case(n, pick("c"), pick("e"), pick("m")) for n in range(300)]
    others = SharedIdentities()
    for n, new in enumerate(cases):
        assert others.sharing(new) == [o for o in cases[:n] if shares_identity(new, o)]
        others.add(new)
