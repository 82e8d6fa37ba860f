"""Deterministic demo data for the CMIS simulator: customers, books and unpaid invoices.

Same ``(unit, customers, seed, today)`` gives byte-identical data on every machine, so a
demo, a test and a restarted simulator (replaying its journal) agree on every invoice id.
The types here are CMIS's view (one invoice belongs to one customer code), not the hall's:
the adapters map CMIS answers to ``integrations.cmis.base``.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CONNECTED = "CONNECTED"
CUT = "CUT"

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


@dataclass(frozen=True, slots=True)
class SimInvoice:
    """One invoice as CMIS holds it (amounts integer đồng)."""

    invoice_id: int
    customer_code: str
    year: int
    month: int
    sub_period: int
    amount: int
    vat: int
    total: int
    series: str
    number: str

    @property
    def period_key(self) -> tuple[int, int, int]:
        """CMIS orders (and requires payment of) invoices by this key."""
        return (self.year, self.month, self.sub_period)


@dataclass(frozen=True, slots=True)
class SimCustomer:
    """A customer with every invoice that was unpaid when the data was built."""

    code: str
    name: str
    address: str
    unit: str
    book_code: str
    supply: str
    meter: str
    id_card: str
    bank_account: str
    invoices: tuple[SimInvoice, ...]

    @property
    def book_is_even(self) -> bool:
        """The even/odd lookup counter is chosen by the book code's last digit."""
        return int(self.book_code[-1]) % 2 == 0


def fold(text: str) -> str:
    """Accent- and case-insensitive form: 'Nguyễn Đức' -> 'nguyen duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass
class DemoData:
    """The simulator's static world; the ledger layers payments on top of it."""

    unit: str
    seed: int
    today: dt.date
    customers: dict[str, SimCustomer]
    invoices: dict[int, SimInvoice]
    awkward: tuple[str, ...]
    _folded: list[tuple[SimCustomer, str, str]] | None = field(
        default=None, repr=False, compare=False
    )
    _exact: dict[str, dict[str, list[SimCustomer]]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def params(self) -> dict[str, object]:
        """What identifies this data set (written at the head of a ledger journal)."""
        return {
            "unit": self.unit,
            "seed": self.seed,
            "today": self.today.isoformat(),
            "customers": len(self.customers),
        }

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
        awkward = set(self.awkward) if plain else set()
        out = []
        for c in self.customers.values():
            n = len(c.invoices)
            if invoices is not None and n != invoices:
                continue
            if n < min_invoices or (supply is not None and c.supply != supply):
                continue
            if even_book is not None and c.book_is_even != even_book:
                continue
            if split is not None and any(i.sub_period > 1 for i in c.invoices) != split:
                continue
            if c.code in awkward:
                continue
            out.append(c)
        return out

    def search(self, by: str, text: str, limit: int) -> list[SimCustomer]:
        """Name/address: accent-insensitive substring; meter/id_card/bank_account: exact."""
        if by in ("name", "address"):
            needle = fold(text)
            if not needle:
                return []
            if self._folded is None:
                self._folded = [(c, fold(c.name), fold(c.address)) for c in self.customers.values()]
            col = 1 if by == "name" else 2
            hits = (row[0] for row in self._folded if needle in row[col])
            return [c for _, c in zip(range(limit), hits, strict=False)]
        if self._exact is None:
            self._exact = _exact_index(self.customers.values())
        return self._exact[by].get(text.strip(), [])[:limit]


def _exact_index(customers: Iterable[SimCustomer]) -> dict[str, dict[str, list[SimCustomer]]]:
    index: dict[str, dict[str, list[SimCustomer]]] = {
        "meter": {},
        "id_card": {},
        "bank_account": {},
    }
    for c in customers:
        for key in index:
            index[key].setdefault(getattr(c, key), []).append(c)
    return index


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
) -> DemoData:
    """Build ``customers`` customers of ``unit`` with 0–6 consecutive unpaid invoices each.

    ~15 % owe nothing, ~5 % are cut for debt (and always owe at least two invoices); a few
    months are split into sub-periods. Deterministic for a given (unit, customers, seed, today).
    """
    if len(unit) != 6 or not unit[:2].isupper() or not unit[2:].isdigit():
        raise ValueError(f"unit must be 2 capital letters + 4 digits, got {unit!r}")
    if not 1 <= customers <= 9_999_999:
        raise ValueError("customers must be between 1 and 9,999,999")
    rng = random.Random(f"cmis-demo:{unit}:{seed}:{today.isoformat()}")
    family_names = [n for n, _ in _FAMILY]
    family_weights = [w for _, w in _FAMILY]
    months = _months_back(today, 6)
    series_prefix = f"1K{{yy:02d}}T{unit[:2]}"
    meters: set[str] = set()
    id_cards: set[str] = set()
    accounts: set[str] = set()
    out: dict[str, SimCustomer] = {}
    invoices: dict[int, SimInvoice] = {}
    awkward: list[str] = []
    next_invoice = 310_000_001
    rand, randrange, choice = rng.random, rng.randrange, rng.choice

    for i in range(1, customers + 1):
        code = f"{unit}{i:07d}"
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
        if i % _AWKWARD_EVERY == 0 and len(awkward) < len(_AWKWARD):
            name, address = _AWKWARD[len(awkward)]
            awkward.append(code)

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
        own: list[SimInvoice] = []
        for y, m, ky, parts in periods:
            amount = base * randrange(75, 126) // 100 // parts
            amount = min(3_000_000, max(50_000, amount))
            vat = amount * 8 // 100
            inv = SimInvoice(
                invoice_id=next_invoice,
                customer_code=code,
                year=y,
                month=m,
                sub_period=ky,
                amount=amount,
                vat=vat,
                total=amount + vat,
                series=series_prefix.format(yy=y % 100),
                number=f"{(next_invoice * 7_919) % 9_000_000 + 1_000_000:07d}",
            )
            next_invoice += 1
            invoices[inv.invoice_id] = inv
            own.append(inv)

        out[code] = SimCustomer(
            code=code,
            name=name,
            address=address,
            unit=unit,
            book_code=f"{unit}{choice(_BOOK_LETTERS)}{randrange(1, 61):03d}",
            supply=CUT if cut else CONNECTED,
            meter=_unique(rng, meters, lambda g: f"{g.randrange(10**9, 10**10)}"),
            id_card=_unique(
                rng,
                id_cards,
                lambda g: f"079{g.randrange(4)}{g.randrange(40, 100):02d}{g.randrange(10**6):06d}",
            ),
            bank_account=_unique(
                rng, accounts, lambda g: f"{g.choice(_BANKS)}{g.randrange(10**9):09d}"
            ),
            invoices=tuple(own),
        )
    return DemoData(
        unit=unit, seed=seed, today=today, customers=out, invoices=invoices, awkward=tuple(awkward)
    )
