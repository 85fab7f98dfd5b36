import subprocess
import sys
from pathlib import Path

import llm_karpathy_consortium
import pytest

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "generate_names.py"


def test_the_example_script_prints_names_and_version():
    proc = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, check=True)
    assert proc.stdout.startswith(f"llm-karpathy-consortium {llm_karpathy_consortium.__version__}:")
    assert len(proc.stdout.split(":", 1)[1].split(",")) == 5
