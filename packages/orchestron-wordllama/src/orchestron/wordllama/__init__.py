"""The Embedder port on wordllama: a 256-dimension model that ships in its wheel.

Nothing is downloaded: the model and its tokenizer are read from the installed
package. The model loads on the first text embedded (about 0.2 s), so a
command that never compares meaning never pays for it.
"""

from orchestron.wordllama._embedder import MODEL, WordLlamaEmbedder

__all__ = ["MODEL", "WordLlamaEmbedder"]
