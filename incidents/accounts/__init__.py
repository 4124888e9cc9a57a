"""Organisations, users, login and API tokens."""
