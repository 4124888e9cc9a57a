"""PostgreSQL full-text search behind the same protocol (tables from the migration)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from incidents.search.backend import Lookup, Matches
from incidents.search.documents import Document


class PostgresBackend:
    name = "postgres"

    def __init__(self, engine: sa.Engine, *, public: bool) -> None:
        self.engine = engine
        self.public = public

    def add(self, docs: Sequence[Document], *, remove: Sequence[str] = ()) -> None:
        raise NotImplementedError

    def remove_incident(self, reference: str) -> None:
        raise NotImplementedError

    def rebuild(self, docs: Iterable[Document]) -> int:
        raise NotImplementedError

    def digests(self) -> dict[str, str]:
        raise NotImplementedError

    def lookup(self, lookup: Lookup) -> Matches:
        raise NotImplementedError

    def doc_freq(self, word: str) -> int:
        raise NotImplementedError

    def vocabulary(self) -> Sequence[tuple[str, int]]:
        raise NotImplementedError
