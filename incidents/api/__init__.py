"""The JSON API, version 1: token-authenticated, marshmallow schemas per audience."""
