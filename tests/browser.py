"""Helpers for browser tests: Debian chromium driven by Playwright (never a downloaded one)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import HallServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


class Console:
    """Collects console errors, except the browser's own line for an expected 4xx."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        return page

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            self.errors.append(msg.text)


def sign_in(page: Any, hall: HallServer, username: str, counter: str) -> None:
    page.goto(f"{hall.base}/counters/")
    page.fill("#login-username", username)
    page.fill("#login-password", "demo123")
    page.select_option("#login-counter", counter)
    page.click("#login-submit")
    page.wait_for_selector("body[data-state=online]")


def page_session(page: Any, hall: HallServer) -> Any:
    """An API client acting with the page's own session: at a cashier counter a second
    sign-in as the same person would replace the page's (one session per counter)."""
    from tests.hallclient import Device

    raw = page.evaluate("sessionStorage.getItem('qms.session')")
    session = json.loads(raw)
    return Device(hall.base, session["token"], session["principal"]["counter"])
