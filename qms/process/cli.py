"""`qms serve` and `qms cmis-sim`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from qms import config
from qms.live import ws_direct

#: permessage-deflate declined: the hall's frames are small JSON on a LAN, and each
#: connection's zlib state cost ~40 KiB of the server's memory and CPU at every frame
WS_DEFLATE = False
CONFIG_HELP = "default: config.yaml here, else the packaged demo defaults"


def _serve(args: argparse.Namespace) -> int:
    source = config.locate(args.config)
    try:
        settings = config.load(source)
    except config.ConfigError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    from qms.process import banner, memory
    from qms.process.app import create_app

    memory.fewer_malloc_arenas()  # before any thread, and for the processes started later
    logging.basicConfig(  # force: python-escpos calls basicConfig when imported
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    host = args.host or settings.server.host
    port = settings.server.port if args.port is None else args.port
    if args.workers > 1:
        from qms.process import multiworker

        return multiworker.serve(settings, str(source), host, port, args.workers, args.log_level)
    from qms.process import guard

    guarded = guard.install(settings.server, guard.raise_open_files())
    if settings.server.pin_cpu:
        from qms.process import cpu

        cpu.pin()  # before any thread or child: they start from its choice
    base = f"http://{host}:{port}"
    app = create_app(settings, base=base)

    class Server(uvicorn.Server):
        """Prints the banner once the socket listens, so "ready" means ready."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                started = app.state.started
                text = banner.lines(base, settings, source, started.cmis_url, started.demo_staff)
                text.insert(-1, f"  {guarded}")
                if started.bank_url:
                    text.insert(-1, f"  bank simulator: {started.bank_url}")
                if started.notify_url:
                    text.insert(-1, f"  SMS/Zalo gateway simulator: {started.notify_url}/messages")
                print("\n".join(text), flush=True)  # one write: "hall ready" comes last

    server = Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=args.log_level,
            **uvicorn_options(settings),
        )
    )
    server.run()
    return 0 if server.started else 1


def uvicorn_options(settings: config.Settings) -> dict[str, Any]:
    """What every ``qms serve`` process tells uvicorn (one process or each of N)."""
    from qms.process import guard

    return {
        "http": guard.GuardedHttp if guard.current() is not None else "auto",
        "timeout_keep_alive": settings.server.keep_alive_s,
        "ws": ws_direct.uvicorn_ws(settings.server.direct_frames),
        "ws_max_size": 65536,
        "ws_per_message_deflate": WS_DEFLATE,
        "proxy_headers": bool(settings.server.trusted_proxies),
        "forwarded_allow_ips": list(settings.server.trusted_proxies),
        "lifespan": "on",
    }


def _cmis_sim(args: argparse.Namespace) -> int:
    from integrations.cmis.simulator.faults import FaultConfig
    from integrations.cmis.simulator.server import run_forever

    try:
        faults = FaultConfig.from_json(json.loads(args.faults)) if args.faults else None
    except (ValueError, TypeError) as exc:
        print(f"qms: --faults: {exc}", file=sys.stderr)
        return 2
    run_forever(
        args.host,
        args.port,
        customers=args.customers,
        seed=args.seed,
        books=args.books,
        notice_days=args.notice_days,
        ledger=args.ledger,
        faults=faults,
    )
    return 0


def _settings_with_branch(args: argparse.Namespace) -> config.Settings | None:
    """The config, and the branch named on the command line must be in it."""
    source = config.locate(args.config)
    try:
        settings = config.load(source)
    except config.ConfigError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return None
    if args.branch not in {b.id for b in settings.branches}:
        print(f"qms: no branch {args.branch} in {source}", file=sys.stderr)
        return None
    return settings


def _org_engine(args: argparse.Namespace) -> Any:
    """The database of the config, its organisation imported (as a first start would):
    the staff verbs name the branches and counters the database holds (docs/admin.md)."""
    import datetime as dt

    from qms.storage import db
    from qms.usecases import org

    settings = config.load(config.locate(args.config))
    engine = db.make_engine(settings.database.url)
    db.create_schema(engine)
    org.import_config(engine, settings, dt.datetime.now(dt.UTC))
    return engine


def _user_add(args: argparse.Namespace) -> int:
    """``qms user add``: the password from stdin, or none (an empty line): a one-time
    password is printed, the person chooses their own at the first sign-in."""
    from qms.usecases.auth import create_user

    password = sys.stdin.readline().rstrip("\n")
    counters = [c for c in (args.counters or "").split(",") if c]
    try:
        engine = _org_engine(args)
    except config.ConfigError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    try:
        temporary = create_user(
            engine, args.username, args.name, args.role, args.branch, password, counters
        )
    except ValueError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"qms: user {args.username} ({args.role}) created")
    if temporary:
        print(f"one-time password (hand it over; a new one is chosen at sign-in): {temporary}")
    return 0


def _user_change(args: argparse.Namespace) -> int:
    """``qms user passwd|disable|enable|reset NAME``: the person's sessions end, and their
    sockets on every running server (within the servers' seq watch, ~2 s)."""
    import datetime as dt

    from qms.usecases import auth

    try:
        engine = _org_engine(args)
    except config.ConfigError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    now = dt.datetime.now(dt.UTC)
    temporary = None
    try:
        if args.user_command == "passwd":
            password = sys.stdin.readline().rstrip("\n")
            ended = auth.set_password(engine, args.username, password, now)
            done = "has a new password"
        elif args.user_command == "reset":
            temporary, ended = auth.reset_password(engine, args.username, now)
            done = "has a one-time password"
        else:
            active = args.user_command == "enable"
            ended = auth.set_active(engine, args.username, active, now)
            done = "enabled" if active else "disabled"
    except ValueError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"qms: user {args.username} {done}; {ended} session(s) ended")
    if temporary:
        print(f"one-time password (hand it over; a new one is chosen at sign-in): {temporary}")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    """``qms user list``: one account a line, tab-separated, for scripts."""
    from qms.usecases import auth

    try:
        engine = _org_engine(args)
    except config.ConfigError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    try:
        users = auth.list_users(engine, args.branch)
    finally:
        engine.dispose()
    print("username\trole\tbranch\tactive\tmust_change_password\tcounters\tfull_name")
    for u in users:
        counters = ",".join(json.loads(u.counters)) if u.counters else "*"
        print(
            f"{u.username}\t{u.role}\t{u.branch_id}\t{'yes' if u.active else 'no'}\t"
            f"{'yes' if u.must_change_password else 'no'}\t{counters}\t{u.full_name}"
        )
    return 0


def _agent(args: argparse.Namespace) -> int:
    from qms.devices import agent

    settings = _settings_with_branch(args)
    if settings is None:
        return 2
    token = os.environ.get("QMS_AGENT_TOKEN") or sys.stdin.readline().strip()
    logging.basicConfig(level=args.log_level.upper(), force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    try:
        agent.run(args.server, token, settings, args.branch, Path(args.journal))
    except PermissionError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qms", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hall server (embedded default)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--config", default=None, help=CONFIG_HELP)
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes on one socket (needs bus.url redis://; see docs/operations.md)",
    )
    serve.set_defaults(func=_serve)
    sim = sub.add_parser("cmis-sim", help="run the CMIS simulator alone")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8091)
    sim.add_argument("--customers", type=int, default=10_000)
    sim.add_argument("--seed", type=int, default=2026)
    sim.add_argument(
        "--books",
        type=int,
        default=None,
        help="spread the customers over this many books (default: 360)",
    )
    sim.add_argument(
        "--notice-days",
        type=int,
        default=7,
        help="days past a due date before a customer is on the disconnection list",
    )
    sim.add_argument("--ledger", default=None)
    sim.add_argument(
        "--faults",
        default=None,
        help='JSON, e.g. \'{"lose_answer_rate": 0.1, "error_rate": 0.05}\'',
    )
    sim.set_defaults(func=_cmis_sim)
    user = sub.add_parser("user", help="staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser(
        "add", help="add an account; the password from stdin (empty: a one-time one, printed)"
    )
    add.add_argument("username")
    add.add_argument("--role", required=True)
    add.add_argument(
        "--full-name",
        "--name",
        dest="name",
        required=True,
        help="the person's full name, as receipts and slips print it (Phạm Thu Ngân)",
    )
    add.add_argument("--branch", required=True)
    add.add_argument("--counters", default=None, help="the counters they may use: C1,C2")
    add.add_argument("--config", default=None, help=CONFIG_HELP)
    add.set_defaults(func=_user_add)
    listing = user_sub.add_parser("list", help="the staff accounts, tab-separated")
    listing.add_argument("--branch", default=None)
    listing.add_argument("--config", default=None, help=CONFIG_HELP)
    listing.set_defaults(func=_user_list)
    for name, text in (
        ("passwd", "set a new password, read from stdin; every session of the person ends"),
        ("disable", "the account signs in nowhere; its sessions and sockets end at once"),
        ("enable", "the account may sign in again"),
        ("reset", "a one-time password, printed; a new one is chosen at the next sign-in"),
    ):
        change = user_sub.add_parser(name, help=text)
        change.add_argument("username")
        change.add_argument("--config", default=None, help=CONFIG_HELP)
        change.set_defaults(func=_user_change)
    ag = sub.add_parser("agent", help="run a hall's printers and LED boards for a central server")
    ag.add_argument("--server", required=True, help="ws://central-host:8080/ws")
    ag.add_argument("--branch", required=True)
    ag.add_argument("--config", default=None, help=CONFIG_HELP)
    ag.add_argument("--journal", default="data/agent-journal.txt")
    ag.add_argument("--log-level", default="info")
    ag.set_defaults(func=_agent)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
