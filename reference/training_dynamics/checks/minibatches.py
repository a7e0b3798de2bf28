"""Checks of ``minibatches.py``: the batches of one epoch.

Families: ``partition`` (every index exactly once per epoch, at most once with
drop_last), ``batch_sizes`` (DataLoader's sizes: full batches, the last partial unless
drop_last), ``uniform`` (every order of the indices equally likely: a chi-square test),
``determinism`` (the same seed gives the same epoch, from ``rng`` only) and
``invalid_arguments``. No check compares the order with the reference's: any correct
use of ``rng`` draws other permutations.
"""

import itertools
import math

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (CheckFailure, Family, call, expected_validation, samples_to_detect_outcome_bias, seeds,
                                  verdicts)

from .common import checker, validation_cases

MODULE = "minibatches"

FAMILIES = {
    "partition": Family(points=10, max_examples=15, hint=(
        "Permute 0 .. n-1 once (rng.permutation(n)) and cut the permutation into consecutive slices: sampling "
        "without replacement, every index once.")),
    "batch_sizes": Family(points=8, max_examples=15, requires=("partition",), hint=(
        "ceil(n / batch_size) batches, all of batch_size but the last; drop_last drops a last batch that is "
        "smaller than batch_size (and only then).")),
    "uniform": Family(points=8, max_examples=1, hint=(
        "Every one of the n! orders must be equally likely: shuffle the indices themselves, not only the order of "
        "the batches, and use an unbiased shuffle (rng.permutation).")),
    "determinism": Family(points=6, max_examples=5, requires=("partition", "uniform"), hint=(
        "Draw every random number from rng; np.random.shuffle and np.random.permutation use another generator.")),
    "invalid_arguments": Family(points=4, visibility="hidden", hint=(
        "Raise ValueError for n < 0 and batch_size < 1; n = 0 gives no batch.")),
}

check = checker(MODULE)

#: The uniformity test: n indices (n! orders) in batches of UNIFORM_BATCH; a correct shuffle fails with
#: probability UNIFORM_ALPHA, and the least biased of the usual wrong shuffles is missed with probability
#: UNIFORM_MISS at most.
UNIFORM_N, UNIFORM_BATCH, UNIFORM_ALPHA, UNIFORM_MISS = 4, 2, 1e-6, 1e-6


def naive_shuffle_orders(n):
    """The probabilities of the n! orders that the naive shuffle gives (for i in 0 .. n-1 swap i with a uniform
    j in 0 .. n-1, not in i .. n-1): its n^n equally likely paths, counted per order (for n = 4, 8/256 to
    15/256 where uniform is 10.67/256)."""
    counts = dict.fromkeys(itertools.permutations(range(n)), 0)
    for choices in itertools.product(range(n), repeat=n):
        order = list(range(n))
        for i, j in enumerate(choices):
            order[i], order[j] = order[j], order[i]
        counts[tuple(order)] += 1
    return [count / n**n for count in counts.values()]


#: Epochs of the uniformity test: the fewest with which it rejects the naive shuffle (the least biased of the
#: usual mistakes; a random rotation or a shuffle of the batches alone leaves most orders out, and fails
#: with far fewer) with probability 1 - UNIFORM_MISS (:func:`samples_to_detect_outcome_bias`: 4,886 epochs,
#: each order expected about 204 times).
UNIFORM_CALLS = samples_to_detect_outcome_bias(naive_shuffle_orders(UNIFORM_N), false_failure_probability=UNIFORM_ALPHA,
                                               missed_detection_probability=UNIFORM_MISS)


#: Seeds after an example's own that the determinism check tries: the epoch must differ for at least one. An
#: epoch that depends on rng through few outcomes (a random rotation of n >= DETERMINISM_MIN_N indices) repeats
#: for all of them with probability n^-3 at most, 1e-6; a uniform shuffle, never in practice.
OTHER_SEEDS = 3
DETERMINISM_MIN_N = 100


@st.composite
def _epoch(draw, min_n=0, max_n=30):
    return {"n": draw(st.integers(min_n, max_n)), "batch_size": draw(st.integers(1, 8)),
            "drop_last": draw(st.booleans()), "rng_seed": draw(seeds())}


#: Epochs every partition and batch-size check grades: 16 batches whose last is partial, kept under three seeds
#: (an order of the batches that moves it shows under one of them but with probability 16^-3) and dropped, a
#: dataset smaller than one batch with drop_last (no batch at all), and one that batches evenly.
EDGE_EPOCHS = tuple({"n": n, "batch_size": batch_size, "drop_last": drop_last, "rng_seed": seed}
                    for n, batch_size, drop_last, seed in ((31, 2, False, 0), (31, 2, False, 1), (31, 2, False, 2),
                                                           (31, 2, True, 0), (2, 5, True, 0), (12, 4, False, 0)))


def _call(example):
    arguments = {key: value for key, value in example.items() if key != "rng_seed"}
    return call(MODULE, "epoch_batches", kwargs=arguments, rng_seed=example["rng_seed"])


def _batches(answer):
    if not isinstance(answer, (list, tuple)):
        raise CheckFailure(f"expected a list of arrays of indices, got {type(answer).__name__}")
    batches = []
    for index, batch in enumerate(answer):
        batch = np.asarray(batch)
        if batch.ndim != 1 or (batch.size and batch.dtype.kind not in "iu"):
            raise CheckFailure(f"batch {index}: expected a 1-D array of integer indices, got shape {batch.shape} and "
                               f"dtype {batch.dtype}")
        batches.append(batch)
    return batches


def partition(inputs, answer, expected, after):
    """Every index of 0 .. n-1 appears exactly once (at most once with drop_last)."""
    del expected, after
    seen = [int(i) for batch in _batches(answer) for i in batch]
    n = inputs["n"]
    outside = [i for i in seen if not 0 <= i < n]
    if outside:
        raise CheckFailure(f"index {outside[0]} is not one of 0 .. {n - 1}")
    repeated = sorted({i for i in seen if seen.count(i) > 1})
    if repeated:
        raise CheckFailure(f"index {repeated[0]} appears {seen.count(repeated[0])} times in one epoch; sample "
                           "without replacement")
    if not inputs["drop_last"] and len(seen) != n:
        missing = sorted(set(range(n)) - set(seen))
        raise CheckFailure(f"{len(missing)} of the {n} indices never appear (index {missing[0]} first)")


def batch_sizes(inputs, answer, expected, after):
    """The sizes of the batches are DataLoader's."""
    del after
    sizes = [len(batch) for batch in _batches(answer)]
    want = [len(batch) for batch in expected]
    if sizes != want:
        raise CheckFailure(f"n = {inputs['n']}, batch_size = {inputs['batch_size']}, drop_last = "
                           f"{inputs['drop_last']}: expected batch sizes {want}, got {sizes}")


def _custom_expected(example, oracle):
    arguments = {key: value for key, value in example.items() if key != "rng_seed"}
    batches = oracle.reference(MODULE).epoch_batches(**arguments, rng=np.random.default_rng(example["rng_seed"]))
    return {"inputs": arguments, "expected": batches}


def checks():
    invalid = [({"n": -1, "batch_size": 2, "drop_last": False, "rng_seed": 0}, "n = -1"),
               ({"n": 5, "batch_size": 0, "drop_last": False, "rng_seed": 0}, "batch_size = 0")]
    valid = [{"n": 0, "batch_size": 1, "drop_last": False, "rng_seed": 0},
             {"n": 3, "batch_size": 5, "drop_last": True, "rng_seed": 0}]

    def determinism_requests(example):
        first = _call(example)
        return [first, {**first, "repeat": 1}, *({**first, "rng_seed": example["rng_seed"] + offset}
                                                  for offset in range(1, OTHER_SEEDS + 1))]

    def uniform_requests(example):
        return [_call({"n": UNIFORM_N, "batch_size": UNIFORM_BATCH, "drop_last": False,
                       "rng_seed": example["first_seed"] + index}) for index in range(UNIFORM_CALLS)]

    return [
        check("epoch_batches", "partition", "epoch_batches returns every index once per epoch (at most once with "
                                            "drop_last)",
              _epoch(), lambda e: [_call(e)], _custom_expected, partition,
              edge_cases=EDGE_EPOCHS),
        check("epoch_batches", "batch_sizes", "epoch_batches returns batches of DataLoader's sizes, the last partial "
                                              "unless drop_last",
              _epoch(), lambda e: [_call(e)], _custom_expected, batch_sizes,
              edge_cases=EDGE_EPOCHS),
        check("epoch_batches", "uniform", f"the {math.factorial(UNIFORM_N)} orders of {UNIFORM_N} indices are "
                                          f"equally likely over {UNIFORM_CALLS} epochs (chi-square test, "
                                          f"false-failure probability {UNIFORM_ALPHA:g})",
              st.fixed_dictionaries({"first_seed": st.integers(0, 2**31)}), uniform_requests,
              lambda e, oracle: {"outcomes": math.factorial(UNIFORM_N),
                                 "what": f"orders of {UNIFORM_N} indices in batches of {UNIFORM_BATCH}"},
              verdicts.uniform_outcomes(false_failure_probability=UNIFORM_ALPHA)),
        check("epoch_batches", "determinism", "epoch_batches draws its random numbers from its rng argument only",
              _epoch(min_n=DETERMINISM_MIN_N, max_n=3 * DETERMINISM_MIN_N), determinism_requests,
              lambda e, oracle: {"seed": e["rng_seed"]}, verdicts.same_result_for_same_seed()),
        check("epoch_batches", "invalid_arguments", "epoch_batches raises ValueError for n < 0 and batch_size < 1",
              _epoch().map(lambda e: {"arguments": e, "accepted": "a valid drawn call"}),
              lambda e: [_call(e["arguments"])], expected_validation, verdicts.validates_arguments(),
              edge_cases=validation_cases(invalid, valid)),
    ]
