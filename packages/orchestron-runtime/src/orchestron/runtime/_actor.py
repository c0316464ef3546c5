"""Who a person is in the event log: one rule for every door a person uses."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping

__all__ = ["person_actor"]

PERSON_PREFIX = "human:"


def person_actor(environ: Mapping[str, str] | None = None) -> str:
    """`human:<login>`: $ORCHESTRON_ACTOR if set, else the OS user running the door.

    The CLI records what a person types under this name and the dashboard what a
    person clicks, so one person reads as one actor whichever door they used.
    """
    env = os.environ if environ is None else environ
    login = env.get("ORCHESTRON_ACTOR", "").strip()
    if not login:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "unknown"
    return login if login.startswith(PERSON_PREFIX) else f"{PERSON_PREFIX}{login}"
