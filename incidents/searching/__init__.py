"""Search in the application: the ``search`` outbox consumer that keeps the indexes of
:mod:`incidents.search` in step with the database, the ``flask search`` commands, the search
pages and API, and saved searches.

The engine is never named here: everything goes through the facade in :mod:`incidents.search`.
"""
