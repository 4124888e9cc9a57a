"""The exchange between institutes and companies: requests for information on a report,
notifications (in the app and by e-mail), incidents an analyst follows, the institute's desk.

The seams other domains use:

- :func:`incidents.exchange.notify.notify_saved_search_match` ``(session, user, name, count,
  link)``: tell ``user`` that a saved search has ``count`` new matches (search calls it).
- The outbox consumer ``notify`` (:data:`incidents.exchange.notify.CONSUMER`) turns report,
  incident and publication events into immediate notifications.
- ``flask --app wsgi notify run`` computes due reminders and daily digests (idempotent).
"""
