"""After a response: the web worker drains the outbox for every consumer the app has."""

from __future__ import annotations

import time
from collections.abc import Mapping

from flask import Flask, Response, g

from incidents.config import Settings
from incidents.extensions import services
from incidents.outbox.services import PENDING, Handler, drain

_HANDLERS = "incidents.outbox"


def handlers_of(app: Flask) -> Mapping[str, Handler]:
    """The consumers this app drains, by name, in the order they are drained."""
    found: Mapping[str, Handler] = app.extensions[_HANDLERS]
    return found


def drain_all(app: Flask, *, seconds: float | None = None, wait: bool = True) -> None:
    """Drain every consumer's backlog, oldest first, within ``seconds`` in all; a failure
    is logged and its entry stays in the outbox for later. With ``wait=False`` a consumer
    another process is draining already is left to it (see :func:`drain`)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    with app.app_context():
        session = services().database.session_factory()
        try:
            for consumer, handle in handlers_of(app).items():
                left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
                result = drain(session, consumer, handle, seconds=left, wait=wait)
                for entry_id, error in result.failed:
                    app.logger.error("%s: outbox entry %s failed: %s", consumer, entry_id, error)
        except Exception:
            app.logger.exception("the outbox drain failed; its entries stay in the outbox")
        finally:
            session.close()


def init_outbox(app: Flask, handlers: Mapping[str, Handler]) -> None:
    """Register the consumers of this app and, unless configured otherwise, drain the whole
    backlog once a response that committed outbox entries has been sent (bounded by
    ``INCIDENTS_OUTBOX_DRAIN_SECONDS``): a request never waits for the work, and no entry
    waits for somebody else's request. With ``INCIDENTS_OUTBOX_AFTER_RESPONSE=false`` the web
    workers leave it all to ``flask outbox work --follow``.
    """
    app.extensions[_HANDLERS] = dict(handlers)

    def drain_after_response(response: Response) -> Response:
        settings: Settings = app.config["INCIDENTS_SETTINGS"]
        session = g.get("db_session")
        committed = session is not None and session.info.pop(PENDING, False)
        if committed and settings.outbox_after_response:
            response.call_on_close(
                lambda: drain_all(app, seconds=settings.outbox_drain_seconds, wait=False)
            )
        return response

    app.after_request(drain_after_response)
