"""Sphinx configuration of the LLM Karpathy Consortium documentation."""

project = "LLM Karpathy Consortium"
author = "The LLM Karpathy Consortium"
release = "0.1.0"
version = "0.1"

extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
