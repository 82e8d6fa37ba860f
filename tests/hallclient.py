"""A small client of the public HTTP API for tests: logs in, acts, returns JSON."""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.code = body.get("error", {}).get("code")


class Staff:
    """One signed-in person at one counter."""

    def __init__(self, base: str, username: str, counter: str | None, password: str = "demo123"):
        self.http = httpx.Client(base_url=base, timeout=30)
        self.username, self.password, self.counter = username, password, counter
        self.sign_in_again()

    def sign_in_again(self) -> None:
        """A new session at the same counter. At a cashier counter it replaces the
        person's old one (a page signed in as them, say), whose token stops working."""
        r = self.http.post(
            "/api/auth/login",
            json={"username": self.username, "password": self.password, "counter": self.counter},
        )
        r.raise_for_status()
        self.token = r.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def call(self, method: str, path: str, json: Any = None) -> Any:
        r = self.http.request(method, path, json=json)
        if r.status_code >= 400:
            raise ApiError(r.status_code, r.json())
        return r.json()

    def post(self, path: str, json: Any = None) -> Any:
        return self.call("POST", path, json)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def act(self, action: str, **body: Any) -> Any:
        return self.post(f"/api/counters/{self.counter}/{action}", body)

    def open_drawer(self, float_amount: int = 0) -> Any:
        """Start the cashier's day: F4 needs an open cash drawer."""
        return self.post("/api/cash/drawer/open", {"float": float_amount})

    def close(self) -> None:
        self.http.close()


class Device(Staff):
    """A client holding a token it was given: a device's, or a page's own session."""

    def __init__(self, base: str, token: str, counter: str | None = None):
        self.http = httpx.Client(base_url=base, timeout=30)
        self.token = token
        self.counter = counter
        self.http.headers["Authorization"] = f"Bearer {token}"


def ready_ticket(people: dict[str, Staff], code: str) -> dict[str, Any]:
    """A ticket for ``code`` whose paper invoices the lookup counters have all found (F9),
    as it stands after."""
    number = people["kiosk"].post("/api/tickets", {"customers": [code]})["number"]
    t = people["sup"].get(f"/api/tickets/{number}")
    for c in t["customers"]:
        for inv in c["invoices"]:
            clerk = people["even"] if inv["lookup"] == "even" else people["odd"]
            clerk.post(f"/api/tickets/{number}/invoices/{inv['invoice_id']}/found")
    return people["sup"].get(f"/api/tickets/{number}")  # type: ignore[no-any-return]
