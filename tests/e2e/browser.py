"""Helpers for browser tests (Playwright sync API). Fixtures live in tests/e2e/conftest.py."""

import os
import re
import shutil

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    """The system Chromium (Debian's `chromium`); never a Playwright download. CHROMIUM_PATH overrides."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("No Chromium: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)")


def login(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through /login/ (Django's LoginView: fields `username` and `password`) and wait to leave it."""
    page.goto("/login/")
    form = page.locator("form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"], input[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))
