"""Who is acting, through which channel and from where: passed to every service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from incidents.security.policy import Principal

Channel = Literal["web", "api", "cli", "system"]


@dataclass(frozen=True)
class Caller:
    """The acting principal (None for an operator at the command line) and its origin."""

    principal: Principal | None
    channel: Channel
    address: str | None = None

    @classmethod
    def command_line(cls) -> Caller:
        return cls(principal=None, channel="cli")

    @classmethod
    def system(cls) -> Caller:
        """The platform itself (e.g. the dedup engine acting after a submission)."""
        return cls(principal=None, channel="system")
