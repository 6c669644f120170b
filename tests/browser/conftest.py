"""Real headless Chromium for the pages: Playwright's Python package driving Debian's `chromium` by path.

No browser is ever downloaded: `.ci/run` installs Debian's `chromium` when it is missing. In CI a missing
browser fails the run; locally these tests are skipped without one. Every test can keep screenshots
through `shot(page, "name")`; they land in `test-artifacts/screenshots/` (kept by CI as artefacts).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PHONE_VIEWPORT = {"width": 360, "height": 740}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("LOYALTY_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


# Per module, not per session: while Playwright's sync API is running it holds an event loop on the main
# thread, and any later test in the same xdist worker that calls asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Debian's chromium is required in CI (.ci/run installs it)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page in a fresh context (its own cookies), Vietnamese locale, Vietnam's time zone."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A cheap Android phone's viewport (360 px wide), touch, Vietnamese locale."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh", device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """`shot(page, "member-page")` saves a full-page PNG named after the test and returns its path."""

    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        test = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        path = SCREENSHOTS / f"{test}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
