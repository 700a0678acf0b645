"""Searching the directory: approved and listed freelancers, by name fragment (Latin or Urdu) and by
each filter; unlisted ones never appear; public fields only; cursor pages; nonsense refused."""
import httpx
import pytest

from domainkit.skills import SKILLS_BY_SLUG
from support.directory import PUBLIC, found, latin_word, search, urdu_word

def test_found_by_name_fragments_in_latin_and_urdu_and_by_each_filter(approve, stack, wait_for):
    surname = latin_word()
    number = approve(full_name=f"Zainab {surname}", city="Faisalabad", skills=["seo", "copywriting"],
                     platforms=[{"platform": "fiverr", "profile_url": "https://www.fiverr.com/zainab"}])
    found(stack, number, wait_for, q=surname[:4].lower())
    found(stack, number, wait_for, q=f"zain {surname[:3]}")
    for params in ({"skill": "copywriting"}, {"province": "Punjab"}, {"city": "faisalabad"},
                   {"platform": "fiverr"}, {"q": surname, "skill": "seo", "city": "Faisalabad", "platform": "fiverr"}):
        found(stack, number, wait_for, **{**params, "q": params.get("q", surname)})
    assert search(stack, q=surname, skill="python")["items"] == []  # filters combine

    urdu = urdu_word()
    urdu_number = approve(full_name=f"عائشہ {urdu}")
    found(stack, urdu_number, wait_for, q=urdu[:3])


def test_unlisted_freelancers_are_verifiable_but_never_searchable(approve, stack, wait_for):
    surname = latin_word()
    listed = approve(full_name=f"Listed {surname}")
    hidden = approve(full_name=f"Hidden {surname}", listed=False)
    found(stack, listed, wait_for, q=surname)
    numbers = [i["registration_number"] for i in search(stack, q=surname)["items"]]
    assert hidden not in numbers
    assert httpx.get(stack.url("directory", f"/api/v1/verify/{hidden}")).json()["valid"] is True


def test_public_fields_only_everywhere_with_facets_and_pages(approve, stack, wait_for):
    surname = latin_word()
    numbers = [approve(full_name=f"Page {surname}") for _ in range(3)]
    found(stack, numbers[-1], wait_for, q=surname)
    seen, cursor = [], None
    while True:
        page = search(stack, q=surname, limit=2, **({"cursor": cursor} if cursor else {}))
        for item in page["items"]:
            assert set(item) == PUBLIC
        seen += [i["registration_number"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers) and len(seen) == 3
    facets = search(stack, q=surname)["facets"]
    assert facets["province"] == {"Punjab": 3} and set(facets) == {"province", "city", "skill", "platform"}
    stats = httpx.get(stack.url("directory", "/api/v1/stats")).json()
    assert stats["listed"] >= 3 and stats["by_province"]["Punjab"] >= 3
    assert set(stats["by_skill"]) <= set(SKILLS_BY_SLUG)
    text = str(stats) + str(search(stack, q=surname))
    for personal in ("cnic", "email", "mobile", "date_of_birth", "address", "contact", "application_id"):
        assert personal not in text


@pytest.mark.parametrize("params", [
    {"province": "Nowhere"}, {"skill": "juggling"}, {"platform": "myspace"}, {"limit": "1000"}, {"limit": "x"},
    {"cursor": "garbage"}, {"q": "x" * 101}, {"unknown": "1"}, {"province[$ne]": "x"},
])
def test_nonsense_queries_are_422(stack, params):
    response = httpx.get(stack.url("directory", "/api/v1/freelancers"), params=params)
    assert response.status_code == 422, response.text
