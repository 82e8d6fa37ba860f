"""Run the bank simulator alone: ``python -m integrations.bank.simulator --port 8790
--hall http://127.0.0.1:8080 --secret S --account 0071000123456`` (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import uvicorn

from integrations.bank.simulator.app import BankConfig, create_app
from integrations.bank.simulator.faults import FaultConfig
from integrations.bank.simulator.ledger import Ledger
from integrations.bank.simulator.sender import Retry


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m integrations.bank.simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8790)
    p.add_argument("--hall", required=True, help="the hall's base URL, http://host:port")
    p.add_argument("--secret", required=True, help="shared with the hall (bank.webhook_secret)")
    p.add_argument("--account", required=True, help="the hall's account number")
    p.add_argument("--bank-bin", default="970436", help="the account's bank (NAPAS BIN)")
    p.add_argument("--ledger", default=None, help="JSON-lines journal of the account's lines")
    p.add_argument("--opening-balance", type=int, default=0)
    p.add_argument("--faults", default="{}", help="fault settings as JSON")
    p.add_argument("--tries", type=int, default=6, help="delivery attempts per notification")
    p.add_argument("--first-retry-s", type=float, default=1.0)
    p.add_argument("--log-level", default="info")
    args = p.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s: %(message)s")
    config = BankConfig(args.hall, args.secret, args.account, args.bank_bin, args.opening_balance)
    journal = Path(args.ledger) if args.ledger else None
    ledger = Ledger(args.account, opening_balance=args.opening_balance, journal=journal)
    try:
        faults = FaultConfig.from_json(json.loads(args.faults))
    except ValueError as e:
        p.error(f"--faults: {e}")
    retry = Retry(tries=args.tries, first_s=args.first_retry_s)
    app = create_app(config, faults=faults, retry=retry, ledger=ledger)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, ws="none")


if __name__ == "__main__":
    main()
