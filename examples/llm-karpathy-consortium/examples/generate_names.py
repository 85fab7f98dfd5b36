"""Train a small consortium on a handful of names and print a few new ones."""

import random

from llm_karpathy_consortium import __version__
from llm_karpathy_consortium.model import train_consortium

NAMES = ["andrej", "emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn"]

consortium = train_consortium(NAMES, members=3, seed=42)
rng = random.Random(7)
print(f"llm-karpathy-consortium {__version__}:", ", ".join(consortium.generate(rng) or "<empty>" for _ in range(5)))
