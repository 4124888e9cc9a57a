"""Run the dedup engine after a request whose submissions were committed."""

from __future__ import annotations

from flask import Flask, Response, current_app, g

from incidents.config import Settings
from incidents.dedup import Thresholds
from incidents.extensions import services
from incidents.registry.pipeline import drain
from incidents.reports.outbox import PENDING


def thresholds(settings: Settings) -> Thresholds:
    """The dedup thresholds configured for this app."""
    return Thresholds(
        auto_link=settings.dedup_auto_link,
        review=settings.dedup_review,
        min_reports=settings.dedup_min_reports,
    )


def init_dedup(app: Flask) -> None:
    """Drain the outbox after each request that committed outbox entries.

    Up to ``INCIDENTS_DEDUP_DRAIN_LIMIT`` entries are placed before the response leaves (tens
    of milliseconds a report), so what the submitter or an analyst opens next is already
    placed; the rest of a large batch is placed by the same worker once the response has been
    sent. A failure is logged and its entries stay for the next drain.
    """

    def drain_committed(response: Response) -> Response:
        session = g.get("db_session")
        if session is None or not session.info.pop(PENDING, False):
            return response
        if session.new or session.dirty or session.deleted:
            return response  # never commit someone else's unfinished work
        session.rollback()  # end the read-only transaction the view may have left open
        settings: Settings = current_app.config["INCIDENTS_SETTINGS"]
        try:
            result = drain(session, thresholds(settings), limit=settings.dedup_drain_limit)
        except Exception:
            current_app.logger.exception("dedup drain failed; entries stay in the outbox")
            session.rollback()
            return response
        for entry_id, error in result.failed:
            current_app.logger.error("dedup of outbox entry %s failed: %s", entry_id, error)
        if result.remaining:
            response.call_on_close(_drain_rest)
        return response

    def _drain_rest() -> None:
        with app.app_context():
            session = services().database.session_factory()
            try:
                drain(session, thresholds(app.config["INCIDENTS_SETTINGS"]))
            except Exception:
                app.logger.exception("dedup drain failed; entries stay in the outbox")
            finally:
                session.close()

    app.after_request(drain_committed)
