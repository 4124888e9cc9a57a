"""The query language people type, parsed into a small tree no engine parser ever sees.

Words, ``"phrases"``, ``AND`` / ``OR`` / ``NOT`` (upper case), ``-word``, ``(groups)`` and
``word*`` (a prefix of at least three characters). A typed ``field:value`` is searched as
plain words: filters come from facets only. Everything is broken into the same tokens the
index holds (:func:`tokens`), so both engines and the reference matcher agree on what a word
is. What could hurt the server is refused with a :class:`QueryRefused` saying why.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

#: Longest query text accepted (characters).
MAX_LENGTH = 500
#: Most words (terms, prefixes and phrase words) in one query.
MAX_WORDS = 32
#: Deepest nesting of parentheses.
MAX_DEPTH = 5
#: Most ``word*`` prefixes in one query (each expands to many terms).
MAX_PREFIXES = 3
#: Shortest prefix before a ``*``.
MIN_PREFIX = 3
#: Longest token indexed or searched; longer runs are cut (no one types them).
MAX_TOKEN = 40

_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """Unicode-compatible, case-folded text (what tokens are made from)."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index stores them: letters and digits, case-folded."""
    return [word[:MAX_TOKEN] for word in _WORD.findall(normalize(text))]


class Refusal(enum.StrEnum):
    TOO_LONG = "too_long"
    TOO_MANY_WORDS = "too_many_words"
    TOO_DEEP = "too_deep"
    LEADING_WILDCARD = "leading_wildcard"
    INNER_WILDCARD = "inner_wildcard"
    SHORT_PREFIX = "short_prefix"
    TOO_MANY_PREFIXES = "too_many_prefixes"
    UNBALANCED = "unbalanced"
    ONLY_NEGATIVE = "only_negative"
    DANGLING_OPERATOR = "dangling_operator"


MESSAGES = {
    Refusal.TOO_LONG: f"The search is too long: at most {MAX_LENGTH} characters.",
    Refusal.TOO_MANY_WORDS: f"The search has too many words: at most {MAX_WORDS}.",
    Refusal.TOO_DEEP: f"Parentheses are nested too deeply: at most {MAX_DEPTH} levels.",
    Refusal.LEADING_WILDCARD: "A * may only end a word (as in trans*), not start it.",
    Refusal.INNER_WILDCARD: "A * may only end a word (as in trans*).",
    Refusal.SHORT_PREFIX: f"Put at least {MIN_PREFIX} letters before a * (as in tra*).",
    Refusal.TOO_MANY_PREFIXES: f"Use at most {MAX_PREFIXES} words ending in *.",
    Refusal.UNBALANCED: "A parenthesis is not closed or not opened.",
    Refusal.ONLY_NEGATIVE: "Add a word to search for: a search cannot only exclude words.",
    Refusal.DANGLING_OPERATOR: "AND, OR and NOT need a word on each side.",
}


class QueryRefused(ValueError):
    """The query cannot be run as typed; ``message`` says why in words for the user."""

    def __init__(self, reason: Refusal) -> None:
        self.reason = reason
        self.message = MESSAGES[reason]
        super().__init__(self.message)


@dataclass(frozen=True)
class Term:
    word: str


@dataclass(frozen=True)
class Prefix:
    stem: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Prefix | Phrase | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query; ``root`` None matches everything (browsing by facets)."""

    text: str
    root: Node | None

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def highlights(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """Words and prefixes to highlight (those not under a NOT)."""
        words: set[str] = set()
        stems: set[str] = set()

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                words.add(node.word)
            elif isinstance(node, Prefix):
                stems.add(node.stem)
            elif isinstance(node, Phrase):
                words.update(node.words)
            elif isinstance(node, And | Or):
                for child in node.children:
                    walk(child)

        if self.root is not None:
            walk(self.root)
        return frozenset(words), tuple(sorted(stems))

    def terms(self) -> list[str]:
        """The plain words searched for (not prefixes), for "did you mean"."""
        found: list[str] = []

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                found.append(node.word)
            elif isinstance(node, Phrase):
                found.extend(node.words)
            elif isinstance(node, Not):
                walk(node.child)
            elif isinstance(node, And | Or):
                for child in node.children:
                    walk(child)

        if self.root is not None:
            walk(self.root)
        return list(dict.fromkeys(found))


# -- lexer ---------------------------------------------------------------------------------

_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "(" ")" "op" "neg" "phrase" "chunk"
    text: str = ""


def _lex(text: str) -> Iterator[_Lexeme]:
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            yield _Lexeme(char)
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            yield _Lexeme("phrase", text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            chunk = text[start:i]
            if chunk in _OPERATORS:
                yield _Lexeme("op", chunk)
            elif chunk[0] in "-+" and (len(chunk) > 1 or (i < n and text[i] in '("')):
                if chunk[0] == "-":
                    yield _Lexeme("neg")
                if len(chunk) > 1:
                    yield _Lexeme("chunk", chunk[1:])
            else:
                yield _Lexeme("chunk", chunk)


# -- parser --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.at = 0
        self.depth = 0
        self.words = 0
        self.prefixes = 0

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def count(self, words: int) -> None:
        self.words += words
        if self.words > MAX_WORDS:
            raise QueryRefused(Refusal.TOO_MANY_WORDS)

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while (lexeme := self.peek()) is not None and lexeme == _Lexeme("op", "OR"):
            self.take()
            if self.peek() is None or self.peek() == _Lexeme(")"):
                raise QueryRefused(Refusal.DANGLING_OPERATOR)
            parts.append(self.parse_and())
        kept = [part for part in parts if part is not None]
        if not kept:
            return None
        if len(kept) < len(parts):
            # "x OR <nothing searchable>" — the empty side matches nothing: keep the rest.
            pass
        return _join(Or, kept)

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind != ")":
            if lexeme == _Lexeme("op", "OR"):
                if not parts and self.at == 0:
                    raise QueryRefused(Refusal.DANGLING_OPERATOR)
                break
            if lexeme == _Lexeme("op", "AND"):
                self.take()
                following = self.peek()
                if (
                    not parts
                    or following is None
                    or following.kind == ")"
                    or following.text == "OR"
                ):
                    raise QueryRefused(Refusal.DANGLING_OPERATOR)
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return _join(And, parts)

    def parse_unary(self) -> Node | None:
        lexeme = self.take()
        if lexeme.kind == "neg" or lexeme == _Lexeme("op", "NOT"):
            following = self.peek()
            if (
                following is None
                or following.kind == ")"
                or (following.kind == "op" and following.text != "NOT")
            ):
                raise QueryRefused(Refusal.DANGLING_OPERATOR)
            child = self.parse_unary()
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if lexeme.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryRefused(Refusal.TOO_DEEP)
            inner = self.parse_or()
            if self.peek() is None or self.take().kind != ")":
                raise QueryRefused(Refusal.UNBALANCED)
            self.depth -= 1
            return inner
        if lexeme.kind == "phrase":
            words = tokens(lexeme.text)
            self.count(len(words))
            if not words:
                return None
            return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))
        if lexeme.kind == "op":  # a stray AND / OR
            raise QueryRefused(Refusal.DANGLING_OPERATOR)
        return self.parse_chunk(lexeme.text)

    def parse_chunk(self, chunk: str) -> Node | None:
        if "*" in chunk:
            if chunk.startswith("*"):
                raise QueryRefused(Refusal.LEADING_WILDCARD)
            if "*" in chunk.rstrip("*") or chunk.count("*") > 1:
                raise QueryRefused(Refusal.INNER_WILDCARD)
            words = tokens(chunk[:-1])
            if not words or not re.search(r"[^\W_]$", chunk[:-1]):
                raise QueryRefused(Refusal.LEADING_WILDCARD)
            if len(words[-1]) < MIN_PREFIX:
                raise QueryRefused(Refusal.SHORT_PREFIX)
            self.prefixes += 1
            if self.prefixes > MAX_PREFIXES:
                raise QueryRefused(Refusal.TOO_MANY_PREFIXES)
            self.count(len(words))
            parts: list[Node] = [Term(word) for word in words[:-1]]
            parts.append(Prefix(words[-1]))
            return _join(And, parts)
        words = tokens(chunk)
        self.count(len(words))
        if not words:
            return None
        return _join(And, [Term(word) for word in words])


def _join(kind: type[And] | type[Or], parts: list[Node]) -> Node:
    flat: list[Node] = []
    for part in parts:
        if isinstance(part, kind):
            flat.extend(part.children)
        else:
            flat.append(part)
    unique = list(dict.fromkeys(flat))
    return unique[0] if len(unique) == 1 else kind(tuple(unique))


def _only_negative(node: Node) -> bool:
    """Whether ``node`` could match without any word it names (a pure exclusion)."""
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(child) for child in node.children)
    if isinstance(node, Or):
        return any(_only_negative(child) for child in node.children)
    return False


def parse(text: str) -> Query:
    """Parse what a person typed; raise :class:`QueryRefused` for what could hurt the server.

    An empty query (or one of punctuation only) matches everything the caller may read.
    """
    if len(text) > MAX_LENGTH:
        raise QueryRefused(Refusal.TOO_LONG)
    lexemes = list(_lex(text))
    depth = 0
    for lexeme in lexemes:
        depth += {"(": 1, ")": -1}.get(lexeme.kind, 0)
        if depth < 0:
            raise QueryRefused(Refusal.UNBALANCED)
        if depth > MAX_DEPTH:
            raise QueryRefused(Refusal.TOO_DEEP)
    if depth != 0:
        raise QueryRefused(Refusal.UNBALANCED)
    parser = _Parser(lexemes)
    root = parser.parse_or()
    if parser.peek() is not None:
        raise QueryRefused(Refusal.UNBALANCED)
    if root is not None and _only_negative(root):
        raise QueryRefused(Refusal.ONLY_NEGATIVE)
    return Query(text=text, root=root)
