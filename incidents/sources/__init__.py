"""Public-source reports: news items and public incident databases' entries, imported by
analysts, readable by every analyst, deduplicated with the company reports."""
