"""Packaging: the metadata lives in pyproject.toml; the version lives here (bump-my-version keeps it)."""

from setuptools import setup

setup(version="0.1.0")
