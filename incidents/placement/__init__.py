"""Placement: the dedup engine's glue to the application.

After a submission commits, the outbox's ``dedup`` consumer places each new report: it asks
the engine (:mod:`incidents.dedup`, which knows nothing of the database's incidents) for
candidates, and links the report to an incident, queues it for triage, or opens a new one
through the registry's services. ``flask dedup …`` rebuilds, explains and drains.
"""
