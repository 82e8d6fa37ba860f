"""/metrics, as the person on call reads it: refused without the token; with it, requests
by route template and status with their latency, websockets by view while open, the
outbox and its oldest payment rising while CMIS fails a payment and falling after, CMIS's
errors by version, a print job that cannot print; with two workers, counts that add up."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from integrations.cmis.base import CmisUnavailable
from integrations.cmis.v1 import Cmis1Client
from integrations.cmis.v2 import Cmis2Client
from qms import config
from qms.process.app import create_app
from tests.conftest import (
    ROOT,
    Customers,
    HallServer,
    postgres_database,
    require_redis,
    run_async,
)
from tests.hallclient import Staff
from tests.procs import until
from tests.test_payments import until_payment
from tests.wsclient import ViewClient, displays_on_two_processes

TOKEN = "metrics-token-for-the-tests-0123"
BRANCH = "PE0100"


def broken_receipt_printer(raw: dict[str, Any]) -> None:
    """C1's receipts go to a file under a file: every try fails, the job stays queued."""
    for printer in raw["branches"][0]["printers"]:
        if printer["id"] == "receipt-c1":
            printer["backend"] = {"kind": "file", "path": "config.yaml/receipt-c1.bin"}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    server = HallServer(tmp_path_factory.mktemp("hall"), server__metrics_token=TOKEN)
    with server.edit_config(broken_receipt_printer).running():
        yield server


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(base: str, token: str | None = TOKEN) -> Samples:
    """One scrape on a new connection (with workers, any of them may answer)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = httpx.get(f"{base}/metrics", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests(samples: Samples, route: str, status: str, method: str = "GET") -> float:
    return value(samples, "qms_http_requests_total", method=method, route=route, status=status)


def test_metrics_refused_without_the_token(hall: HallServer) -> None:
    for headers in (
        {},
        {"authorization": "Bearer wrong-token-0123456789"},
        {"authorization": TOKEN},
    ):
        r = httpx.get(f"{hall.base}/metrics", headers=headers)
        assert r.status_code == 401
        error = r.json()["error"]
        assert error["code"] == "metrics_token_wrong"
        assert "Authorization: Bearer" in error["message"]  # Vietnamese, saying what to send
        assert "Authorization: Bearer" in error["message_en"]


def test_metrics_off_without_a_token_in_config() -> None:
    """No token configured: nobody reads them (in-process, lifespan not run: refused
    before the hall is needed, so no server is started for it)."""
    app = create_app(config.load(ROOT / "config.yaml"))

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hall") as client:
            return await client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})

    r = run_async(get())
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "metrics_off"


def test_a_short_token_stops_the_start_naming_its_key() -> None:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["server"]["metrics_token"] = "short"
    with pytest.raises(config.ConfigError, match=r"server\.metrics_token"):
        config.parse(raw)


def test_requests_by_route_template_and_status(hall: HallServer, staff: dict[str, Staff],
                                              customers: Customers) -> None:  # fmt: skip
    ticket = staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    before = scrape(hall.base)
    for _ in range(2):
        staff["sup"].get(f"/api/tickets/{ticket['number']}")
    r = staff["sup"].http.get("/api/tickets/99999")
    assert r.status_code == 404
    assert staff["sup"].http.get("/no/such/page/4711").status_code == 404
    after = scrape(hall.base)

    route = "/api/tickets/{number}"
    assert requests(after, route, "200") - requests(before, route, "200") == 2
    assert requests(after, route, "404") - requests(before, route, "404") == 1
    assert requests(after, "unmatched", "404") - requests(before, "unmatched", "404") >= 1
    count = ("qms_http_request_seconds_count", frozenset({("method", "GET"), ("route", route)}))
    assert after[count] - before.get(count, 0) == 3
    bucket = ("qms_http_request_seconds_bucket",
              frozenset({("method", "GET"), ("route", route), ("le", "+Inf")}))  # fmt: skip
    assert after[bucket] == after[count]
    labels = {v for _, ls in after for k, v in ls if k == "route"}
    assert not any("4711" in v or "99999" in v for v in labels), "raw paths never label"


def test_websockets_counted_by_view_while_open(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    views = ("display", "cashier", "follow", "none")

    def connections() -> dict[str, float]:
        s = scrape(hall.base)
        return {v: value(s, "qms_websocket_connections", view=v) for v in views}

    t = staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    before = connections()
    display = ViewClient(hall.ws_url, "demo-display-1", "display").connect()
    cashier = ViewClient(hall.ws_url, staff["c2"].token, "cashier:C2").connect()
    with (
        connect(f"{hall.ws_url.removesuffix('/ws')}/t/{t['follow_token']}/ws") as phone,
        connect(hall.ws_url) as silent,  # never authenticates
    ):
        try:
            display.recv(), cashier.recv(), phone.recv(timeout=10)  # subscribed, all three
            silent.send(json.dumps({"type": "ping"}))
            assert json.loads(silent.recv(timeout=10))["type"] == "pong"
            now = connections()
            assert {v: now[v] - before[v] for v in views} == dict.fromkeys(views, 1)
        finally:
            display.close()
            cashier.close()
    assert until(lambda: connections() == before), "closed sockets leave the count"


def test_outbox_and_cmis_errors_while_cmis_fails_a_payment(
    hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    sup = ViewClient(hall.ws_url, staff["sup"].token, "supervisor").connect()
    sup.apply(sup.recv())
    t = staff["reception"].post("/api/tickets", {"customers": [customers.take(invoices=1)]})
    inv = t["customers"][0]["invoices"][0]
    clerk = staff["even"] if inv["lookup"] == "even" else staff["odd"]
    clerk.post(f"/api/tickets/{t['number']}/invoices/{inv['invoice_id']}/found")
    errors = value(scrape(hall.base), "qms_cmis_call_errors_total", version="2.0", kind="http_5xx")
    faults = f"{hall.cmis_url}/admin/faults"
    httpx.put(faults, json={"invoice_faults": {str(inv["invoice_id"]): "error"}}).raise_for_status()
    try:
        staff["c1"].act("call", number=t["number"])
        paid = staff["c1"].act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        txn = paid["payments"][0]["txn_id"]

        def failing() -> bool:
            s = scrape(hall.base)
            return (
                value(s, "qms_cmis_call_errors_total", version="2.0", kind="http_5xx") > errors
                and value(s, "qms_outbox_payments", branch=BRANCH, status="pending") >= 1
            )

        assert until(failing), "CMIS's 500s are counted and the payment waits"
        s = scrape(hall.base)
        assert value(s, "qms_outbox_oldest_payment_age_seconds", branch=BRANCH) > 0
        assert value(s, "qms_cmis_call_seconds_count", version="2.0") > 0
    finally:
        httpx.put(faults, json={}).raise_for_status()
    until_payment(sup, txn, "payment.confirmed")
    sup.close()
    s = scrape(hall.base)
    assert value(s, "qms_outbox_payments", branch=BRANCH, status="pending") == 0
    assert value(s, "qms_outbox_oldest_payment_age_seconds", branch=BRANCH) == 0
    # C1's receipt printer fails every try: its job is the print backlog, and it ages
    jobs = sum(
        value(s, "qms_device_jobs", branch=BRANCH, kind="print", status=status)
        for status in ("queued", "sending")
    )
    assert jobs >= 1
    assert value(s, "qms_device_oldest_job_age_seconds", branch=BRANCH, kind="print") > 0
    assert value(s, "qms_writer_wait_seconds_count") > 0


def test_cmis_errors_counted_by_version_where_both_adapters_pass(
    hall: HallServer, customers: Customers
) -> None:
    """Both adapters against the hall's simulator while it is down: 2.0 answers 503
    (``http_5xx``), 1.0 an HTTP 200 saying busy (``busy``). In this process, as the demo
    hall's one branch talks 2.0 (the server's own count is above)."""

    def errors(version: str, kind: str) -> float:
        return (
            REGISTRY.get_sample_value(
                "qms_cmis_call_errors_total", {"version": version, "kind": kind}
            )
            or 0.0
        )

    code = customers.take()

    async def debts(adapter: type[Cmis1Client | Cmis2Client]) -> None:
        async with adapter(hall.cmis_url, retries=0) as client:
            await client.get_debts(code)

    faults = f"{hall.cmis_url}/admin/faults"
    httpx.put(faults, json={"down": True}).raise_for_status()
    try:
        for adapter, kind in ((Cmis2Client, "http_5xx"), (Cmis1Client, "busy")):
            before = errors(adapter.version, kind)
            with pytest.raises(CmisUnavailable):
                run_async(debts(adapter))
            assert errors(adapter.version, kind) == before + 1, adapter.version
    finally:
        httpx.put(faults, json={}).raise_for_status()
    sample = {"version": "1.0"}
    assert (REGISTRY.get_sample_value("qms_cmis_call_seconds_count", sample) or 0) >= 1


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[HallServer]:
    bus = require_redis()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database())
        hall = HallServer(tmp_path, workers=2, server__metrics_token=TOKEN)
        hall.edit_config(lambda raw: raw.update(database={"url": url}, bus={"url": bus}))
        with hall.running():
            yield hall


@pytest.mark.postgres
def test_two_workers_add_up(two_workers: HallServer) -> None:
    hall = two_workers
    pids = set()
    for _ in range(12):
        with httpx.Client(base_url=hall.base) as http:  # a new connection: either worker
            pids.add(http.get("/healthz").json()["worker"])
    assert len(pids) == 2, "both workers answered"
    displays = displays_on_two_processes(hall.ws_url, "demo-display-1")
    try:
        for _ in range(6):  # each scrape on a new connection, answered by either worker
            s = scrape(hall.base)
            assert requests(s, "/healthz", "200") == 12
            assert value(s, "qms_websocket_connections", view="display") == len(displays)
    finally:
        for d in displays:
            d.close()


def test_every_metric_is_documented_with_the_alert(hall: HallServer) -> None:
    """docs/operations.md names every qms_ metric a scrape shows, and its example alert
    rule is YAML that reads the outbox's oldest payment against 5 minutes."""
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = doc.split("## Metrics for the person on call", 1)[1].split("\n## ", 1)[0]
    families = {name.removesuffix("_total") for name, _ in scrape(hall.base)}
    families = {re.sub(r"_(bucket|count|sum)$", "", n) for n in families if n.startswith("qms_")}
    assert families >= {"qms_outbox_oldest_payment_age_seconds", "qms_http_requests"}
    assert [n for n in sorted(families) if f"`{n}" not in section] == []
    rules = next(b for b in section.split("```yaml")[1:] if "groups:" in b).split("```")[0]
    alert = yaml.safe_load(rules)["groups"][0]["rules"][0]
    assert alert["expr"] == "max by (branch) (qms_outbox_oldest_payment_age_seconds) > 300"
