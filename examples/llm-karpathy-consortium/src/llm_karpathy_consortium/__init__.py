"""LLM Karpathy Consortium: a committee of tiny character-level bigram language models."""

from llm_karpathy_consortium.model import BigramModel, Consortium

__version__ = "0.1.0"
__all__ = ["BigramModel", "Consortium", "__version__"]
