"""Every Vietnamese letter with every tone, upper and lower case, through every mode: what a
text mode sends decodes back to the same letters; what it cannot send goes as an image."""

from __future__ import annotations

import unicodedata

import pytest
from escpos.capabilities import get_profile
from escpos.codepages import CodePages
from escpos.printer import Dummy

from printers import raster, tcvn3
from printers.codepages import check_mode, page_numbers
from printers.dissect import readable
from printers.layout import PAPER_80, Document, Paper, Text
from printers.render import render
from printers.vietnamese import (
    ALPHABET,
    PANGRAM,
    Unencodable,
    decode_cp1258,
    encode_cp1258,
)


def test_the_alphabet_is_complete() -> None:
    assert len(ALPHABET) == 2 * (12 * 6 + 1) == len(set(ALPHABET))
    for c in "ếẾậẬỹỸđĐưỨ":
        assert c in ALPHABET


def test_python_cp1258_codec_cannot_encode_most_letters() -> None:
    """The finding that makes vietnamese.encode_cp1258 necessary."""
    with pytest.raises(UnicodeEncodeError):
        "ế".encode("cp1258")
    direct = [c for c in ALPHABET if c.encode("cp1258", errors="ignore")]
    assert len(direct) == 42 and len(ALPHABET) - len(direct) == 104


def test_cp1258_round_trip() -> None:
    data = encode_cp1258(PANGRAM)
    assert decode_cp1258(data) == PANGRAM
    assert encode_cp1258("ế") == b"\xea\xec"  # ê + combining acute
    assert encode_cp1258("á") == b"\xe1"  # precomposed where CP1258 has it
    assert encode_cp1258("Ậ") == b"\xc2\xf2"  # Â + combining dot below
    assert encode_cp1258(unicodedata.normalize("NFD", "Việt")) == encode_cp1258("Việt")


def test_cp1258_refuses_what_it_cannot_print() -> None:
    for text in ("Ω", "中", "ş"):
        with pytest.raises(Unencodable):
            encode_cp1258(text)


def test_tcvn3_round_trip_switches_to_the_capitals_page() -> None:
    runs = tcvn3.encode_tcvn3(PANGRAM)
    assert "".join(tcvn3.decode_tcvn3(b, page) for page, b in runs) == PANGRAM
    assert tcvn3.encode_tcvn3("Việt") == [("TCVN-3-1", b"Vi\xd6t")]
    assert tcvn3.encode_tcvn3("VIỆT") == [
        ("TCVN-3-1", b"VI"),
        ("TCVN-3-2", b"\xd6"),
        ("TCVN-3-1", b"T"),
    ]


def test_tcvn3_without_the_capitals_page_refuses_toned_capitals() -> None:
    lower_only = frozenset({tcvn3.LOWER_PAGE})
    assert tcvn3.encode_tcvn3("điện lực", lower_only)
    for c in "ẾĂĐ":
        with pytest.raises(Unencodable):
            tcvn3.encode_tcvn3(c, lower_only)


@pytest.mark.parametrize("page", [tcvn3.LOWER_PAGE, tcvn3.UPPER_PAGE])
def test_tcvn3_tables_agree_with_escpos_printer_db(page: str) -> None:
    data = "".join(CodePages.get_encoding(page)["data"])
    theirs = {c: i + 0x80 for i, c in enumerate(data) if c != " "}
    ours = {"Ð" if c == "Đ" else c: code for c, code in tcvn3.TABLES[page].items()}
    assert ours == theirs  # the db writes Đ as Ð (U+00D0, Eth): same glyph


def test_tcvn3_is_vn3_for_lower_case() -> None:
    """Page 30 is the standard VN3 table, less its seven toneless capitals."""
    vn3_lower = {c for c in ALPHABET if c.islower() and ord(c) >= 0x80}
    assert set(tcvn3.LOWER) == vn3_lower
    assert set(tcvn3.UPPER) == {c.upper() for c in vn3_lower}
    assert not set(tcvn3.VN3_CAPITALS.values()) & set(tcvn3.LOWER.values())


PROFILE = "TM-T20II"


@pytest.mark.parametrize("mode", ["text:cp1258", "text:tcvn3"])
def test_text_modes_round_trip_through_the_printer(mode: str) -> None:
    """The whole path: layout -> render -> Dummy bytes -> decoded with the profile's pages."""
    printer = Dummy(profile=PROFILE)
    doc = Document("t", (Text(ALPHABET[:73]), Text(ALPHABET[73:]), Text(PANGRAM)))
    wide = Paper(80, 300, 576)  # one line each, to compare whole strings
    assert render(printer, doc, wide, mode) == []
    lines = readable(printer.output, printer.profile).splitlines()
    assert lines == [ALPHABET[:73], ALPHABET[73:], PANGRAM]


def test_image_mode_sends_no_text() -> None:
    printer = Dummy(profile=PROFILE)
    render(printer, Document("t", (Text(PANGRAM),)), PAPER_80, "image")
    (line,) = readable(printer.output, printer.profile).splitlines()
    assert line.startswith("[image 576x")


@pytest.mark.parametrize("mode", ["text:cp1258", "text:tcvn3"])
def test_unencodable_block_falls_back_to_an_image(mode: str) -> None:
    printer = Dummy(profile=PROFILE)
    doc = Document("t", (Text("Điện lực"), Text("Ω = 220 V ∼"), Text("Hết")))
    assert render(printer, doc, PAPER_80, mode) == ["Ω = 220 V ∼"]
    assert readable(printer.output, printer.profile).splitlines() == [
        "Điện lực",
        f"[image 576x{raster.line_height(raster.BASE_SIZE)}]",
        "Hết",
    ]


def test_tcvn3_printer_without_capitals_page_prints_capitals_as_image() -> None:
    base = type(get_profile(PROFILE))
    data = {**base.profile_data, "codePages": {"0": "CP437", "30": "TCVN-3-1"}}
    printer = Dummy()
    printer.profile = type("LowerOnly", (base,), {"profile_data": data})()
    doc = Document("t", (Text("điện lực"), Text("ĐIỆN LỰC")))
    assert render(printer, doc, PAPER_80, "text:tcvn3") == ["ĐIỆN LỰC"]


def test_vietnamese_code_pages_of_the_escpos_profiles() -> None:
    """What python-escpos's capability profiles offer (docs/printing.md)."""
    pages = page_numbers(get_profile("TM-T20II"))
    assert (pages["TCVN-3-1"], pages["TCVN-3-2"], pages["CP1258"]) == (30, 31, 52)
    assert "CP1258" not in page_numbers(get_profile("TM-T88IV-SA"))
    assert page_numbers(get_profile("NT-5890K"))["CP1258"] == 27  # listed as 27 and 94
    assert "TCVN-3-1" not in page_numbers(get_profile("NT-5890K"))


def test_a_mode_the_profile_cannot_do_is_refused() -> None:
    with pytest.raises(ValueError, match="no CP1258"):
        check_mode("text:cp1258", get_profile("TM-T88IV-SA"))
    with pytest.raises(ValueError, match="no TCVN-3-1"):
        check_mode("text:tcvn3", get_profile("NT-5890K"))
    with pytest.raises(ValueError, match="print mode"):
        check_mode("text:utf8", get_profile("default"))


def _magic(profile: str) -> str:
    printer = Dummy(profile=profile)
    printer.text(ALPHABET)  # python-escpos's own "magic" code page switching
    return readable(printer.output, printer.profile).strip()


def test_escpos_magic_encoding_findings() -> None:
    """Why render does not use python-escpos's magic encoding: it round-trips only where
    the profile has TCVN-3 (hopping over 5 code pages), and prints '?' silently elsewhere."""
    assert _magic("TM-T20II") == ALPHABET
    assert _magic("TM-T88IV-SA") == ALPHABET.replace("Đ", "?")  # db's TCVN-3-2 has Ð, not Đ
    lost = [a for a, b in zip(ALPHABET, _magic("NT-5890K"), strict=True) if a != b]
    assert len(lost) == 94 and set(_magic("NT-5890K")) >= {"?"}
