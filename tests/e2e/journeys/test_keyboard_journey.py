"""An applicant who cannot use a mouse completes the application with the keyboard alone: Tab moves
from control to control in reading order, letters pick options, Space ticks boxes and opens the file
chooser, Enter sends the form and, after checking the answers, the application. No click, no `fill`:
if a control is unreachable by Tab, the journey fails."""
import uuid

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from support.browser import cnic_image
from support.directory import latin_word
from support.intake import random_cnic, unique_mobile

TAB_LIMIT = 120  # the most Tab presses between two fields (the open skills group has about a dozen boxes)


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (never backwards: the order is the page's)."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def pick(page, selector: str, letters: str, expected_value: str) -> None:
    """Choose an option of a focused <select> by typing its first letters, as keyboard users do."""
    tab_to(page, selector)
    page.keyboard.type(letters)
    assert page.eval_on_selector(selector, "e => e.value") == expected_value


def attach(page, selector: str, name: str, content: bytes) -> None:
    """Space on the focused file input opens the chooser. Chromium opens one chooser at a time and, under load,
    may not yet have let the previous one go: a press it drops is pressed again, still with the keyboard alone,
    and the journey goes on only once the input holds the file."""
    tab_to(page, selector)
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    chooser.value.set_files(files=[{"name": name, "mimeType": "image/png", "buffer": content}])
    page.wait_for_function("s => document.querySelector(s).files.length === 1", arg=selector)


def test_the_application_can_be_completed_with_the_keyboard_alone(page, stack, audit):
    name, cnic = f"Hina {latin_word()}", random_cnic("3", "female")
    page.goto(stack.url("intake", "/"))
    type_into(page, "#full_name", name)
    type_into(page, "#cnic", cnic)
    type_into(page, "#date_of_birth-day", "30")
    type_into(page, "#date_of_birth-month", "6")
    type_into(page, "#date_of_birth-year", "1994")
    pick(page, "#gender", "f", "female")
    type_into(page, "#email", f"hina.{uuid.uuid4().hex[:8]}@example.pk")
    type_into(page, "#mobile", unique_mobile())
    pick(page, "#province", "pu", "Punjab")
    type_into(page, "#city", "Lahore")
    type_into(page, "#address", "House 9, Street 2, Johar Town")
    pick(page, "#education", "b", "bachelors")
    type_into(page, "#experience_years", "3")
    for skill in ("web-development", "python"):
        tab_to(page, f"input[name=skills][value='{skill}']")
        page.keyboard.press("Space")
    pick(page, "#platform_1", "u", "upwork")
    type_into(page, "#profile_url_1", "https://www.upwork.com/freelancers/~01keyboard")
    type_into(page, "#headline", "Web developer who works without a mouse")
    attach(page, "#cnic_front", "front.png", cnic_image(name, cnic, "front"))
    attach(page, "#cnic_back", "back.png", cnic_image(name, cnic, "back"))
    tab_to(page, "input[name=listed]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    tab_to(page, "#submit-application")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-application")  # check your answers
    tab_to(page, "#confirm-application")
    page.keyboard.press("Enter")
    page.wait_for_selector("#application-id")
    assert page.inner_text("#application-id").strip()
    audit.check(page, "keyboard-submitted")
