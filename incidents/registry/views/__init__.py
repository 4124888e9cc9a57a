"""The analysts' pages: the triage queue, one report's candidates, incidents and curation.

Each view loads what it shows through :mod:`incidents.registry.access` (hidden answers 404
like missing), acts through the registry's services and commits once. Bad input re-renders
the page with the messages beside the form that was sent; a conflict (the state changed
meanwhile) is flashed. Reading another organisation's reports on the triage page is audited
like the report page.
"""

from incidents.registry.views import incidents, triage
from incidents.registry.views.common import registry

__all__ = ["incidents", "registry", "triage"]
