"""Customer search at reception, for a customer who brings no old receipt: by name,
address, meter number, ID card or bank account, through the branch's CMIS.

Name and address are found as people say them: accents, case and punctuation do not
count and the words come in any order ("ky dong phuong 10" finds "Kỳ Đồng, Phường 10").
CMIS only searches a text as one piece, so it is asked, at once, for the words as one
text and for each of the longest words (up to four); the phrase's hits and the one word's
answer with the fewest hits (complete when under ``CANDIDATES``) are the candidates, and
the hall keeps those where every word of the query starts a word of the name, the
address or the code. Each hit says what the
customer owes (CMIS's debts, less what the hall has collected today and CMIS may not
know yet).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from integrations.cmis import base as cmis
from qms.domain.errors import BadRequest, DependencyFailed
from qms.storage.models import TicketInvoice
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)

MIN_TEXT = 2
MAX_TEXT = 100
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
#: hits asked of CMIS for one word, before the hall keeps those matching every word
CANDIDATES = 100
#: words of one query asked of CMIS (at once); the fewest hits are the candidates
NEEDLES = 4
#: debts asked of CMIS at once for the hits
DEBT_CALLS = 8
_FREE_TEXT = (cmis.SearchBy.NAME, cmis.SearchBy.ADDRESS)
_NOT_A_WORD = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    """Text as people type it: no accents (NFD, combining marks dropped, đ -> d), no
    case, punctuation as spaces. "Kỳ Đồng, Phường 10" -> ["ky", "dong", "phuong", "10"]."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_A_WORD.sub(" ", bare.casefold()).split()


def matches(query: list[str], *fields: str) -> bool:
    """Every word of the query starts some word of the fields, in any order."""
    have = [w for f in fields for w in words(f)]
    return all(any(w.startswith(q) for w in have) for q in query)


#: words in most names or addresses: asked of CMIS only when the query has no other
COMMON = frozenset(
    "phuong quan huyen xa duong pho hem ngo so tp thanh ho chi minh nguyen tran le thi van".split()
)


def closeness(query: list[str], *fields: str) -> int:
    """How many neighbouring words of the query are neighbours in the fields too, in
    order: "phuong 10" puts "Phường 10" before "Phường 2, Quận 10"."""
    have = [words(f) for f in fields]
    pairs = {(a, b) for ws in have for a, b in itertools.pairwise(ws)}
    return sum(
        any(x.startswith(a) and y.startswith(b) for x, y in pairs)
        for a, b in itertools.pairwise(query)
    )


def needles(query: list[str]) -> list[str]:
    """The words CMIS is asked for, one search each: the longest distinct ones, rarer
    kinds first (a common word like "phuong", or a number like "10", is in too many
    addresses for its first hundred hits to hold the customer)."""
    distinct = list(dict.fromkeys(query))
    for pool in (
        [w for w in distinct if not w.isdigit() and w not in COMMON],
        [w for w in distinct if not w.isdigit()],
        distinct,
    ):
        if pool:
            return sorted(pool, key=len, reverse=True)[:NEEDLES]
    return []


@dataclass(frozen=True, slots=True)
class Found:
    """The hits; ``complete`` False when CMIS's answer for the rarest word was full, so
    customers beyond its first ``CANDIDATES`` may match too (a rarer word finds them)."""

    hits: list[Hit]
    complete: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """A customer found, and what they owe: ``owes`` None when CMIS could not say."""

    customer: cmis.CustomerSummary
    owes: bool | None
    debt: int | None
    periods: int | None


@dataclass(frozen=True, slots=True)
class Query:
    by: cmis.SearchBy
    text: str
    limit: int


def parse(by: object, text: object, limit: object) -> Query:
    """Check a search before it costs a CMIS call; every refusal names its field."""
    try:
        key = cmis.SearchBy(str(by))
    except ValueError:
        choices = ", ".join(s.value for s in cmis.SearchBy)
        raise BadRequest(f"by is one of {choices}", code="invalid_request", field="by") from None
    q = text.strip() if isinstance(text, str) else ""
    if not MIN_TEXT <= len(q) <= MAX_TEXT:
        raise BadRequest(
            f"q is {MIN_TEXT} to {MAX_TEXT} characters", code="invalid_request", field="q"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in q):
        raise BadRequest("q holds control characters", code="invalid_request", field="q")
    n = DEFAULT_LIMIT
    if limit is not None:
        if (
            not isinstance(limit, str)
            or not limit.isascii()
            or not limit.isdigit()
            or not 1 <= int(limit) <= MAX_LIMIT
        ):
            raise BadRequest(f"limit is 1 to {MAX_LIMIT}", code="invalid_request", field="limit")
        n = int(limit)
    return Query(key, q, n)


async def find(hall: Hall, principal: Principal, by: object, text: object, limit: object) -> Found:
    """The hits, in CMIS's order, each with its debt; a CMIS that cannot answer the
    search is a 424, as for debts (a debt it cannot give is only that hit's unknown)."""
    require(principal, "customer.search")
    query = parse(by, text, limit)
    branch = hall.branch(principal.branch_id)
    client = hall.cmis(branch.id)
    free = query.by in _FREE_TEXT
    asked = words(query.text) if free else []
    if free and not asked:
        raise BadRequest("q holds no letters or digits", code="invalid_request", field="q")
    if free:
        # the words as one text too: CMIS's own search, complete for a phrase said in order
        asks = [" ".join(asked), *needles(asked)] if len(asked) > 1 else asked
        calls = [client.find_customers(query.by, w, CANDIDATES) for w in asks]
    else:
        calls = [client.find_customers(query.by, query.text, query.limit)]
    try:
        answers = await asyncio.gather(*(hall.cmis_call(branch.id, c) for c in calls))
        found = _candidates(answers) if free else answers[0]
        complete = not free or min(len(a) for a in answers[1:] or answers) < CANDIDATES
    except cmis.CmisBadAnswer as exc:
        log.warning("CMIS bad answer to a search: %s", exc)
        raise DependencyFailed(
            "CMIS answered something unreadable; try again or call support",
            code="cmis_bad_answer",
            request_id=exc.request_id,
        ) from None
    except cmis.CmisError as exc:
        log.warning("CMIS did not answer a search: %s", exc)
        raise DependencyFailed(
            "CMIS is not answering; try again in a moment",
            code="cmis_unavailable",
            request_id=exc.request_id,
        ) from None
    if free:
        found = [h for h in found if matches(asked, h.name, h.address, h.code)]
        found.sort(key=lambda h: -closeness(asked, h.name, h.address))  # stable: CMIS's order
    found = found[: query.limit]
    return Found(await _with_debts(hall, branch.id, found), complete)


def _candidates(answers: list[list[cmis.CustomerSummary]]) -> list[cmis.CustomerSummary]:
    """The phrase's hits, then the fewest hits of one word; none when a word has none
    (no name or address holds it, so none holds every word)."""
    phrase, words_ = answers[0], answers[1:] or answers[:1]
    if any(not a for a in words_):
        return []
    seen = {h.code: h for h in phrase}
    for h in min(words_, key=len):
        seen.setdefault(h.code, h)
    return list(seen.values())


async def _with_debts(hall: Hall, branch_id: str, found: list[cmis.CustomerSummary]) -> list[Hit]:
    client = hall.cmis(branch_id)
    gate = asyncio.Semaphore(DEBT_CALLS)

    async def one(h: cmis.CustomerSummary) -> cmis.CustomerDebts | None:
        async with gate:
            try:
                return await hall.cmis_call(branch_id, client.get_debts(h.code))
            except cmis.CmisError as exc:  # unknown here, not a failed search
                log.info("no debts for search hit %s: %s", h.code, exc)
                return None

    debts = await asyncio.gather(*(one(h) for h in found))
    ids = [i.invoice_id for d in debts if d is not None for i in d.invoices]
    paid = await hall.read(_collected, ids) if ids else set()
    out = []
    for h, d in zip(found, debts, strict=True):
        if d is None:
            out.append(Hit(h, None, None, None))
            continue
        owed = [i for i in d.invoices if i.invoice_id not in paid]
        total = sum(i.total for i in owed)
        out.append(Hit(h, total > 0, total, len(owed)))
    return out


def _collected(session: Session, invoice_ids: list[int]) -> set[int]:
    """Invoices the hall has taken money for: CMIS may not have the payment yet."""
    q = select(col(TicketInvoice.invoice_id)).where(
        col(TicketInvoice.invoice_id).in_(invoice_ids), col(TicketInvoice.pay_status) == "paid"
    )
    return set(session.execute(q).scalars())
