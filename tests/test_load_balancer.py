"""Two hosts behind a real HTTP load balancer: Debian's nginx, round robin per request,
no sticky sessions. Each host is a `qms serve` on the same PostgreSQL and Redis. A
sign-in made through one host works on the other, numbers stay unique, every display
sees every event whichever host holds its websocket, CMIS gets each payment once, and
the hosts see the client's address that the balancer passes on.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import (
    Customers,
    HallServer,
    free_port,
    postgres_database,
    require_redis,
    require_service,
)
from tests.hallclient import Staff
from tests.wsclient import ViewClient, displays_on_two_processes

NGINX = "nginx"
#: the address nginx says each request came from (on loopback every client is 127.0.0.1)
CLIENT = "203.0.113.9"
BOUND_S = 15.0  # how long nginx may take to answer through to a host

CONF = """\
daemon off;
master_process off;
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    log_format hosts '$upstream_addr $request_method $uri';
    access_log {tmp}/access.log hosts;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream hall {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' close;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://hall;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For {client};
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(tmp: Path, upstreams: tuple[int, int]) -> Iterator[str]:
    """nginx in front of the two ports, as a child of the test; yields its base URL."""
    binary = shutil.which(NGINX) or shutil.which(NGINX, path="/usr/sbin")
    if binary is None:
        require_service("nginx", "nginx is missing (apt-get install -y nginx-light)")
    assert binary is not None
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(CONF.format(tmp=tmp, a=upstreams[0], b=upstreams[1], port=port, client=CLIENT))
    proc = subprocess.Popen([binary, "-p", str(tmp), "-c", str(conf)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as http:
            for _ in range(int(BOUND_S / 0.1)):  # bounded: each try waits up to 0.1 s
                if proc.poll() is not None:
                    assert proc.stderr is not None
                    raise RuntimeError("nginx exited: " + proc.stderr.read().decode())
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=0.1)
            else:
                raise RuntimeError("nginx did not answer through to the hall")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


def upstreams_of(tmp: Path, method: str, uri: str) -> Counter[str]:
    """Which host answered each such request (``uri`` or under it), from nginx's log."""
    seen: Counter[str] = Counter()
    for line in (tmp / "access.log").read_text().splitlines():
        addr, m, u = line.split(" ")
        if m == method and (u == uri or u.startswith(uri + "/")):
            seen[addr] += 1
    return seen


class Balanced(NamedTuple):
    a: HallServer  # runs the CMIS simulator, standing in for the remote CMIS
    b: HallServer  # talks to A's simulator
    base: str  # nginx
    logs: Path  # nginx's folder, with access.log


@pytest.fixture(scope="module")
def balanced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balanced]:
    bus_url = require_redis()
    tmp = tmp_path_factory.mktemp("balanced")
    for name in ("a", "b", "lb"):
        (tmp / name).mkdir()
    with postgres_database() as url:
        lb = {"server__trusted_proxies": ["127.0.0.1"]}  # nginx, on this machine
        a = HallServer(tmp / "a", database__url=url, bus__url=bus_url, **lb)
        b = HallServer(tmp / "b", database__url=url, bus__url=bus_url, **lb)
        remote = {"mode": "remote", "v2_url": a.cmis_url, "v1_url": a.cmis_url}
        b.edit_config(lambda raw: raw["cmis"].update(remote))
        with a.running(), b.running():  # one after the other: the first creates the schema
            with nginx(tmp / "lb", (a.port, b.port)) as base:
                yield Balanced(a, b, base, tmp / "lb")


@pytest.mark.slow
@pytest.mark.postgres
def test_two_hosts_behind_nginx_are_one_hall(balanced: Balanced, demo: Any) -> None:
    a, b, base, lb_dir = balanced
    ws = base.replace("http://", "ws://") + "/ws"
    views = displays_on_two_processes(ws, "demo-display-1")
    pick = Customers(demo)
    codes = [pick.take(invoices=1) for _ in range(24)]
    reception = [Staff(base, "reception", "R1") for _ in range(4)]

    def issue(i: int) -> int:
        r = reception[i % 4].post("/api/tickets", {"customers": [codes[i]]})
        return int(r["number"])

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        numbers = sorted(pool.map(issue, range(len(codes))))
    assert numbers == list(range(1, len(codes) + 1)), "no number twice, none skipped"
    answered = upstreams_of(lb_dir, "POST", "/api/tickets")
    assert set(answered) == {f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}, answered

    # one cashier's session, its requests spread over both hosts: found, call, F4
    even, odd = Staff(base, "lookup1", "LE"), Staff(base, "lookup2", "LO")
    cashier = Staff(base, "cashier1", "C1")
    cashier.open_drawer()
    paid = []
    for number in numbers[:4]:
        t = cashier.get(f"/api/tickets/{number}")
        inv = t["customers"][0]["invoices"][0]
        lookup = even if inv["lookup"] == "even" else odd
        lookup.post(f"/api/tickets/{number}/invoices/{inv['invoice_id']}/found")
        cashier.act("call", number=number)
        done = cashier.act("collect", invoices=[inv["invoice_id"]], amount=inv["total"])
        paid += done["payments"]
    assert len(upstreams_of(lb_dir, "POST", "/api/counters/C1")) == 2, "call, F4: both"

    # every display, on either host, ends at the branch's last seq with the calls
    last = cashier.get("/api/snapshot?view=display")["seq"]
    for v in views:
        v.until_seq(last, timeout=20)
        called = {t["number"] for t in v.tickets.values() if t["called_at"]}
        assert called >= set(numbers[:4])
        v.close()

    # both hosts believe the balancer: the audit log has the client's address
    sup = Staff(base, "supervisor", None)
    logins = [e for e in sup.get("/api/audit")["entries"] if e["action"] == "auth.login"]
    assert {e["via"] for e in logins if e["actor"] == "user:supervisor"} == {CLIENT}

    # the leader, whichever host it is, posted each payment to CMIS once
    view = ViewClient(ws, sup.token, "supervisor").connect()
    view.apply(view.recv())
    confirmed = {p["txn_id"] for p in sup.get("/api/payments?status=confirmed")["payments"]}
    while not {p["txn_id"] for p in paid} <= confirmed:
        msg = view.recv(timeout=30)
        if msg.get("event") == "payment.confirmed":
            confirmed.add(msg["data"]["payment"]["txn_id"])
    view.close()
    day = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    ledger = httpx.get(
        f"{a.cmis_url}/v2/payments", params={"date": day, "collection_point": "PE0100-HALL1"}
    ).json()["GIAO_DICH"]
    assert sorted(g["MA_GD"] for g in ledger) == sorted(p["txn_id"] for p in paid)
    for s in (*reception, even, odd, cashier, sup):
        s.close()


def test_a_forwarded_address_counts_only_from_a_configured_balancer(tmp_path: Path) -> None:
    """With the balancer elsewhere (``server.trusted_proxies``), a client on loopback
    cannot pass itself off as another address with the header."""
    with HallServer(tmp_path, server__trusted_proxies=["192.0.2.1"]).running() as hall:
        r = httpx.post(
            f"{hall.base}/api/auth/login",
            json={"username": "supervisor", "password": "demo123"},
            headers={"x-forwarded-for": CLIENT},
        )
        r.raise_for_status()
        sup = Staff(hall.base, "supervisor", None)
        logins = [e for e in sup.get("/api/audit")["entries"] if e["action"] == "auth.login"]
        sup.close()
    assert [e["via"] for e in logins] == ["127.0.0.1", "127.0.0.1"]


def test_failed_sign_ins_count_on_every_host(balanced: Balanced) -> None:
    """The sign-in limit is the hall's, not each host's: five wrong passwords spread over
    both hosts lock the name out on both, even for the right password."""

    def login(password: str) -> httpx.Response:
        return httpx.post(
            f"{balanced.base}/api/auth/login",
            json={"username": "cashier3", "password": password},
        )

    for _ in range(5):
        assert login("wrong-password").json()["error"]["code"] == "bad_credentials"
    hosts = upstreams_of(balanced.logs, "POST", "/api/auth/login")
    assert len(hosts) == 2, hosts
    for _ in range(2):  # each host in turn refuses
        r = login("demo123")
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
        assert 0 < r.json()["error"]["details"]["retry_after_s"] <= 300
