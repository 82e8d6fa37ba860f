"""Run the notification gateway simulator alone: ``python -m integrations.notify.simulator
--port 8791 [--faults '{"fail_next": 3}']`` (Ctrl-C stops it). Its inbox: GET /messages."""

from __future__ import annotations

import argparse
import json

import uvicorn

from integrations.notify.simulator.app import create_app
from integrations.notify.simulator.faults import Faults


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m integrations.notify.simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8791)
    p.add_argument("--faults", default="{}", help="fault settings as JSON (docs/notify.md)")
    p.add_argument("--log-level", default="info")
    args = p.parse_args(argv)
    try:
        faults = Faults.from_json(json.loads(args.faults))
    except ValueError as e:
        p.error(f"--faults: {e}")
    uvicorn.run(create_app(faults), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
