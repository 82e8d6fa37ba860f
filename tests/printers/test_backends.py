"""Backends from config: the file backend writes exactly the golden bytes, the console shows
text, building a printer touches no device, and a dead device raises (the job is kept)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from escpos.exceptions import DeviceNotFoundError

from printers.backends import PrinterSetup, open_printer, print_document
from printers.layout import PAPER_58, PAPER_80
from printers.render import render_bytes
from printers.samples import all_documents
from tests.procs import fresh_python

RECEIPT = all_documents()["receipt"]


def test_file_backend_writes_the_rendered_bytes(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    setup = PrinterSetup.from_config(
        {
            "backend": {"kind": "file", "path": str(out)},
            "paper": 58,
            "mode": "text:tcvn3",
            "profile": "TM-T20II",
        }
    )
    print_document(RECEIPT, setup)
    assert out.read_bytes() == render_bytes(RECEIPT, PAPER_58, "text:tcvn3", "TM-T20II")
    golden = Path(__file__).parent / "golden" / "receipt-58mm-text-tcvn3.bin"
    assert out.read_bytes() == golden.read_bytes()


def test_console_writes_readable_text(capsys: pytest.CaptureFixture[str]) -> None:
    setup = PrinterSetup.from_config({"backend": {"kind": "console", "stream": "stdout"}})
    assert (setup.mode, setup.profile) == ("text:cp1258", "default")
    print_document(RECEIPT, setup)
    out = capsys.readouterr().out
    assert "BIÊN NHẬN THU TIỀN ĐIỆN" in out
    assert "  Kỳ 01/2026                         1.234.567 đ\n" in out
    assert "TỔNG ĐÃ THU / TOTAL PAID             2.678.217 đ\n" in out


def test_console_logs_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="printers.console")
    print_document(RECEIPT, PrinterSetup.from_config({"paper": 58}))
    assert "Phạm Thị Hồng Nhung" in caplog.text


def test_dummy_backend() -> None:
    printer = open_printer({"kind": "dummy"}, "TM-T20II", PAPER_80)
    printer._raw(b"x")
    assert printer.output == b"x"


def test_building_printers_touches_no_device() -> None:
    net = open_printer({"kind": "network", "host": "192.0.2.1"}, "default")
    assert (net.host, net.port, net._device) == ("192.0.2.1", 9100, False)
    usb = open_printer({"kind": "usb", "vendor": "0x04b8", "product": 0x0E15}, "TM-T20II")
    assert usb.usb_args == {"idVendor": 0x04B8, "idProduct": 0x0E15} and usb._device is False
    ser = open_printer({"kind": "serial", "device": "/dev/ttyNONE", "baudrate": 19200})
    assert (ser.devfile, ser.baudrate, ser._device) == ("/dev/ttyNONE", 19200, False)


def test_an_offline_network_printer_raises() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    setup = PrinterSetup.from_config(
        {"backend": {"kind": "network", "host": "127.0.0.1", "port": port, "timeout": 2}}
    )
    with pytest.raises(DeviceNotFoundError):
        print_document(RECEIPT, setup)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"backend": {"kind": "lpt"}}, "backend kind"),
        ({"backend": {"kind": "file", "path": "x"}, "paper": 76}, "paper is 58 or 80"),
        ({"backend": {"kind": "dummy"}, "profile": "nope"}, "unknown printer profile"),
        ({"backend": {"kind": "dummy"}, "mode": "text:cp1258", "profile": "TM-T88IV-SA"}, "CP1258"),
    ],
)
def test_bad_configs_fail_when_read(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrinterSetup.from_config(config)


def test_importing_the_package_does_no_io() -> None:
    """python-escpos reads and pickles its capability file when escpos.capabilities is
    imported (escpos.printer imports it): that waits for the first printer."""
    code = (
        "import sys, printers.backends, printers.documents, printers.render, printers.dissect;"
        "print(sorted(m for m in sys.modules if m.startswith('escpos.')))"
    )
    assert fresh_python(code) == "['escpos.constants', 'escpos.types', 'escpos.version']"


def test_reading_a_printer_config_loads_neither_pillow_nor_escpos_profiles() -> None:
    """The server validates its printers without the renderer's libraries (~7 MiB)."""
    code = (
        "import sys; from printers.backends import PrinterSetup;"
        "PrinterSetup.from_config({'backend': {'kind': 'file', 'path': 'x'},"
        " 'mode': 'text:tcvn3', 'profile': 'TM-T20II'});"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PIL', 'segno', 'escpos')))"
    )
    assert fresh_python(code) == "['escpos', 'escpos.version']"  # to find its data file


def test_profiles_read_without_escpos_are_escpos_profiles() -> None:
    from escpos.capabilities import CAPABILITIES
    from escpos.capabilities import get_profile as escpos_profile

    from printers.profiles import get_profile

    for name in CAPABILITIES["profiles"]:
        ours, theirs = get_profile(name), escpos_profile(name)
        assert ours.profile_data == theirs.profile_data
        assert ours.codePages == theirs.codePages
    with pytest.raises(KeyError):
        get_profile("nope")
