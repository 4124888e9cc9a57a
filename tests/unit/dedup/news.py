"""Public news items for the engine's tests."""

import datetime as dt

from incidents.dedup import ReportFacts


def news_item(report_id: str, title: str, published: str, description: str = "") -> ReportFacts:
    """A public-source item published on ``published`` (ISO date); its text is the title
    unless a ``description`` is given."""
    return ReportFacts(
        report_id=report_id,
        title=title,
        description=description or title,
        is_public_source=True,
        published_on=dt.date.fromisoformat(published),
    )
