"""The wordllama adapter: loads from its own wheel with no network, gives unit vectors that
put alike texts near each other, and leaves the process's logging alone; the fake embedder
keeps the same promises."""

from __future__ import annotations

import logging
import math
import subprocess
import sys
from pathlib import Path

import pytest

from orchestron.core.domain.vectors import cosine
from orchestron.core.ports import Embedder
from orchestron.core.testing import FakeEmbedder
from orchestron.wordllama import MODEL, WordLlamaEmbedder


@pytest.fixture(params=["wordllama", "fake"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return WordLlamaEmbedder() if request.param == "wordllama" else FakeEmbedder()


def test_vectors_are_unit_length_of_one_size_and_repeatable(embedder: Embedder) -> None:
    texts = ["We use PostgreSQL", "Deploys go out from main", "数据库", "🚀"]
    first = embedder.embed(texts)
    assert len(first) == len(texts)
    sizes = {len(v) for v in first}
    assert len(sizes) == 1
    for v in first[:3]:
        assert math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, rel_tol=1e-5)
    assert embedder.embed(texts) == first
    assert embedder.embed([]) == []
    assert isinstance(embedder.model, str) and embedder.model


def test_alike_texts_are_nearer_than_unrelated_ones(embedder: Embedder) -> None:
    a, b, c = embedder.embed(
        [
            "The database is PostgreSQL",
            "We use PostgreSQL as our database",
            "Buttons are blue",
        ]
    )
    assert cosine(a, b) > cosine(a, c) + 0.2


def test_the_model_loads_from_the_wheel_without_touching_the_network(tmp_path: Path) -> None:
    """In a fresh process with HOME elsewhere and requests.get made to fail: the model must
    load from the installed package and never try to download."""
    script = """
import logging, requests
def refuse(*a, **k):
    raise SystemExit("tried to download: " + repr(a))
requests.get = refuse
root = logging.getLogger()
before = (root.level, list(root.handlers))
from orchestron.wordllama import WordLlamaEmbedder
[v] = WordLlamaEmbedder().embed(["offline"])
assert len(v) == 256, len(v)
assert (root.level, list(root.handlers)) == before, (root.level, root.handlers)
import sys
assert "wordllama" not in sys.modules, "read the files, not the package"
print("ok")
"""
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NO_PROXY": "*"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.strip() == "ok"
    assert not (tmp_path / ".cache" / "wordllama").exists()


def test_loading_leaves_the_root_logger_as_it_was() -> None:
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    WordLlamaEmbedder().embed(["anything"])
    assert (root.level, list(root.handlers)) == before


def test_the_model_is_named_for_the_vectors_it_makes() -> None:
    assert WordLlamaEmbedder().model == MODEL == "wordllama-0.4/l2_supercat_256"


def test_vectors_agree_with_wordllamas_own_inference() -> None:
    """The adapter reads the model files itself (cheaper than importing wordllama); its
    vectors must be the ones wordllama makes."""
    import numpy as np

    from wordllama import WordLlama  # type: ignore[import-untyped]

    weights, _ = __import__("orchestron.wordllama", fromlist=["model_files"]).model_files()
    theirs = WordLlama.load(cache_dir=weights.parent.parent, disable_download=True)
    texts = ["We use PostgreSQL", "The test DB needs TZ=UTC", "数据库", "a " * 70]
    expected = theirs.embed(texts, norm=True)
    ours = np.array(WordLlamaEmbedder().embed(texts))
    assert np.allclose(ours, expected, atol=1e-5)
