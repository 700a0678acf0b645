"""The directory's public pages render real data over HTTP, without JavaScript."""
import re
from html import unescape

import httpx

from support.directory import found, latin_word


def page(stack, path: str, **params) -> httpx.Response:
    return httpx.get(stack.url("directory", path), params=params)


def test_search_profile_verify_and_stats_pages(approve, stack, wait_for):
    surname = latin_word()
    number = approve(full_name=f"Sana {surname}", skills=["ui-ux-design"])
    found(stack, number, wait_for, q=surname)

    results = page(stack, "/", q=surname)
    assert results.status_code == 200 and 'charset="utf-8"' in results.text
    assert f"Sana {surname}" in results.text and "UI/UX design" in unescape(results.text)
    assert "<script" not in results.text

    profile = page(stack, f"/freelancers/{number}")
    assert 'id="registration-number">' + number in profile.text
    assert "@" not in re.sub(r'href="[^"]*"', "", profile.text)  # no email address anywhere on the page

    verify = page(stack, f"/verify/{number.lower()}")  # the certificate's QR lands here
    assert 'data-status="valid"' in verify.text and f"Sana {surname}" in verify.text
    # what it is worth, as the board publishes it (WITHHOLDING_RATE_REGISTERED, _STANDARD), for the bank clerk
    assert re.search(r'id="benefit">[^<]*withheld at 0.25% instead of 1%', verify.text)
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    assert 'data-status="mistyped"' in page(stack, f"/verify/{typo}").text

    stats = page(stack, "/stats")
    assert stats.status_code == 200 and "<svg" in stats.text and "Punjab" in stats.text


def test_bad_filters_show_an_error_not_a_crash(stack):
    response = page(stack, "/", province="Atlantis")
    assert response.status_code == 422 and "province" in response.text
    assert page(stack, "/", cursor="garbage").status_code == 422
    assert page(stack, "/freelancers/PSEB-2026-999999-Z").status_code == 404
