"""A real browser for the journeys (the form-filling helpers are in support/browser.py)."""
import pytest
from playwright.sync_api import sync_playwright

from eventkit.mongo import get_database
from support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from support.pages import PageAudit


@pytest.fixture(scope="session")
def browser(stack):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def language():
    """The language the browser asks for (Accept-Language); a test may parametrize it."""
    return "en"


@pytest.fixture
def page(browser, language):
    context = browser.new_context(locale="ur-PK" if language == "ur" else "en-GB",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def audit(request):
    """Runs axe-core on a page at both widths and keeps its screenshots (support/pages.py)."""
    return PageAudit(request.node.name)


@pytest.fixture(autouse=True)
def forget_browser_submissions(stack):
    """Chromium can only reach intake from 127.0.0.1, whose hourly submission limit repeated
    local runs would use up; the journeys start with that one address's counters cleared."""
    get_database(stack.servers.mongodb_uri, "intake")["rate_limits"].delete_many(
        {"_id": {"$regex": r"^submit:127\.0\.0\.1:"}})
