"""Character-level bigram models, in the spirit of makemore, and a consortium that votes."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

BOUNDARY = "."


class BigramModel:
    """Counts which character follows which, with add-``smoothing`` smoothing."""

    def __init__(self, smoothing: float = 1.0) -> None:
        if smoothing < 0:
            raise ValueError("smoothing must not be negative")
        self.smoothing = smoothing
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.alphabet: set[str] = {BOUNDARY}

    def fit(self, words: Iterable[str]) -> BigramModel:
        """Count the bigrams of ``words``; each word is framed by the boundary mark."""
        for word in words:
            if BOUNDARY in word:
                raise ValueError(f"words must not contain {BOUNDARY!r}: {word!r}")
            chars = [BOUNDARY, *word, BOUNDARY]
            self.alphabet.update(word)
            for a, b in pairwise(chars):
                self.counts[a][b] += 1
        return self

    def distribution(self, previous: str) -> dict[str, float]:
        """P(next | previous) over the alphabet."""
        row = self.counts.get(previous, Counter())
        total = sum(row.values()) + self.smoothing * len(self.alphabet)
        if total == 0:
            return {c: 1 / len(self.alphabet) for c in sorted(self.alphabet)}
        return {c: (row[c] + self.smoothing) / total for c in sorted(self.alphabet)}


class Consortium:
    """Several models that average their distributions before each character is drawn."""

    def __init__(self, members: Sequence[BigramModel]) -> None:
        if not members:
            raise ValueError("a consortium needs at least one member")
        self.members = list(members)

    def distribution(self, previous: str) -> dict[str, float]:
        """The members' mean distribution of the next character."""
        mixed: dict[str, float] = defaultdict(float)
        for member in self.members:
            for char, p in member.distribution(previous).items():
                mixed[char] += p / len(self.members)
        return dict(mixed)

    def generate(self, rng: random.Random, max_length: int = 20) -> str:
        """Draw one word, character by character, until the boundary mark or ``max_length``."""
        out: list[str] = []
        previous = BOUNDARY
        while len(out) < max_length:
            dist = self.distribution(previous)
            chars = sorted(dist)
            previous = rng.choices(chars, weights=[dist[c] for c in chars])[0]
            if previous == BOUNDARY:
                break
            out.append(previous)
        return "".join(out)


def train_consortium(words: Sequence[str], members: int = 3, seed: int = 0) -> Consortium:
    """Train ``members`` models, each on a bootstrap sample of ``words``."""
    rng = random.Random(seed)
    models = [BigramModel().fit(rng.choices(words, k=len(words))) for _ in range(members)]
    return Consortium(models)
