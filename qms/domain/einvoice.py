"""E-invoices: a branch without paper invoices (``paper_invoices: false``). Its invoices
have no paper to pull, so they are born with the lookup status ``none`` and are as ready
for the cashier as a found paper; nothing is delivered to a counter, returned at day end
or counted by the inventory. The receipt names each e-invoice (series, number) with the
QR of the URL where the customer fetches it (docs/einvoice.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from qms.domain.branch import Branch
from qms.domain.errors import Conflict

#: the lookup status of an invoice that has no paper (an e-invoice branch's)
NO_PAPER = "none"
#: lookup statuses the cashier may collect: the paper found, or no paper at all
READY = ("found", NO_PAPER)


def first_lookup(branch: Branch) -> str:
    """The lookup status an invoice of ``branch`` starts with on a ticket."""
    return "pending" if branch.paper_invoices else NO_PAPER


def refuse_return(inv: Any) -> None:
    """An e-invoice has no paper: asking to give it back is a mistake, said plainly."""
    if inv.lookup_status == NO_PAPER:
        raise Conflict(
            f"invoice {inv.invoice_id} is an e-invoice: there is no paper to return",
            code="no_paper",
            invoice=inv.invoice_id,
        )


def lookup_url(template: str, *, series: str, number: str, customer: str, invoice: int) -> str:
    """The template (checked by ``qms.config.check_lookup_url``) filled for one invoice,
    each value escaped for a URL."""
    return template.format(
        series=quote(series, safe=""),
        number=quote(number, safe=""),
        customer=quote(customer, safe=""),
        invoice=invoice,
    )


def on_receipt(
    branch: Branch, ticket: Mapping[str, Any], payments: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per paid invoice of a paperless branch, what its receipt prints: series, number and
    the lookup URL; nothing in a paper branch (the paper is the invoice)."""
    if branch.paper_invoices or not branch.einvoice_lookup_url:
        return []
    invoices = {i["invoice_id"]: i for c in ticket["customers"] for i in c.get("invoices", [])}
    out = []
    for p in payments:
        for invoice_id in p["invoice_ids"]:
            inv = invoices.get(invoice_id)
            if inv is None:
                continue
            url = lookup_url(
                branch.einvoice_lookup_url,
                series=inv["series"],
                number=inv["number"],
                customer=inv["customer_code"],
                invoice=invoice_id,
            )
            out.append(
                {"invoice_id": invoice_id, "series": inv["series"], "number": inv["number"],
                 "url": url}
            )  # fmt: skip
    return out
