"""Loading wordllama offline and turning texts into unit vectors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orchestron.core.errors import StorageError

__all__ = ["MODEL", "WordLlamaEmbedder"]

# Names the vectors this adapter makes: a stored vector of another model is recomputed.
MODEL = "wordllama-0.4/l2_supercat_256"


def _load() -> Any:
    # wordllama's inference module calls logging.basicConfig(level=INFO) when imported,
    # which would make every library's INFO lines appear on a door's stderr: undo it.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama  # type: ignore[import-untyped]
        from wordllama import WordLlama
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    # The model ships in the package: look there (`tokenizers/` and `weights/`) and never
    # try to download (WordLlama.load's default lookup wants `tokenizer/` and goes online).
    folder = Path(wordllama.__file__).parent
    try:
        return WordLlama.load(cache_dir=folder, disable_download=True)
    except (OSError, ValueError) as exc:
        raise StorageError(
            f"the wordllama model did not load from {folder}: {exc}; "
            "reinstall it (pip install --force-reinstall orchestron-wordllama)"
        ) from exc


class WordLlamaEmbedder:
    """Texts to unit-length 256-dimension vectors (tuples of floats)."""

    model = MODEL
    dimensions = 256

    def __init__(self) -> None:
        self._inference: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._inference is None:
            with self._lock:
                if self._inference is None:
                    self._inference = _load()
        return self._inference

    def embed(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        if not texts:
            return []
        import numpy as np

        matrix = self._model().embed(list(texts), norm=False)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        # A text the tokenizer makes nothing of has a zero vector: it stays zero (no meaning).
        unit = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
        return [tuple(row) for row in unit.astype(np.float64).tolist()]
