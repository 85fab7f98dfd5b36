"""examples/demo.py, imported as a module (the demo's staging is the benchmark's too), and the example project."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_PATH = REPO_ROOT / "examples" / "demo.py"
EXAMPLE = REPO_ROOT / "examples" / "llm-karpathy-consortium"


def load_demo() -> ModuleType:
    """The demo module (loaded once)."""
    if "releasekit_demo" not in sys.modules:
        spec = importlib.util.spec_from_file_location("releasekit_demo", DEMO_PATH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["releasekit_demo"] = module
        spec.loader.exec_module(module)
    return sys.modules["releasekit_demo"]
