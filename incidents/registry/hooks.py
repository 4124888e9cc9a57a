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

    The worker places as many reports as the request filed (the oldest waiting first) once
    the response has been sent (the WSGI server closes it), so a submission's latency never
    includes the engine, a few tens of milliseconds later the reports are in their incidents
    or the triage queue, and each request does its own share of the work. A failure is logged
    and its entries stay in the outbox for the next drain. With
    ``INCIDENTS_DEDUP_AFTER_RESPONSE=false`` the web workers leave it all to a separate
    ``flask dedup drain --follow``.
    """

    def settings() -> Settings:
        found: Settings = app.config["INCIDENTS_SETTINGS"]
        return found

    def drain_after_response(response: Response) -> Response:
        session = g.get("db_session")
        written = session.info.pop(PENDING, 0) if session is not None else 0
        if written and settings().dedup_after_response:
            response.call_on_close(lambda: drain_now(written))
        return response

    def drain_now(limit: int) -> None:
        with app.app_context():
            session = services().database.session_factory()
            try:
                result = drain(session, thresholds(settings()), limit=limit)
                for entry_id, error in result.failed:
                    app.logger.error("dedup of outbox entry %s failed: %s", entry_id, error)
            except Exception:
                app.logger.exception("dedup drain failed; entries stay in the outbox")
            finally:
                session.close()

    app.after_request(drain_after_response)
