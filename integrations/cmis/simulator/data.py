"""Deterministic demo data for the CMIS simulator: customers, books and unpaid invoices.

Same ``(unit, customers, seed, today)`` gives byte-identical data on every machine, so a
demo, a test and a restarted simulator (replaying its journal) agree on every invoice id.
The records (``model``) are CMIS's view (one invoice belongs to one customer code), not the
hall's: the adapters map CMIS answers to ``integrations.cmis.base``. The data is held in
columns (``packed``), not as ten thousand records.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable

from integrations.cmis.simulator.model import CONNECTED, CUT, SimCustomer, SimInvoice
from integrations.cmis.simulator.packed import Column, Customers, Invoices, Store

__all__ = ["CONNECTED", "CUT", "DemoData", "SimCustomer", "SimInvoice", "build_demo_data", "fold"]

_FAMILY = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 5),
    ("Phan", 4), ("Vũ", 4), ("Võ", 4), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 3),
    ("Ngô", 2), ("Dương", 2), ("Lý", 2), ("Trương", 1), ("Đinh", 1), ("Lâm", 1), ("Mai", 1),
)  # fmt: skip
_MIDDLE = (
    "Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Đức", "Quốc", "Thị Thu", "Hoài",
    "Xuân", "Kim", "Gia", "Bảo", "Công", "Thành", "Mỹ", "Phương",
)  # fmt: skip
_GIVEN = (
    "Anh", "Bình", "Cường", "Dũng", "Hằng", "Hương", "Khoa", "Lộc", "Nguyệt", "Phượng",
    "Quý", "Thảo", "Tuấn", "Yến", "Hải", "Hạnh", "Hiếu", "Hòa", "Huệ", "Khánh", "Linh",
    "Long", "Mai", "Nam", "Nga", "Nhung", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thủy",
    "Trang", "Trí", "Trinh", "Tú", "Uyên", "Vân", "Việt", "Vy", "Xuân", "Ánh", "Đạt",
    "Đông", "Ổn", "Ý",
)  # fmt: skip
_STREETS = (
    "Nguyễn Thị Minh Khai", "Lê Lợi", "Võ Văn Tần", "Cách Mạng Tháng Tám",
    "Nam Kỳ Khởi Nghĩa", "Điện Biên Phủ", "Hai Bà Trưng", "Trần Quốc Thảo",
    "Lý Chính Thắng", "Nguyễn Đình Chiểu", "Pasteur", "Bà Huyện Thanh Quan", "Trương Định",
    "Kỳ Đồng", "Lê Văn Sỹ", "Nguyễn Thượng Hiền", "Trần Văn Đang", "Rạch Bùng Binh",
    "Vườn Chuối", "Cao Thắng",
)  # fmt: skip
_DISTRICTS = (("Quận 3", 14), ("Quận 1", 10), ("Quận 10", 15), ("Quận Phú Nhuận", 17))
_BOOK_LETTERS = "ABCDEF"
_BANKS = ("0071", "0421", "1903", "0601", "3101")  # account prefixes, Vietnamese-bank-like

# Awkward-but-valid text, placed on fixed customers so tests find them without a scan.
_AWKWARD: tuple[tuple[str, str], ...] = (
    ('Nguyễn Văn "Tí" O\'Brien', '12 Lê Lợi, Phường 6, "Quận 3", TP. Hồ Chí Minh'),
    ("<b>Trần Thị Bé</b> & Con", "<script>alert(1)</script> 5 Võ Văn Tần, Quận 3"),
    ("Công ty TNHH A&B <Điện>", "7/2 Hẻm 'số 4' & 5, Phường 6, Quận 3, TP. Hồ Chí Minh"),
    ("Lê\tVăn\u0007 Ổn", "Tầng 2\r\n99 Pasteur, Phường 6, Quận 3, TP. Hồ Chí Minh"),
    ("Phạm Thị ${name} {{x}} %s", "1 Cao Thắng; DROP TABLE khach_hang;--, Quận 3"),
)
_AWKWARD_EVERY = 1_999  # customer i with i % this == 0 gets the next awkward text
_EXACT = ("meter", "id_card", "bank_account")  # unique per customer: searched exactly


def fold(text: str) -> str:
    """Accent- and case-insensitive form: 'Nguyễn Đức' -> 'nguyen duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


class DemoData:
    """The simulator's static world; the ledger layers payments on top of it. Held in
    columns (``packed``): ``customers`` and ``invoices`` are read-only mappings whose
    records are made when read."""

    def __init__(
        self,
        *,
        unit: str,
        seed: int,
        today: dt.date,
        store: Store,
        awkward: tuple[str, ...],
        books: int | None = None,
    ) -> None:
        self.unit = unit
        self.seed = seed
        self.today = today
        self.store = store
        self.books = books
        self.customers = Customers(store)
        self.invoices = Invoices(store)
        self.awkward = awkward
        self._folded: dict[str, Column] = {}
        self._by_book: dict[str, list[int]] | None = None

    def __repr__(self) -> str:
        return f"DemoData({self.params})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DemoData):
            return NotImplemented
        return (self.params, self.awkward, self.store) == (other.params, other.awkward, other.store)

    __hash__ = None  # type: ignore[assignment]  # equal by contents: unhashable

    @property
    def params(self) -> dict[str, object]:
        """What identifies this data set (written at the head of a ledger journal)."""
        params: dict[str, object] = {
            "unit": self.unit,
            "seed": self.seed,
            "today": self.today.isoformat(),
            "customers": len(self.customers),
        }
        if self.books is not None:  # absent by default: older journals keep matching
            params["books"] = self.books
        return params

    def by_book(self) -> dict[str, list[int]]:
        """Book code -> its customers' indexes, in code order (built once: data is static)."""
        if self._by_book is None:
            index: dict[str, list[int]] = {}
            books = self.store.columns["book_code"]
            for i in range(len(self.store)):
                index.setdefault(books[i], []).append(i)
            self._by_book = index
        return self._by_book

    def select(
        self,
        *,
        invoices: int | None = None,
        min_invoices: int = 0,
        supply: str | None = None,
        even_book: bool | None = None,
        split: bool | None = None,
        plain: bool = True,
    ) -> list[SimCustomer]:
        """Customers matching every given criterion, in code order (a cheap scan).

        ``split``: has a month split into sub-periods; ``plain``: skip the awkward-text ones.
        """
        st = self.store
        awkward = {st.index(code) for code in self.awkward} if plain else set()
        books = st.columns["book_code"]
        out = []
        for i in range(len(st)):
            n = st.count[i]
            if invoices is not None and n != invoices:
                continue
            if n < min_invoices:
                continue
            if supply is not None and (CUT if st.cut[i] else CONNECTED) != supply:
                continue
            if even_book is not None and (int(books[i][-1]) % 2 == 0) != even_book:
                continue
            if split is not None and any(st.sub[k] > 1 for k in st.invoice_range(i)) != split:
                continue
            if i in awkward:
                continue
            out.append(st.customer(i))
        return out

    def search(self, by: str, text: str, limit: int) -> list[SimCustomer]:
        """Name/address: accent-insensitive substring; meter/id_card/bank_account: exact."""
        st = self.store
        if by in ("name", "address"):
            needle = fold(text)
            if not needle:
                return []
            if by not in self._folded:
                column = st.columns[by]
                # fold() leaves no newline, in a value or in a needle: a safe separator
                self._folded[by] = Column((fold(column[i]) for i in range(len(st))), "\n").seal()
            return [st.customer(i) for i in self._folded[by].containing(needle, limit)]
        if by not in _EXACT:
            raise KeyError(by)
        found = st.columns[by].equal(text.strip()) if limit > 0 else None
        return [] if found is None else [st.customer(found)]


def _months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """``count`` (year, month) pairs, oldest first, ending at the month before ``today``."""
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    out.reverse()
    return out


def _unique(rng: random.Random, seen: set[str], make: Callable[[random.Random], str]) -> str:
    """Draw until unused: search keys (meter, ID card, account) must be unique."""
    while True:
        value = make(rng)
        if value not in seen:
            seen.add(value)
            return value


def build_demo_data(
    *,
    unit: str = "PE0100",
    customers: int = 10_000,
    seed: int = 2026,
    today: dt.date,
    books: int | None = None,
) -> DemoData:
    """Build ``customers`` customers of ``unit`` with 0–6 consecutive unpaid invoices each.

    ~15 % owe nothing, ~5 % are cut for debt (and always owe at least two invoices); a few
    months are split into sub-periods. Deterministic for a given (unit, customers, seed,
    today, books). Customers spread over 360 books (``A001``..``F060``), or over the first
    ``books`` of them when given (e.g. 50: a few hundred customers a book); the rest of the
    data is the same either way.

    Invoices are due at the end of the month after their period plus a few days
    (``packed.due_date``): on any day, a customer owing three months or more is overdue by
    three weeks at least, one owing only last month is not yet due.
    """
    if books is not None and not 1 <= books <= len(_BOOK_LETTERS) * 60:
        raise ValueError(f"books must be between 1 and {len(_BOOK_LETTERS) * 60}")
    if len(unit) != 6 or not unit[:2].isupper() or not unit[2:].isdigit():
        raise ValueError(f"unit must be 2 capital letters + 4 digits, got {unit!r}")
    if not 1 <= customers <= 9_999_999:
        raise ValueError("customers must be between 1 and 9,999,999")
    rng = random.Random(f"cmis-demo:{unit}:{seed}:{today.isoformat()}")
    family_names = [n for n, _ in _FAMILY]
    family_weights = [w for _, w in _FAMILY]
    months = _months_back(today, 6)
    meters: set[str] = set()
    id_cards: set[str] = set()
    accounts: set[str] = set()
    store = Store(unit)
    rand, randrange, choice = rng.random, rng.randrange, rng.choice

    for i in range(1, customers + 1):
        name = f"{rng.choices(family_names, family_weights)[0]} {choice(_MIDDLE)} {choice(_GIVEN)}"
        district, wards = choice(_DISTRICTS)
        house = str(randrange(1, 400))
        if rand() < 0.3:
            house += f"/{randrange(1, 60)}"
        if rand() < 0.1:
            house += choice("ABC")
        address = (
            f"{house} {choice(_STREETS)}, Phường {randrange(1, wards + 1)}, {district}, "
            "TP. Hồ Chí Minh"
        )
        if i % _AWKWARD_EVERY == 0 and i // _AWKWARD_EVERY <= len(_AWKWARD):
            name, address = _AWKWARD[i // _AWKWARD_EVERY - 1]

        r = rand()
        if r < 0.15:
            count = 0
        else:
            count = 1 + sum(r > edge for edge in (0.49, 0.70, 0.83, 0.915, 0.96))
        cut = count > 0 and rand() < 0.059
        if cut and count < 2:
            count = 2

        # Walk back from last month, splitting a few months into sub-periods, then keep the
        # newest ``count`` invoices: the oldest month may lose its first sub-periods (paid).
        periods: list[tuple[int, int, int, int]] = []  # (year, month, ky, parts)
        for y, m in reversed(months):
            if len(periods) >= count:
                break
            parts = 1 if rand() >= 0.06 else 2 + (rand() < 0.4)
            periods.extend((y, m, ky, parts) for ky in range(parts, 0, -1))
        periods = periods[:count]
        periods.reverse()

        base = (
            int(50_000 + 1_400_000 * rand() ** 2.2)
            if rand() < 0.97
            else randrange(1_500_000, 2_700_000)
        )
        for y, m, ky, parts in periods:
            amount = base * randrange(75, 126) // 100 // parts
            store.add_invoice(y, m, ky, min(3_000_000, max(50_000, amount)))

        fields = {
            "name": name,
            "address": address,
            "book_code": _book(unit, choice(_BOOK_LETTERS), randrange(1, 61), books),
            "meter": _unique(rng, meters, lambda g: f"{g.randrange(10**9, 10**10)}"),
            "id_card": _unique(
                rng,
                id_cards,
                lambda g: f"079{g.randrange(4)}{g.randrange(40, 100):02d}{g.randrange(10**6):06d}",
            ),
            "bank_account": _unique(
                rng, accounts, lambda g: f"{g.choice(_BANKS)}{g.randrange(10**9):09d}"
            ),
        }
        store.add_customer(fields, cut)
    store.seal()
    # made after the loop: a string kept from inside it would pin an arena of its garbage
    awkward = [store.code(i - 1) for i in range(_AWKWARD_EVERY, customers + 1, _AWKWARD_EVERY)]
    awkward = awkward[: len(_AWKWARD)]
    return DemoData(
        unit=unit, seed=seed, today=today, store=store, awkward=tuple(awkward), books=books
    )


def _book(unit: str, letter: str, number: int, books: int | None) -> str:
    """The book code drawn (same draws whatever ``books``), folded onto ``books`` books."""
    if books is not None:
        n = (_BOOK_LETTERS.index(letter) * 60 + number - 1) % books
        letter, number = _BOOK_LETTERS[n // 60], n % 60 + 1
    return f"{unit}{letter}{number:03d}"
