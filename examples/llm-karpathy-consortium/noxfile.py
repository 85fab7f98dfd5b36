# /// script
# dependencies = ["nox[uv]>=2025.2.9", "releasekit[release]"]
# ///
"""The release checklist of the LLM Karpathy Consortium, as nox sessions from releasekit."""

import nox

import releasekit.nox

nox.options.reuse_venv = "yes"

releasekit.nox.register()
