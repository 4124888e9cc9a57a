"""Sums of money written with a scale word, in any of several languages, as one number.

``4,2 Millionen Euro``, ``€4.2 million``, ``€4.2m``, ``4,2 millones de euros`` and
``€4,200,000`` are one amount; each becomes the digits of its value (``4200000``), so the
reports that give it share a term. Only sums of money are rewritten (a currency sign or code
before the number, or a currency word after the scale): a count ("2.1 million users") is
often rounded differently by each report, and a number no other report gives only makes two
texts look less alike. Works on folded text (lower case, accents removed), after thousands
separators have been removed (``4,100`` → ``4100``, ``1.200 millones`` → ``1200 millones``),
so a comma left before one or two digits is a decimal comma.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: Scale words and their powers of ten (folded: ``millón`` is ``millon``).
SCALES = {
    **dict.fromkeys(("thousand", "thousands", "tausend", "tsd", "mil", "mille"), 3),
    **dict.fromkeys(
        ("million", "millions", "millionen", "mio", "mn", "mln", "millon", "millones"), 6
    ),
    **dict.fromkeys(
        ("billion", "billions", "bn", "milliarde", "milliarden", "mrd", "milliard", "milliards"),
        9,
    ),
    **dict.fromkeys(("mil millones",), 9),
    **dict.fromkeys(("trillion", "trillions", "tn"), 12),
    # Japanese, Chinese and Korean count in myriads.
    **dict.fromkeys(("万", "萬", "만"), 4),
    **dict.fromkeys(("億", "亿", "억"), 8),
    **dict.fromkeys(("兆", "조"), 12),
}
#: Abbreviated scales: not kept beside the amount (a full scale word is).
ABBREVIATIONS = frozenset({"tsd", "mio", "mn", "mln", "bn", "mrd", "tn"})
#: One-letter scales, taken as such only straight after a currency sign (``€4.2m``; a bare
#: ``5m`` may be metres).
LETTER_SCALES = {"k": 3, "m": 6, "b": 9}
CURRENCY_SIGNS = "$€£¥₩"

_CJK_SCALES = "万萬만億亿억兆조"
_WORDS = "|".join(
    sorted((re.escape(w) for w in SCALES if w not in _CJK_SCALES), key=len, reverse=True)
)
_CODES = "usd|eur|gbp|chf|jpy|krw|cny|cad|aud"
_CURRENCY_WORDS = rf"euros?|dollars?|dolares|pounds?|won|yen|yuan|francs?|pesos?|rupees?|{_CODES}"
_AMOUNT = re.compile(
    rf"(?P<sign>[{CURRENCY_SIGNS}]\s?|\b(?:{_CODES})\s?)?"
    r"(?<![\d.,])(?P<number>\d+(?:[.,]\d{1,2})?)\s?"
    rf"(?:(?P<word>{_WORDS}|[kmb])(?![^\W\d_])|(?P<cjk>[{_CJK_SCALES}]))"
    # "4,2 millions d'euros", "4,2 millones de euros", "12억 원"
    rf"(?P<currency>\s(?:de\s|d['\u2019]\s?)?(?:{_CURRENCY_WORDS})(?![^\W\d_])|\s?[원円元])?"
)


def _value(number: str, power: int) -> str:
    # At most two decimals and a scale of at least 10^3: always a whole number.
    return str(int(Decimal(number.replace(",", ".")).scaleb(power)))


def _replace(match: re.Match[str]) -> str:
    sign, number, word, cjk, currency = match.group("sign", "number", "word", "cjk", "currency")
    if not (sign or currency) or (word in LETTER_SCALES and not sign):
        return match.group(0)
    value = _value(number, LETTER_SCALES.get(word) or SCALES[word or cjk])
    # A scale word stays too: "million" alone ("nine million times") is still a word.
    kept = f" {word}" if word and word not in {*LETTER_SCALES, *ABBREVIATIONS} else ""
    return f" {sign or ''} {value}{kept}{currency or ''} "


def normalize_amounts(text: str) -> str:
    """Return folded ``text`` with each scaled sum of money given as the digits of its value.

    ``"€4.2m"`` becomes ``"4200000"`` and ``"4,2 millionen euro"`` ``"4200000 millionen
    euro"`` (a written-out scale word and the currency word stay, spaced off from what is
    around them).
    """
    return _AMOUNT.sub(_replace, text)
