"""The Embedder port on wordllama: a 256-dimension model that ships in its wheel.

Nothing is downloaded: the model and its tokenizer are read from the installed
wordllama package. The model loads on the first text embedded, so a command
that never compares meaning never pays for it.
"""

from orchestron.wordllama._embedder import MODEL, WordLlamaEmbedder, model_files

__all__ = ["MODEL", "WordLlamaEmbedder", "model_files"]
