"""One outbox for all the work that follows a change, with named consumers.

A change writes its events in its own transaction (:func:`~.services.publish`): one row per
consumer that follows that kind of event (dedup placement, search indexing, mail). After the
commit, each consumer drains its rows oldest first, each in its own transaction
(:func:`~.services.drain`): after the response on the embedded default, or by a worker
command in production. A crash between commit and work loses nothing; an entry that fails
is retried later with a growing delay and parked with its error after a few attempts, and
never blocks the others.
"""
