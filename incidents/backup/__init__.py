"""Backups, restores and the move from the embedded database to PostgreSQL."""
