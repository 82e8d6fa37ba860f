"""An amount in words, as a Vietnamese cash document writes it under the figure
(bằng chữ): 2.002.089 -> "Hai triệu không trăm lẻ hai nghìn không trăm tám mươi chín
đồng".

Written here because num2words' Vietnamese drops the "không trăm" of an inner group
("hai triệu hai nghìn lẻ tám mươi chín"), which a cashier would not sign.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _group(n: int, full: bool) -> list[str]:
    """Three digits; ``full`` (an inner group) says its hundreds even when zero."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if full or hundreds:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and out:
            out.append("lẻ")
    elif tens == 1:
        out.append("mười")
    else:
        out += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        out.append("mốt")
    elif units == 5 and tens >= 1:
        out.append("lăm")
    elif units:
        out.append(DIGITS[units])
    return out


def amount_in_words(amount: int) -> str:
    """Integer VND in words, capitalised, ending in "đồng"."""
    if amount == 0:
        return "Không đồng"
    n = abs(amount)
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(SCALES):
        raise ValueError(f"{amount} is beyond the amounts a hall handles")
    words: list[str] = ["âm"] if amount < 0 else []
    top = len(groups) - 1
    for i in range(top, -1, -1):
        if groups[i]:
            words += _group(groups[i], full=i < top)
            if SCALES[i]:
                words.append(SCALES[i])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]
