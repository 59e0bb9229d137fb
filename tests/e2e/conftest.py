"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

Every test under tests/e2e/ is marked `e2e`; `make e2e` runs them. Fixtures:

    browser   one headless Chromium per session (/usr/bin/chromium or CHROMIUM_PATH)
    page      a new context per test: locale zh-CN, 1400x1000, base_url = the live server, so page.goto("/x/")
    live_url  the live server's URL; live_url("/organizations/") makes an absolute URL
    login     login(page, username, password=tests.factories.PASSWORD)

The live server's tests are transactional: every table is emptied after each test, so the root conftest
loads the regions again before each of them; create personas with the usual fixtures (registrar_city, …).
A failing test leaves a screenshot and the page's HTML in test-results/.
"""

import os
import re
from pathlib import Path

import pytest

from .browser import CHROMIUM_ARGS, chromium_path
from .browser import login as _login

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = BASE_DIR / "test-results"
HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "10000"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything in this folder `e2e` before `-m` selects."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (rep_setup, rep_call) so `page` can tell a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    # The sync API runs an asyncio loop in this thread; Django refuses ORM calls from a thread with a running
    # loop unless told otherwise. Left set for the rest of the process (teardown order varies).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class LiveUrl(str):
    """The live server's base URL (a str); call it with a path for an absolute URL."""

    def __call__(self, path: str = "/") -> str:
        return self.rstrip("/") + "/" + path.lstrip("/")


@pytest.fixture
def live_url(live_server) -> LiveUrl:
    return LiveUrl(live_server.url)


@pytest.fixture
def page(request, browser, live_url):
    context = browser.new_context(
        base_url=str(live_url), locale="zh-CN", viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    yield page
    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")
    )
    if failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = RESULTS_DIR / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            Path(f"{stem}.txt").write_text(
                f"url: {page.url}\nconsole errors:\n" + "\n".join(console_errors), encoding="utf-8"
            )
        except Exception as error:  # a dead page must not hide the test's own failure
            print(f"could not save the failure's screenshot: {error!r}")
    context.close()


@pytest.fixture
def login():
    """login(page, username, password=PASSWORD): sign in through /login/."""
    return _login
