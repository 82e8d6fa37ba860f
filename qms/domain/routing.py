"""Which lookup counter pulls an invoice's paper: even or odd, by a rule from config."""

from __future__ import annotations

from collections.abc import Callable

Rule = Callable[[str, str], str]


def _parity_of_last_digit(text: str) -> str:
    digits = [c for c in text if c.isdigit()]
    if not digits:
        return "even"
    return "even" if int(digits[-1]) % 2 == 0 else "odd"


def book_code_last_digit(book_code: str, invoice_number: str) -> str:
    return _parity_of_last_digit(book_code)


def invoice_number_last_digit(book_code: str, invoice_number: str) -> str:
    return _parity_of_last_digit(invoice_number)


RULES: dict[str, Rule] = {
    "book_code_last_digit": book_code_last_digit,
    "invoice_number_last_digit": invoice_number_last_digit,
}
