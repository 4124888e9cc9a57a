"""Run the dedup engine once a request that committed submissions has been answered."""

from __future__ import annotations

from flask import Flask, Response, g

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

    The worker places the reports once the response has been sent (the WSGI server closes
    it), so a submission's latency never includes the engine; a few tens of milliseconds
    later the reports are in their incidents or the triage queue. A failure is logged and
    its entries stay in the outbox for the next drain (or ``flask dedup drain``).
    """

    def drain_after_response(response: Response) -> Response:
        session = g.get("db_session")
        if session is not None and session.info.pop(PENDING, False):
            response.call_on_close(drain_now)
        return response

    def drain_now() -> None:
        with app.app_context():
            session = services().database.session_factory()
            try:
                result = drain(session, thresholds(app.config["INCIDENTS_SETTINGS"]))
                for entry_id, error in result.failed:
                    app.logger.error("dedup of outbox entry %s failed: %s", entry_id, error)
            except Exception:
                app.logger.exception("dedup drain failed; entries stay in the outbox")
            finally:
                session.close()

    app.after_request(drain_after_response)
