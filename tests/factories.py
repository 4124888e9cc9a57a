"""factory_boy factories for the models; the ``db`` fixture points them at the test session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

import factory
import factory.alchemy
from sqlalchemy.orm import Session

from incidents.accounts.models import ApiToken, Organization, User
from incidents.security.permissions import OrganizationKind, Role
from incidents.security.tokens import mint_token

TEST_PASSWORD = "correct horse battery staple"


class _Session:
    current: Session | None = None
    password_hash = ""  # TEST_PASSWORD hashed with the test app's hasher


def _session() -> Session:
    assert _Session.current is not None, "use the db fixture before the factories"
    return _Session.current


def bind(session: Session | None) -> None:
    _Session.current = session


def set_password_hash(password_hash: str) -> None:
    _Session.password_hash = password_hash


ModelT = TypeVar("ModelT")


class _Base(factory.alchemy.SQLAlchemyModelFactory, Generic[ModelT]):
    """A factory whose call (``UserFactory(...)``) is, to mypy too, the model it makes."""

    if TYPE_CHECKING:
        # factory_boy's metaclass turns the call into ``create()``, which returns the model;
        # mypy only accepts a ``__new__`` that returns the class itself.
        def __new__(cls, *args: Any, **kwargs: Any) -> ModelT: ...  # type: ignore[misc]

    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "flush"


class OrganizationFactory(_Base[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.COMPANY
    is_network_member = False


class InstituteFactory(OrganizationFactory):
    kind = OrganizationKind.INSTITUTE
    is_network_member = True


class OperatorFactory(OrganizationFactory):
    kind = OrganizationKind.OPERATOR


class UserFactory(_Base[User]):
    """A user whose password is TEST_PASSWORD (hash set by the ``password_hash`` fixture)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.REPORTER
    password_hash = factory.LazyFunction(lambda: _Session.password_hash)


class ApiTokenFactory(_Base[ApiToken]):
    class Meta:
        model = ApiToken
        exclude = ("minted",)

    minted = factory.LazyFunction(mint_token)
    user = factory.SubFactory(UserFactory)
    name = "test token"
    digest = factory.LazyAttribute(lambda token: token.minted.digest)
    hint = factory.LazyAttribute(lambda token: token.minted.hint)

    @classmethod
    def with_secret(cls, **kwargs: Any) -> tuple[ApiToken, str]:
        minted = mint_token()
        token = cls(digest=minted.digest, hint=minted.hint, **kwargs)
        return token, minted.secret
