"""The read scope: access keys of objects, keys of principals, and the SQL twin agreeing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from incidents.security.permissions import OrganizationKind, Role
from incidents.security.scope import (
    ANALYSTS,
    NETWORK,
    ReadScope,
    desk_key,
    note_keys,
    org_key,
    report_keys,
    scope_of,
    to_key,
)

COMPANY, INSTITUTE, OPERATOR = OrganizationKind
TLPS = ("clear", "green", "amber", "amber_strict", "red")


@dataclass
class Actor:
    id: int
    role: Role
    organization_id: int
    organization_kind: OrganizationKind
    is_active: bool = True
    is_network_member: bool = False


@dataclass
class Item:
    organization_id: int
    tlp: str
    recipient_ids: frozenset[int] = frozenset()
    is_draft: bool = False


def test_report_keys_follow_its_state_and_distribution() -> None:
    assert report_keys(Item(1, "red", frozenset({5}), is_draft=True)) == {org_key(1)}
    assert report_keys(Item(1, "red", frozenset({5, 6}))) == {org_key(1), to_key(5), to_key(6)}
    assert report_keys(Item(1, "green")) == {org_key(1), NETWORK}
    assert report_keys(Item(1, "amber"), public_source=True) == {org_key(1), ANALYSTS}


def test_note_keys_name_the_writing_desk() -> None:
    assert note_keys(Item(7, "amber_strict", frozenset({7}))) == {desk_key(7), to_key(7)}
    assert note_keys(Item(7, "clear")) == {desk_key(7), NETWORK}


@pytest.mark.parametrize(
    ("actor", "keys"),
    [
        (None, set()),
        (Actor(1, Role.REPORTER, 10, COMPANY), {org_key(10)}),
        (Actor(1, Role.ORG_ADMIN, 10, COMPANY), {org_key(10)}),
        (Actor(1, Role.REPORTER, 10, COMPANY, is_active=False), set()),
        (Actor(1, Role.ANALYST, 20, INSTITUTE), {desk_key(20), ANALYSTS}),
        (
            Actor(1, Role.EDITOR, 20, INSTITUTE, is_network_member=True),
            {desk_key(20), ANALYSTS, NETWORK, to_key(20)},
        ),
        (Actor(1, Role.ADMIN, 30, OPERATOR), set()),
    ],
)
def test_scope_of_each_principal(actor: Actor | None, keys: set[str]) -> None:
    assert scope_of(actor).keys == keys


def test_a_scope_lists_its_organisations_by_kind() -> None:
    scope = ReadScope(frozenset({org_key(3), to_key(9), to_key(4), NETWORK}))
    assert scope.organizations("to:") == [4, 9]
    assert scope.organizations("org:") == [3]
    assert scope.organizations("desk:") == []


# --- the SQL twin agrees with the Python check on every combination -----------------------

metadata = sa.MetaData()
items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author", sa.Integer),
    sa.Column("tlp", sa.String),
    sa.Column("draft", sa.Boolean),
    sa.Column("public", sa.Boolean),
)
recipients = sa.Table(
    "recipients", metadata, sa.Column("item", sa.Integer), sa.Column("institute", sa.Integer)
)

SCOPES = [
    ReadScope(frozenset(keys))
    for keys in (
        set(),
        {org_key(1)},
        {desk_key(1)},
        {NETWORK},
        {to_key(2)},
        {ANALYSTS},
        {desk_key(2), ANALYSTS, NETWORK, to_key(2)},
        {org_key(1), to_key(3), to_key(2)},
    )
]


@pytest.mark.parametrize("prefix", ["org:", "desk:"])
@pytest.mark.parametrize("with_public", [True, False])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda scope: "+".join(sorted(scope.keys)))
def test_the_sql_twin_agrees(prefix: str, with_public: bool, scope: ReadScope) -> None:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    cases = list(
        itertools.product(
            (1, 2),
            TLPS,
            (frozenset(), frozenset({2}), frozenset({2, 3})),
            (False, True),
            (False, True),
        )
    )
    with engine.begin() as connection:
        for number, (author, tlp, named, draft, public) in enumerate(cases):
            connection.execute(
                items.insert().values(id=number, author=author, tlp=tlp, draft=draft, public=public)
            )
            for institute in named:
                connection.execute(recipients.insert().values(item=number, institute=institute))
        condition = scope.sql(
            author=items.c.author,
            author_prefix=prefix,
            tlp=items.c.tlp,
            is_draft=items.c.draft,
            addressed_to=lambda ids: sa.exists().where(
                recipients.c.item == items.c.id, recipients.c.institute.in_(ids)
            ),
            public_source=items.c.public if with_public else None,
        )
        found = set(connection.scalars(sa.select(items.c.id).where(condition)))
    engine.dispose()
    expected = set()
    for number, (author, tlp, named, draft, public) in enumerate(cases):
        item = Item(author, tlp, named, is_draft=draft)
        keys = report_keys(item, public_source=public and with_public)
        if prefix == "desk:":
            keys = (keys - {org_key(author)}) | {desk_key(author)}
        if scope.can_read(keys):
            expected.add(number)
    assert found == expected


def test_without_drafts_the_sql_twin_needs_no_state() -> None:
    condition = ReadScope(frozenset({NETWORK})).sql(
        author=items.c.author,
        author_prefix="desk:",
        tlp=items.c.tlp,
        is_draft=None,
        addressed_to=lambda ids: sa.false(),
    )
    assert "draft" not in str(condition)
