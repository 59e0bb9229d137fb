"""The browser harness itself: Chromium starts, reaches the live server, and zh-CN is the page's locale."""

import json

import pytest

pytestmark = pytest.mark.e2e


def test_chromium_reaches_the_live_server(page, live_url):
    response = page.goto(live_url("/healthz/"))

    assert response.status == 200
    assert json.loads(page.locator("body").inner_text())["database"] == "ok"
    assert page.evaluate("navigator.language") == "zh-CN"
