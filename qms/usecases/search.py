"""Customer search at reception, for a customer who brings no old receipt: by name,
address, meter number, ID card or bank account, through the branch's CMIS."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from integrations.cmis import base as cmis
from qms.domain.errors import BadRequest, DependencyFailed
from qms.usecases.auth import Principal, require
from qms.usecases.hall import Hall

log = logging.getLogger(__name__)

MIN_TEXT = 2
MAX_TEXT = 100
MAX_LIMIT = 50
DEFAULT_LIMIT = 20


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
        if not isinstance(limit, str) or not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise BadRequest(f"limit is 1 to {MAX_LIMIT}", code="invalid_request", field="limit")
        n = int(limit)
    return Query(key, q, n)


async def find(
    hall: Hall, principal: Principal, by: object, text: object, limit: object
) -> list[cmis.CustomerSummary]:
    """The hits CMIS gives, in its order; a CMIS that cannot answer is a 424, as for debts."""
    require(principal, "customer.search")
    query = parse(by, text, limit)
    branch = hall.branch(principal.branch_id)
    call = hall.cmis(branch.id).find_customers(query.by, query.text, query.limit)
    try:
        return await hall.cmis_call(branch.id, call)
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
