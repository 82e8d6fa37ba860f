"""python-escpos printers built from a printer's config, and one job sent to one.

A printer's config has the shape of ``qms.config.PrinterSettings``::

    {"id": "quay-1", "backend": {"kind": "network", "host": "10.0.0.21", "port": 9100},
     "paper": 80, "mode": "text:cp1258", "profile": "TM-T20II"}

Backends: network (``host``, ``port`` 9100, ``timeout`` s), usb (``vendor``,
``product``: ints or "0x04b8" strings), serial (``device``, ``baudrate``), file
(``path``), console (readable text to the log, or ``"stream": "stdout"``), dummy.
python-escpos is imported when a printer is built, and a device is opened at the first
byte sent, so importing this module and building a printer touch nothing. Reading a
printer's config imports neither python-escpos nor Pillow (``printers.profiles``): the
server validates its printers, the renderer process draws for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from printers.codepages import check_mode
from printers.layout import PAPER_80, Document, Paper, paper
from printers.profiles import get_profile

KINDS = ("network", "usb", "serial", "file", "console", "dummy")
#: the console shows text, so it renders in a text mode whatever the config says
CONSOLE_MODE, CONSOLE_PROFILE = "text:cp1258", "default"


@dataclass(frozen=True)
class PrinterSetup:
    """Where and how one printer prints."""

    backend: Mapping[str, Any] = field(default_factory=lambda: {"kind": "console"})
    paper: Paper = PAPER_80
    mode: str = "image"
    profile: str = "default"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PrinterSetup:
        """Validated: an unknown kind, profile, paper or a mode the profile cannot do fails
        here, when the config is read, not at the first job."""
        backend = dict(config.get("backend") or {"kind": "console"})
        if backend.get("kind") not in KINDS:
            raise ValueError(f"backend kind is one of {', '.join(KINDS)}: {backend!r}")
        mode, profile = config.get("mode", "image"), config.get("profile", "default")
        if backend["kind"] == "console":
            mode, profile = CONSOLE_MODE, CONSOLE_PROFILE
        try:
            check_mode(mode, get_profile(profile))
        except KeyError:
            raise ValueError(f"unknown printer profile {profile!r}") from None
        return cls(backend, paper(int(config.get("paper", 80))), mode, profile)


def print_document(doc: Document, setup: PrinterSetup) -> None:
    """Render fully, then open the device and send everything in one write; raises (and
    sends nothing, or part of it) when the device fails: the caller keeps the job."""
    from printers.render import render_bytes

    data = render_bytes(doc, setup.paper, setup.mode, setup.profile)
    printer = open_printer(setup.backend, setup.profile, setup.paper)
    try:
        printer._raw(data)  # python-escpos's one-write entry point of every printer class
    finally:
        printer.close()


def open_printer(
    backend: Mapping[str, Any], profile: str = "default", paper: Paper = PAPER_80
) -> Any:
    """A python-escpos printer (``escpos.escpos.Escpos``) for a backend config; not
    connected yet: python-escpos opens the device at the first write."""
    from printers.render import fit_profile

    kind = backend.get("kind")
    if kind not in _BUILDERS:
        raise ValueError(f"backend kind is one of {', '.join(KINDS)}: {backend!r}")
    printer = _BUILDERS[kind](backend, profile, paper)
    fit_profile(printer, paper)
    return printer


def _int(value: int | str) -> int:
    return value if isinstance(value, int) else int(value, 0)


def _network(c: Mapping[str, Any], profile: str, _: Paper) -> Any:
    from printers.network import Network

    timeout = float(c.get("timeout", 10))
    return Network(c["host"], int(c.get("port", 9100)), timeout, profile=profile)


def _usb(c: Mapping[str, Any], profile: str, _: Paper) -> Any:
    from escpos.printer import Usb

    return Usb(
        _int(c["vendor"]),
        _int(c["product"]),
        timeout=int(c.get("timeout_ms", 5000)),
        profile=profile,
    )


def _serial(c: Mapping[str, Any], profile: str, _: Paper) -> Any:
    from escpos.printer import Serial

    return Serial(
        c["device"],
        int(c.get("baudrate", 9600)),
        timeout=float(c.get("timeout", 5)),
        profile=profile,
    )


def _file(c: Mapping[str, Any], profile: str, _: Paper) -> Any:
    from escpos.printer import File

    return File(c["path"], profile=profile)


def _console(c: Mapping[str, Any], profile: str, p: Paper) -> Any:
    from printers.console import Console

    return Console(c.get("stream", "log"), p.columns, profile=profile)


def _dummy(c: Mapping[str, Any], profile: str, _: Paper) -> Any:
    from escpos.printer import Dummy

    return Dummy(profile=profile)


_BUILDERS: dict[str, Callable[[Mapping[str, Any], str, Paper], Any]] = {
    "network": _network,
    "usb": _usb,
    "serial": _serial,
    "file": _file,
    "console": _console,
    "dummy": _dummy,
}
