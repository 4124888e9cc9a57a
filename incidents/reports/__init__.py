"""Reports: what one organisation submitted — drafts, submissions, follow-ups, amendments."""
