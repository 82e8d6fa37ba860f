"""Every page's markup closes what it opens: a section left open nests the next view
inside the one before (a hidden supervisor view once hid the cash page this way)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(
    p for folder in ("counters", "kiosk", "displays") for p in (ROOT / folder).glob("*.html")
)
#: the elements a view is built of; each must close, in order
NESTED = {"section", "div", "main", "table", "form", "header", "footer", "nav", "ul", "ol"}


class Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, int]] = []
        self.wrong: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NESTED:
            self.open.append((tag, self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in NESTED:
            return
        line = self.getpos()[0]
        if not self.open or self.open[-1][0] != tag:
            was = self.open[-1] if self.open else None
            self.wrong.append(f"line {line}: </{tag}> closes {was}")
            return
        self.open.pop()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_page_closes_every_block_it_opens(page: Path) -> None:
    nesting = Nesting()
    nesting.feed(page.read_text(encoding="utf-8"))
    assert nesting.wrong == []
    assert nesting.open == [], f"left open: {nesting.open}"
