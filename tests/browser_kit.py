"""What the real-browser tests share: the app served by `streamlit run` on a database the test prepared, Debian's
Chromium through Playwright, and the steps a person takes (sign in, pick from a list, switch the language).

Importing this module skips the importing test module when Chromium is missing, except in CI
(`VZ_REQUIRE_BROWSER=1`), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from safety.i18n import t

from conftest import ROOT

REQUIRED = os.environ.get("VZ_REQUIRE_BROWSER") == "1"  # CI sets it: there a missing browser is a failure
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    if REQUIRED:
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)
if not REQUIRED:
    pytest.importorskip("playwright", reason="playwright is not installed")
from playwright.sync_api import Browser, Locator, Page, Route, expect, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60  # seconds for `streamlit run` to answer on its port
TIMEOUT = 20_000  # milliseconds for every expect() and page action: a busy machine draws a long page slowly
expect.set_options(timeout=TIMEOUT)  # expect() has its own default of 5 s, apart from the page's
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serve(db_path: Path, log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run app.py` on `db_path` on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Others may edit the sources while the journey runs: no watcher, so no "source changed" banner.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    environment = os.environ | {"VZ_DB_PATH": str(db_path)} | (env or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(f"{base}/_stcore/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    state = f"exited with {process.returncode}" if process.poll() is not None else "did not answer"
                    pytest.fail(f"streamlit {state} within {STARTUP_TIMEOUT} s:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def guarded_page(browser: Browser, server: str, locale: str = "ru-RU") -> Iterator[Page]:
    """A fresh browser context (own cookies, own Streamlit session) that fails on uncaught JavaScript errors.

    Requests beyond the loopback are aborted, so nothing leaves the machine, and fail the test.
    """
    context = browser.new_context(base_url=server, viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(TIMEOUT)
    foreign: list[str] = []

    def refuse(route: Route) -> None:
        foreign.append(route.request.url)
        route.abort()

    context.route(is_foreign, refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("websocket", lambda socket_: foreign.append(socket_.url) if is_foreign(socket_.url) else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not foreign, f"the page asked for off-loopback URLs (aborted): {sorted(set(foreign))}"
    assert not errors, f"uncaught JavaScript errors: {errors}"


def is_foreign(url: str) -> bool:
    """Whether a request would leave the machine."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1"


def shot(page: Page, name: str) -> None:
    """A full-page screenshot in tests/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def title(page: Page, key: str, language: str) -> Locator:
    """The page's h1 holding the catalogue text of `key`."""
    return page.get_by_role("heading", level=1, name=t(key, language), exact=True)


def expect_page_loaded(page: Page, title_key: str, language: str, *, demo: bool = True) -> None:
    """The page's title is shown in `language`, with the demo notice (on demo data), and no "Page not found" dialog;
    and its run is over, so no element of the language before a switch is still on the page (the title comes early
    in a run)."""
    expect(title(page, title_key, language)).to_be_visible()
    idle(page)
    if demo:
        notice = t("demo.notice", language).split(":")[0]  # its start: the rest holds a command drawn as code
        expect(page.get_by_test_id("stAlert").filter(has_text=notice)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)


def language_box(page: Page, language: str) -> Locator:
    """The sidebar's language selectbox, found by its label in `language` (with or without a leading icon)."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=t("sidebar.language", language))


def nav_link(page: Page, key: str, language: str) -> Locator:
    """The sidebar navigation's link to the page titled by catalogue `key`."""
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=t(key, language), exact=True)


def sign_in(page: Page, username: str, password: str, language: str) -> None:
    """Fill the sign-in form (shown at every address while signed out)."""
    expect(title(page, "signin.title", language)).to_be_visible()
    page.get_by_label(t("label.username", language), exact=True).fill(username)
    page.get_by_label(t("label.password", language), exact=True).fill(password)
    shot(page, f"00_signin_{username}_{language}")
    page.get_by_role("button", name=t("auth.sign_in", language), exact=True).click()


def pattern(key: str, language: str, *numbers: str, **params: object) -> re.Pattern[str]:
    """A catalogue message as a pattern: the parameters named in `numbers` match any number, as a group each."""
    marked = t(key, language, **params | {name: f"\x00{name}\x00" for name in numbers})
    text = re.escape(marked)
    for name in numbers:
        text = text.replace(f"\x00{name}\x00", r"(\d+)")
    return re.compile(text)


def idle(page: Page) -> None:
    """Wait for the app's run to end: a click while it draws may land on an element about to be replaced."""
    expect(page.locator("[data-test-script-state]")).to_have_attribute("data-test-script-state", "notRunning")


def choose(box: Locator, option: str) -> None:
    """Open a selectbox by its arrow once the page is idle and pick one of its options by its text. The first press
    on a selectbox at times only focuses it, so the arrow is pressed again until the list shows."""
    idle(box.page)
    wanted = box.page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.get_by_role("button", name="Open").click()
        try:
            wanted.wait_for(timeout=1500)
        except PlaywrightTimeout:
            continue
        wanted.click()
        return
    pytest.fail(f"the selectbox did not open its list: {box}")  # not an AssertionError: never an expected failure
