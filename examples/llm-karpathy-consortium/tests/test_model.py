import random

import llm_karpathy_consortium
import pytest
from llm_karpathy_consortium.model import BOUNDARY, BigramModel, Consortium, train_consortium

pytestmark = pytest.mark.unit


def test_distribution_sums_to_one_and_prefers_seen_bigrams():
    model = BigramModel().fit(["ab", "ab", "ac"])
    dist = model.distribution("a")
    assert abs(sum(dist.values()) - 1) < 1e-9
    assert dist["b"] > dist["c"] > dist["a"]


def test_unsmoothed_unknown_context_is_uniform():
    model = BigramModel(smoothing=0).fit(["ab"])
    dist = model.distribution("z")
    assert set(dist.values()) == {1 / 3}


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        BigramModel(smoothing=-1)
    with pytest.raises(ValueError, match="must not contain"):
        BigramModel().fit([f"a{BOUNDARY}b"])
    with pytest.raises(ValueError, match="at least one"):
        Consortium([])


def test_consortium_averages_members():
    first = BigramModel(smoothing=0).fit(["ab"])
    second = BigramModel(smoothing=0).fit(["ac"])
    dist = Consortium([first, second]).distribution("a")
    assert dist["b"] == pytest.approx(0.5)
    assert dist["c"] == pytest.approx(0.5)


def test_generation_is_reproducible_and_bounded():
    consortium = train_consortium(["anna", "bob", "carl"], members=2, seed=1)
    words = [consortium.generate(random.Random(3), max_length=4) for _ in range(2)]
    assert words[0] == words[1]
    assert len(words[0]) <= 4


def test_generation_of_a_deterministic_model():
    model = BigramModel(smoothing=0).fit(["ab"])
    assert Consortium([model]).generate(random.Random(0)) == "ab"


def test_version_is_a_string():
    assert llm_karpathy_consortium.__version__.count(".") == 2
