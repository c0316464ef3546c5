"""Which embedding model the runtime wires in, and what a door says without one."""

from __future__ import annotations

import pytest

from orchestron.core import InvalidInputError
from orchestron.runtime import EMBEDDER_ENV, default_embedder, words_only_reason
from orchestron.wordllama import WordLlamaEmbedder


def test_wordllama_by_default_none_on_request_and_a_clear_error_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(EMBEDDER_ENV, raising=False)
    assert isinstance(default_embedder(), WordLlamaEmbedder)
    monkeypatch.setenv(EMBEDDER_ENV, "none")
    assert default_embedder() is None
    assert "ORCHESTRON_EMBEDDER=none" in words_only_reason()
    monkeypatch.setenv(EMBEDDER_ENV, "bert")
    with pytest.raises(InvalidInputError) as caught:
        default_embedder()
    assert caught.value.field == EMBEDDER_ENV and "wordllama" in str(caught.value)


def test_without_the_package_the_reason_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.delenv(EMBEDDER_ENV, raising=False)
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "wordllama" else real(name, *a),
    )
    assert default_embedder() is None
    reason = words_only_reason()
    assert reason.startswith("no embedding model is installed")
    assert "install it with" in reason or "orchestron-wordllama" in reason
