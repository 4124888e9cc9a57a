"""Redaction of personal data from the text of a public incident summary.

Pure (no Flask, no database, no network). Two entry points:

``redact(text, names) -> Redaction``
    pre-fills a draft: returns the text with each piece of personal data replaced by a
    placeholder (``[person]``, ``[email]``, ...) and the spans removed, each with its kind
    and the reason an analyst can check.
``findings(text, names, cleared=frozenset()) -> list[Finding]``
    for the approval guard: the personal data still in a final text, plus every occurrence
    of a structured organisation, AI system, developer or deployer name whose name is not
    in ``cleared``. A person's name can never be cleared.

``names`` is a :class:`KnownNames` built from the structured fields of the incident's
reports. Generalisation for text that needs less precision is separate:
:func:`month_of`, :func:`country_of` and :func:`count_band`. :func:`prepare` loads the word
lists ahead of the first call (a server calls it at start).

Usage::

    names = KnownNames(people=("Claire Moreau",), systems=("Ada",), organisations=("Acme",))
    draft = redact("Dr. Moreau told Acme that Ada leaked claire@example.org.", names)
    draft.text   # 'Dr. [person] told Acme that Ada leaked [email].'
    [f.kind for f in findings(draft.text, names, cleared=frozenset({"Acme"}))]
    # [Kind.SYSTEM]  -- "Ada" still needs to be cleared

What is detected and how: :mod:`.patterns` (e-mail, IP, card, IBAN, handles),
:mod:`.phones`, :mod:`.identifiers`, :mod:`.dates`, :mod:`.addresses`, :mod:`.names`
(structured people), :mod:`.people` (names in free text, with :mod:`.lexicon`), and
:mod:`.guards` (what must survive). ``bench/redaction_eval.py`` scores it on a labelled file.
"""

from __future__ import annotations

from incidents.public.redaction.api import findings, prepare, redact
from incidents.public.redaction.generalise import count_band, country_of, month_of
from incidents.public.redaction.model import Finding, Kind, KnownNames, Redaction, Span

__all__ = [
    "Finding",
    "Kind",
    "KnownNames",
    "Redaction",
    "Span",
    "count_band",
    "country_of",
    "findings",
    "month_of",
    "prepare",
    "redact",
]
