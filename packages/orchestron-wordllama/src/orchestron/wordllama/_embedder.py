"""wordllama's default model, read from its wheel, turning texts into unit vectors.

The model is a table of token vectors (32,000 x 256) and a tokenizer; a text's
vector is the mean of its tokens' vectors, as `WordLlamaInference.embed` makes
it (tests/wordllama checks the two agree). The files are read straight from the
installed wordllama package: importing wordllama itself would cost more than
the model (its configuration classes, an HTTP client), and would set the
process's root logger to INFO (its inference module calls
`logging.basicConfig`). Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orchestron.core.errors import StorageError

__all__ = ["MODEL", "WordLlamaEmbedder", "model_files"]

# Names the vectors this adapter makes: a stored vector of another model is made again.
MODEL = "wordllama-0.4/l2_supercat_256"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_BATCH = 64


def model_files() -> tuple[Path, Path]:
    """The weights and tokenizer files inside the installed wordllama package."""
    spec = importlib.util.find_spec("wordllama")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        raise StorageError("the wordllama package is not installed: reinstall orchestron-wordllama")
    folder = Path(folders[0])
    weights, tokenizer = folder / _WEIGHTS, folder / _TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise StorageError(
                f"the wordllama model file {path} is missing; reinstall it "
                "(reinstall orchestron-wordllama)"
            )
    return weights, tokenizer


class _Model:
    def __init__(self) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights, tokenizer = model_files()
        try:
            table = load_file(str(weights))["embedding.weight"]
            self.tokenizer = Tokenizer.from_file(str(tokenizer))
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise StorageError(
                f"the wordllama model did not load from {weights.parent.parent}: {exc}; "
                "reinstall orchestron-wordllama"
            ) from exc
        self.table = np.ascontiguousarray(table.astype(np.float32))
        self.tokenizer.enable_padding()
        self.tokenizer.no_truncation()
        self.np = np

    def embed(self, texts: list[str]) -> Any:
        np = self.np
        out = np.empty((len(texts), self.table.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), _BATCH):
            chunk = self.tokenizer.encode_batch(
                texts[start : start + _BATCH], add_special_tokens=False
            )
            ids = np.clip(np.array([e.ids for e in chunk], dtype=np.int64), 0, len(self.table) - 1)
            mask = np.array([e.attention_mask for e in chunk], dtype=np.float32)
            summed = np.sum(self.table[ids] * mask[..., np.newaxis], axis=1, dtype=np.float32)
            count = np.maximum(mask.sum(axis=1, keepdims=True), 1.0).astype(np.float32)
            out[start : start + len(chunk)] = summed / count
        return out


class WordLlamaEmbedder:
    """Texts to unit-length 256-dimension vectors (tuples of floats)."""

    model = MODEL
    dimensions = 256

    def __init__(self) -> None:
        self._model: _Model | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> _Model:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _Model()
        return self._model

    def embed(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        if not texts:
            return []
        model = self._loaded()
        np = model.np
        matrix = model.embed(list(texts))
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        # A text the tokenizer makes nothing of has a zero vector: it stays zero (no meaning).
        unit = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
        return [tuple(row) for row in unit.astype(np.float64).tolist()]
