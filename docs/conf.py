"""Sphinx configuration for releasekit's documentation."""

project = "releasekit"
author = "The releasekit developers"
copyright = "2026, The releasekit developers"

# Both kept by bump-my-version; `releasekit check versions` verifies them.
release = "0.1.0"
version = "0.1"

extensions: list[str] = []
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
