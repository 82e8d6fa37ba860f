"""Reception's customer search over HTTP: parse the query string, answer the hits with
what each customer owes (``owes`` and ``debt`` null when CMIS could not say)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qms.http.api import ok, principal
from qms.usecases import search


async def find_customers(request: Request) -> Response:
    who = await principal(request)
    q = request.query_params
    found = await search.find(request.app.state.hall, who, q.get("by"), q.get("q"), q.get("limit"))
    return ok(
        {
            "customers": [
                {
                    "code": h.customer.code,
                    "name": h.customer.name,
                    "address": h.customer.address,
                    "book_code": h.customer.book_code,
                    "owes": h.owes,
                    "debt": h.debt,
                    "periods": h.periods,
                }
                for h in found.hits
            ],
            "complete": found.complete,
        }
    )


routes = [Route("/api/customers", find_customers)]
