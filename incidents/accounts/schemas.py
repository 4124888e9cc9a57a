"""What the API shows of accounts: explicit field lists, nothing else."""

from __future__ import annotations

from marshmallow import Schema, fields


class OrganizationSchema(Schema):
    name = fields.String()
    kind = fields.String()
    is_network_member = fields.Boolean()


class MeSchema(Schema):
    """The caller's own user, organisation and role."""

    email = fields.String()
    name = fields.String()
    role = fields.String()
    organization = fields.Nested(OrganizationSchema)
