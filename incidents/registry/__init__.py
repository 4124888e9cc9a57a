"""The incident registry: incidents, report-to-incident links, merge and split, triage.

Reports become incidents here. After a submission commits, :mod:`.pipeline` takes the report
from the outbox, asks the dedup engine (:mod:`incidents.dedup`) for candidates, and links,
queues or opens an incident (:mod:`.services`). Analysts decide the queued candidates and
curate incidents; every change is audited and can be undone. No Flask below the views.
"""
