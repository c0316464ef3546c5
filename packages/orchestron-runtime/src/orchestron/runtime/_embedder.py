"""Choosing the embedding model memory is judged and recalled with.

wordllama (the orchestron-wordllama package, installed with the CLI and the MCP
server) when it is there; else none, and memory compares words alone (the
doors say so). `ORCHESTRON_EMBEDDER=none` asks for words alone on purpose.
"""

from __future__ import annotations

import importlib.util
import os

from orchestron.core.errors import InvalidInputError
from orchestron.core.ports import Embedder

__all__ = ["EMBEDDER_ENV", "default_embedder", "words_only_reason"]

EMBEDDER_ENV = "ORCHESTRON_EMBEDDER"
_CHOICES = ("wordllama", "none")


def default_embedder() -> Embedder | None:
    """The embedder for this process, loaded lazily (nothing is read until first used)."""
    wanted = os.environ.get(EMBEDDER_ENV, "").strip().lower() or "wordllama"
    if wanted not in _CHOICES:
        raise InvalidInputError(
            EMBEDDER_ENV, f"{wanted!r} is not one of {', '.join(_CHOICES)}; unset it for wordllama"
        )
    if wanted == "none" or importlib.util.find_spec("wordllama") is None:
        return None
    try:
        from orchestron.wordllama import WordLlamaEmbedder
    except ImportError:
        return None
    return WordLlamaEmbedder()


def words_only_reason() -> str:
    """Why memory compares words alone in this process, and what to do about it."""
    if os.environ.get(EMBEDDER_ENV, "").strip().lower() == "none":
        return f"{EMBEDDER_ENV}=none asks for words alone; unset it to compare meaning"
    from orchestron.runtime._install import install_hint

    return "no embedding model is installed; to compare meaning, " + install_hint(
        "orchestron-wordllama"
    )
