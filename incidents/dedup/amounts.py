"""Amounts written with a scale word, in any of several languages, as one number.

``4,2 Millionen``, ``4.2 million``, ``€4.2m``, ``4,2 millones`` and ``4 200 000`` written
``4200000`` are one amount; each becomes the digits of its value (``4200000``), so the
reports that give it share a term. Works on folded text (lower case, accents removed), after
thousands separators have been removed (``4,100`` → ``4100``, ``1.200 millones`` →
``1200 millones``), so a comma left before one or two digits is a decimal comma.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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

_NUMBER = r"(?<![\d.,])(\d+(?:[.,]\d{1,2})?)"
_CJK_SCALES = "万萬만億亿억兆조"
_WORDS = "|".join(
    sorted((re.escape(w) for w in SCALES if w not in _CJK_SCALES), key=len, reverse=True)
)
_SCALED = re.compile(
    rf"(?:(?<=[{CURRENCY_SIGNS}])\s?{_NUMBER}([kmb])\b)"
    rf"|(?:{_NUMBER}\s?({_WORDS})(?![^\W\d_]))"  # not followed by a letter: a whole word
    rf"|(?:{_NUMBER}\s?([{_CJK_SCALES}]))"  # Japanese and Korean write the unit right after
)


def _value(number: str, power: int) -> str | None:
    try:
        value = Decimal(number.replace(",", ".")).scaleb(power)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    return str(int(value)) if value == value.to_integral_value() else None


def _replace(match: re.Match[str]) -> str:
    letter_number, letter, number, word, cjk_number, cjk = match.groups()
    if letter_number is not None:
        value = _value(letter_number, LETTER_SCALES[letter])
    elif number is not None:
        # The scale word stays too: "million" alone ("nine million times") is still a word.
        value = _value(number, SCALES[word])
        if value and word not in ABBREVIATIONS:
            value = f"{value} {word}"
    else:
        value = _value(cjk_number, SCALES[cjk])
    if value is None:
        return match.group(0)
    return f" {value} "


def normalize_amounts(text: str) -> str:
    """Return folded ``text`` with each scaled amount replaced by the digits of its value.

    ``"€4.2m"`` becomes ``"4200000"`` and ``"4,2 millionen"`` ``"4200000 millionen"`` (a
    scale word is kept, spaced off from what is around it); amounts that would not be whole
    numbers are left as they are.
    """
    return _SCALED.sub(_replace, text)
