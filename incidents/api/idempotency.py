"""``Idempotency-Key`` on API writes: a retried POST gets its first response again.

The record of a key is inserted first, in the same transaction as the work it guards, so
concurrent retries serialise on its unique constraint (user, key): the second waits for the
first to commit, fails its insert and replays the stored response. Only successful responses
are stored; a request refused with 4xx stores nothing and rolls back, so its retry runs again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, Conflict

from incidents.reports.models import IdempotencyRecord

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Visible ASCII, 1 to 255 characters: a UUID, a hash or the client's own request id.
KEY_PATTERN = r"^[!-~]{1,255}$"
_KEY = re.compile(KEY_PATTERN)


class KeyInvalid(BadRequest):
    """The ``Idempotency-Key`` header is empty, too long or not visible ASCII."""

    def __init__(self) -> None:
        super().__init__(description="The Idempotency-Key header is malformed.")
        self.details = {KEY_HEADER: ["Use 1 to 255 visible ASCII characters, e.g. a UUID."]}


class KeyReused(Conflict):
    """The key was used before for a different request."""

    def __init__(self) -> None:
        super().__init__(
            description="This Idempotency-Key was used for a different request; "
            "use a new key for a new request."
        )


@dataclass(frozen=True)
class Reply:
    """What an API write answers: status, JSON body and extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self, *, replayed: bool = False) -> Response:
        response = jsonify(self.body)
        response.status_code = self.status
        response.headers.update(self.headers)
        if replayed:
            response.headers[REPLAYED_HEADER] = "true"
        return response


def request_key() -> str | None:
    """The request's ``Idempotency-Key``, None when absent; raises KeyInvalid if malformed."""
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise KeyInvalid
    return key


def fingerprint(method: str, path: str, body: object) -> str:
    """SHA-256 of the canonical JSON of the method, path and body: what "the same request"
    means for a key (key order and whitespace in the body do not matter)."""
    canonical = json.dumps(
        {"method": method, "path": path, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_once(session: Session, user_id: int, body: object, work: Callable[[], Reply]) -> Response:
    """Run ``work`` and commit, unless this user's ``Idempotency-Key`` was seen before.

    A key seen with the same request replays the stored reply; with another request it
    raises KeyReused (409). An exception from ``work`` rolls everything back and propagates.
    """
    key = request_key()
    request_hash = fingerprint(request.method, request.path, body)
    # End the transaction that authenticated the caller: on SQLite (WAL) a transaction that
    # has read cannot write once another connection has committed, so the write starts
    # afresh. Rolled back, not committed: nothing was meant to be written yet (the token's
    # last use, left dirty in this session, was already written in its own transaction).
    session.rollback()
    record: IdempotencyRecord | None = None
    if key is not None:
        record = IdempotencyRecord(
            user_id=user_id, key=key, request_hash=request_hash, status_code=0, response={}
        )
        try:
            with session.begin_nested():
                session.add(record)  # waits here for a concurrent request with the same key
        except IntegrityError:
            return _replay(session, user_id, key, request_hash)
    try:
        reply = work()
        if record is not None:
            record.status_code = reply.status
            record.response = {"body": reply.body, "headers": reply.headers}
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return reply.to_response()


def _replay(session: Session, user_id: int, key: str, request_hash: str) -> Response:
    stored = session.scalar(
        sa.select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )
    found = None if stored is None else (stored.request_hash, stored.status_code, stored.response)
    session.rollback()
    if found is None:  # the first request failed and stored nothing: this one may run again
        raise Conflict(description="A request with this Idempotency-Key just failed; retry.")
    stored_hash, status, response = found
    if stored_hash != request_hash:
        raise KeyReused
    return Reply(status, response["body"], response["headers"]).to_response(replayed=True)
