import random
import statistics
import time

import pytest
from llm_karpathy_consortium.model import BigramModel, train_consortium

pytestmark = pytest.mark.benchmark

WORDS = ["".join(random.Random(i).choices("abcdefghij", k=6)) for i in range(500)]


def _median(func, rounds=5):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_consortium_training_against_one_model():
    single = _median(lambda: BigramModel().fit(WORDS))
    three = _median(lambda: train_consortium(WORDS, members=3))
    print(f"\nfit one model: {single * 1e3:.2f} ms; consortium of 3: {three * 1e3:.2f} ms; ratio {three / single:.1f}x")
    assert three > 0 and single > 0
