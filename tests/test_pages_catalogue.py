"""The pages' message catalogues (qms/static/i18n.js): every key a page asks for has its
words, in Vietnamese and in English, so no page ever shows a bare key. Node reads the
catalogue modules as the browser does; no server, no browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qms.domain.org import CALL_POLICIES, COUNTER_KINDS, LOOKUP_RULES
from qms.usecases.auth import ROLES
from qms.words import STATUSES

ROOT = Path(__file__).resolve().parent.parent

# page -> (its catalogue modules, the files that ask for keys)
PAGES = {
    "counters": (
        [
            "qms/static/texts.js",
            "counters/texts.js",
            "counters/cash-texts.js",
            "counters/page-texts.js",
        ],
        [
            f"counters/{n}.js"
            for n in (
                "shell",
                "common",
                "reception",
                "lookup",
                "cashier",
                "supervisor",
                "cash",
                "drawer",
                "cashui",
                "notes",
                "noncash",
            )
        ]
        + ["counters/index.html"],
    ),
    "field": (
        ["qms/static/texts.js", "counters/field-texts.js"],
        [
            f"counters/{n}.js"
            for n in ("field", "field-common", "field-list", "field-crews", "field-reconnect")
        ]
        + ["counters/field.html"],
    ),
    "crew": (
        ["qms/static/texts.js", "counters/crew-texts.js"],
        ["counters/crew.js", "counters/crew-outbox.js", "counters/crew.html"],
    ),
    "inventory": (
        ["qms/static/texts.js", "counters/inventory-texts.js"],
        ["counters/inventory.js", "counters/inventory.html"],
    ),
    "company": (
        ["qms/static/texts.js", "qms/static/i18n.js", "counters/company-texts.js"],
        ["counters/company.js", "counters/company.html"],
    ),
    "admin": (
        ["qms/static/texts.js", "counters/admin-texts.js"],
        [
            f"counters/{n}.js"
            for n in (
                "admin",
                "admin-common",
                "admin-staff",
                "admin-halls",
                "admin-counters",
                "admin-devices",
            )
        ]
        + ["counters/admin.html"],
    ),
    "kiosk": (["kiosk/texts.js"], ["kiosk/kiosk.js", "kiosk/index.html"]),
    "follow": (["kiosk/follow-texts.js"], ["kiosk/follow.js", "kiosk/follow.html"]),
    "display": (["displays/texts.js"], ["displays/display.js", "displays/index.html"]),
    "counter-display": (["displays/texts.js"], ["displays/counter.js", "displays/counter.html"]),
}

# A catalogue module exports objects of {key: {vi, en}}; each text is a string or a
# function of vars, called here with vars that every template of the pages can take.
NODE = """
const files = JSON.parse(process.argv[1]);
const lists = new Set(["customers", "moved_to"]);
const vars = new Proxy({}, { get: (_t, k) => (lists.has(k) ? ["PE1"] : 1) });
const out = {};
for (const f of files) {
  const mod = await import(f);
  for (const table of Object.values(mod)) {
    if (!table || typeof table !== "object") continue;
    for (const [key, entry] of Object.entries(table)) {
      const words = {};
      for (const lang of ["vi", "en"]) {
        const text = entry[lang];
        words[lang] = typeof text === "function" ? text(vars) : text;
      }
      out[key] = words;
    }
  }
}
console.log(JSON.stringify(out));
"""

# The ways a page asks for a key; keys built at run time (`st_${status}`) are listed
# below by hand.
ASKS = [
    r"""\bmsg\(\s*["']([\w.]+)["']""",
    r"""\blang\.t\(\s*["']([\w.]+)["']""",
    r"""\btexts\.in\(\s*["'](?:vi|en)["'],\s*["']([\w.]+)["']""",
    r"""\bdata-i18n(?:-[a-z]+)?=["']([\w.]+)["']""",
    r"""\bdataset\.i18n\w*\s*=\s*["']([\w.]+)["']""",
    # either of two keys: msg(out ? "out_to" : "in_from")
    r"""\bmsg\([^(),]*?\?\s*["']([\w.]+)["']\s*:\s*["']([\w.]+)["']""",
]
BUILT = {
    "counters": ["queue_ready", "queue_waiting", "queue_customers", "call", "recall", "col_collect"]
    + ["tab_counter"]
    + [f"payment.{s}" for s in ("confirmed", "refused", "pending")]
    # why a payment is not confirmed (cashier.js paymentError)
    + [f"payment_error.{s}" for s in ("051", "refused", "in_doubt", "wait_earlier")]
    # the cash pages: statuses of a drawer and of a money movement, return reasons, and
    # what stops a drawer or the day from closing (cashui.js)
    + [f"drawer.{s}" for s in ("none", "open", "pending_approval", "closed")]
    + [f"move.{s}" for s in ("hanging", "mismatch", "matched", "cancelled")]
    + [
        f"reason.{s}"
        for s in ("not_enough_money", "fewer_periods", "customer_left", "paid_elsewhere", "other")
    ]
    # every blocker the server can name (qms/words/statuses.py, checked against closing.py)
    + [f"blocker.{s}" for s in STATUSES["blocker"]]
    + [f"ticket.{s}" for s in ("waiting", "serving", "parked", "no_show", "done")]
    # the supervisor's counter table: each counter's kind (a lookup counter's parity)
    + [f"counter_kind.{s}" for s in ("reception", "lookup_even", "lookup_odd", "cashier")]
    # the non-cash panel (noncash.js): a credit's reason, a statement line's status, a method
    + [f"credit_reason.{s}" for s in STATUSES["credit_reason"]]
    + [f"statement_line.{s}" for s in STATUSES["statement_line"]]
    + [f"method.{s}" for s in STATUSES["method"]]
    # a priority customer's kind (reception's choice and marks, the cashier's ticket)
    + [f"priority.{s}" for s in STATUSES["priority"]],
    # the field board: an order's status and why, the round's, CMIS's refusals
    "field": [f"field_status.{s}" for s in STATUSES["field_status"]]
    + [f"field_reason.{s}" for s in STATUSES["field_reason"]]
    + [f"field_round.{s}" for s in STATUSES["field_round"]]
    + [f"supply.{s}" for s in STATUSES["supply"]]
    + [f"supply_error.{s}" for s in ("061", "062", "0017")]
    + [f"fb.{s}" for s in ("no", "customer", "address", "periods", "overdue", "oldest_due")]
    + ["fb.crew", "fb.status", "fb.slip"],
    "follow": [f"st_{s}" for s in ("waiting", "serving", "parked", "no_show", "done", "expired")]
    + ["error.unknown_ticket", "error.network"]
    + [f"kind.{s}" for s in STATUSES["priority"]],
    "kiosk": [f"kind_{s}" for s in STATUSES["priority"]]
    + [
        "error.invalid_customer_code",
        "error.duplicate",
        "error.too_many_customers",
        "error.no_debt",
        "hall_hours",
    ],
    # the admin page: roles, a hall's choices and days, counter and device kinds, row buttons
    "admin": [f"role.{s}" for s in ROLES]
    + [f"call_policy.{s}" for s in CALL_POLICIES]
    + [f"lookup_rule.{s}" for s in LOOKUP_RULES]
    + [f"counter_kind_name.{s}" for s in COUNTER_KINDS]
    + [f"weekday.{d}" for d in range(7)]
    + ["parity.even", "parity.odd", "device_kind.kiosk", "device_kind.display", "device_kind.agent"]
    + ["edit", "disable", "enable", "reset_password", "test_print", "test_led", "retire", "revoke"],
    "display": [],
    "counter-display": [],
    # the crew's phone: an order's kind, status and reasons (crew.js)
    "crew": [f"field_kind.{s}" for s in STATUSES["field_kind"]]
    + [f"field_status.{s}" for s in STATUSES["field_status"]]
    + [f"field_reason.{s}" for s in STATUSES["field_reason"]]
    + ["crew.done_cut", "crew.done_reconnect", "crew.late", "crew.deadline"],
    # the company view: a hand-over's and a drawer's status (company.js)
    "company": [f"move.{s}" for s in STATUSES["movement"]]
    + [f"drawer.{s}" for s in STATUSES["drawer"]],
    # the inventory page: a session's and a book's status (inventory.js)
    "inventory": [f"inventory.{s}" for s in STATUSES["inventory"]]
    + [f"inventory_book.{s}" for s in STATUSES["inventory_book"]],
}


def catalogue(files: list[str]) -> dict[str, dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the pages' lint needs it too)")
    urls = json.dumps([(ROOT / f).as_uri() for f in files])
    res = subprocess.run(
        [node, "--input-type=module", "-e", NODE, urls],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(res.stdout)


def asked(files: list[str]) -> set[str]:
    keys: set[str] = set()
    for f in files:
        text = (ROOT / f).read_text(encoding="utf-8")
        for pattern in ASKS:
            for found in re.findall(pattern, text):
                keys.update([found] if isinstance(found, str) else found)
    return keys


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_key_a_page_asks_for_has_both_languages(page: str) -> None:
    modules, users = PAGES[page]
    words = catalogue(modules)
    wanted = asked(users) | set(BUILT[page])
    assert wanted, f"{page}: the pattern found no key at all"
    missing = sorted(k for k in wanted if k not in words)
    assert not missing, f"{page}: keys with no words: {missing}"
    for key in wanted:
        for lang in ("vi", "en"):
            text = words[key][lang]
            assert isinstance(text, str) and text.strip(), f"{page}: {key} has no {lang} text"


def test_refusals_are_keyed_by_the_error_code() -> None:
    """The catalogue is where a server error code gets words: "error.<code>"."""
    words = catalogue(PAGES["counters"][0])
    on_ticket = words["error.customer_on_active_ticket"]
    assert on_ticket["vi"].startswith("Khách hàng 1 đang có vé số 1")
    assert on_ticket["en"] == "Customer 1 is on ticket 1: serve them there."


def test_counters_catalogue_modules_share_no_key() -> None:
    """The counters page merges four modules into one catalogue: a key in two of them
    would silently take the words of the last."""
    seen: dict[str, str] = {}
    twice = []
    for module in PAGES["counters"][0]:
        for key in catalogue([module]):
            if key in seen:
                twice.append(f"{key} ({seen[key]}, {module})")
            seen[key] = module
    assert not twice, f"keys in two catalogue modules: {twice}"


# <tag ... data-i18n="key" ...>vi <span class="en">en</span></tag>: the text written in
# the page (shown before the script runs) is the catalogue's, so the catalogue is the one
# source
MARKED = re.compile(
    r"""data-i18n="([\w.]+)"[^>]*>\s*([^<]*?)\s*<span class="en">([^<]*)</span>""",
)


ATTR = "(?:aria-label|placeholder|alt|title)"
ATTR_KEY = "(?:aria|placeholder|alt|title)"


def test_counters_page_static_words_are_the_catalogues() -> None:
    words = catalogue(PAGES["counters"][0])
    html = (ROOT / "counters/index.html").read_text(encoding="utf-8")
    marked = MARKED.findall(html)
    assert len(marked) > 100, "the page's static texts carry data-i18n keys"
    differ = [
        (key, vi, en)
        for key, vi, en in marked
        if (" ".join(vi.split()), " ".join(en.split())) != (words[key]["vi"], words[key]["en"])
    ]
    assert not differ, f"page text differs from the catalogue: {differ}"
    # every text shown in two languages is marked: each span.en is in a marked element
    assert html.count('<span class="en">') == len(marked)

    # attributes as the catalogue writes them on a page of both languages: "vi / en"
    attrs = re.findall(rf"""\b{ATTR}="([^"]*)" data-i18n-{ATTR_KEY}="([\w.]+)\"""", html)
    assert attrs
    differ = [
        (key, text) for text, key in attrs if text != f"{words[key]['vi']} / {words[key]['en']}"
    ]
    assert not differ, f"attribute differs from the catalogue: {differ}"
    bilingual = re.findall(rf"""\b{ATTR}="[^"]* / [^"]*\"""", html)
    assert len(bilingual) == len(attrs), "every attribute in two languages is marked"


def test_field_page_static_words_are_the_catalogues() -> None:
    words = catalogue(PAGES["field"][0])
    html = (ROOT / "counters/field.html").read_text(encoding="utf-8")
    marked = MARKED.findall(html)
    assert len(marked) > 30
    differ = [
        (key, vi, en)
        for key, vi, en in marked
        if (" ".join(vi.split()), " ".join(en.split())) != (words[key]["vi"], words[key]["en"])
    ]
    assert not differ, f"page text differs from the catalogue: {differ}"
    assert html.count('<span class="en">') == len(marked)


# --- the hall's words on the pages (qms/static/words.js, generated from qms/words) -------


def test_the_pages_words_are_the_generated_ones() -> None:
    """qms/static/words.js is what ``python -m qms.words`` writes from qms/words."""
    from qms.words.__main__ import COMMAND, TARGET, script

    assert TARGET.read_text(encoding="utf-8") == script(), (
        f"qms/static/words.js is out of date with qms/words: run `{COMMAND}` and commit it"
    )


RENDER = """
const [url, cases] = JSON.parse(process.argv[1]);
const { fill } = await import(url);
const { ERRORS } = await import(new URL("words.js", url));
const out = cases.map(([code, details, lang]) => fill(ERRORS[code][lang], details, lang));
console.log(JSON.stringify(out));
"""


def _sample(kind: str) -> object:
    from qms.words import STATUSES

    if kind in STATUSES:
        return next(iter(STATUSES[kind]))
    return {
        "money": 2002089,
        "date": "2026-12-07",
        "datetime": "2026-12-07T01:00:52",
        "list": ["PE01000012345", "PE01000067890"],
        "count": [1, 2, 3],
        "field": "deposit.notes.500000",  # an item of a field: its field's words, then it
    }.get(kind, "C1")


def test_a_page_renders_every_refusal_as_the_server_does() -> None:
    """The same template, the same details: the same words, formats included
    (2.002.089 đ, 07/12/2026 01:00), in i18n.js's renderer and in qms.words."""
    import string

    from qms.words import ERRORS, error_text

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the pages' lint needs it too)")
    cases = []
    for code, (vi, _en) in ERRORS.items():
        details = {f: _sample(s) for _, f, s, _ in string.Formatter().parse(vi) if f}
        cases += [(code, details, "vi"), (code, details, "en")]
    url = (ROOT / "qms/static/format.js").as_uri()
    res = subprocess.run(
        [node, "--input-type=module", "-e", RENDER, json.dumps([url, cases])],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={"TZ": "Asia/Ho_Chi_Minh", "PATH": "/usr/bin:/bin"},
    )
    pages = json.loads(res.stdout)
    server = [error_text(code, details, lang) for code, details, lang in cases]
    differ = [(c[0], c[2], p, s) for c, p, s in zip(cases, pages, server, strict=True) if p != s]
    assert not differ, f"the page and the server word a refusal differently: {differ[:5]}"
    assert "2.002.089 đ" in pages[[c[0] for c in cases].index("tendered_short")]


EXPLAIN = """
const [url] = JSON.parse(process.argv[1]);
const { BOTH, Catalogue } = await import(url);
const own = { "error.no_debt": { vi: "Lời của trang", en: "The page's words" } };
const page = new Catalogue(own, { lang: BOTH });
const kiosk = new Catalogue({}, { lang: "vi" });
const short = { code: "tendered_short", details: { tendered: 2000000, amount: 2002089 } };
console.log(JSON.stringify([
  page.explainText(short),
  kiosk.explainText(short),
  page.explainText({ code: "no_debt", details: { customers: ["PE1"] } }),
  page.explainText({ code: "from_a_newer_server", message: "Lời của máy chủ", details: {} }),
  page.explainText({ code: "http_502", message: "HTTP 502", details: {} }),
  page.explainText({ code: "unknown_customer", details: {} }),
]));
"""


def test_a_refusal_is_never_shown_raw() -> None:
    """The page's own words win, then the hall's for the code, then the server's
    (Vietnamese) message, then a generic line naming the code; a field the words need and
    the refusal lacks shows as "?"."""
    from qms.words import error_text

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the pages' lint needs it too)")
    url = (ROOT / "qms/static/i18n.js").as_uri()
    res = subprocess.run(
        [node, "--input-type=module", "-e", EXPLAIN, json.dumps([url])],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    both, kiosk, page, newer, bare, lacking = json.loads(res.stdout)
    details = {"tendered": 2000000, "amount": 2002089}
    vi, en = error_text("tendered_short", details), error_text("tendered_short", details, "en")
    assert both == f"{vi} / {en}"
    assert kiosk == vi
    assert page == "Lời của trang / The page's words"
    assert newer == "Lời của máy chủ"
    assert bare.startswith("Có lỗi (http_502) — thử lại hoặc báo quản lý.")
    assert "CMIS không có mã khách hàng ?." in lacking
