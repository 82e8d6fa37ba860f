"""Masked names for public screens (kiosk): enough for a customer to recognise their own
account, not enough to read a neighbour's name off the screen."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" -> "Nguyễn V*** A"."""
    words = name.split()
    if len(words) <= 1:
        return (words[0][0] + "***") if words else ""
    middle = [w[0] + "***" for w in words[1:-1]]
    return " ".join([words[0], *middle, words[-1][0]])
