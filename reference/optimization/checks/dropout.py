"""Checks of ``dropout.py``: inverted dropout, forward and backward.

Families: ``identity`` (evaluation, and p == 0, return x and an all-True mask),
``drop_all`` (p == 1 gives zeros and an all-False mask, with no 0 / 0), ``keep_rate``
(each element kept with probability 1 - p), ``scaling`` (each output is 0 or
x / (1 - p)), ``mask_consistency`` (the mask is a bool array, True exactly where the
output is kept), ``independence`` (no mask shared along an axis), ``determinism``
(the rng argument alone decides the mask), ``backward`` (dout * mask / (1 - p), for
the mask it is given) and ``invalid_arguments`` (ValueError for p outside [0, 1], and
for a mask not of dout's shape).

The forward checks of random masks feed inputs without zeros and read the kept
elements from ``out != 0``, so that each mistake fails one family: a wrong scale
fails ``scaling`` alone, a wrong mask ``mask_consistency`` alone, a wrong keep rate
``keep_rate`` alone. A mask that keeps nothing (or everything) holds the other
properties of random masks vacuously, so they pay only where ``keep_rate`` passes
(``Family.requires``): an output of zeros earns no ``scaling`` point. The backward checks feed masks drawn in the grader, never the
student's forward's, so a wrong forward costs no backward points.

Statistical checks (``keep_rate``, ``independence``) reject a correct implementation
with probability at most :data:`FALSE_FAILURE_PROBABILITY` per example, so at most
max_examples times that per check (6e-9 with 6 examples). ``determinism`` also
requires two different seeds to give different masks, which a correct implementation
fails with probability below 1e-11 per example (see :data:`DETERMINISM_SHAPES`).
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Check, Family, expected_validation, finite_arrays, keep_rate, samples_to_detect_rate,
                                  seeds, shapes, verdicts)

from .strategies import dropout as strategies

MODULE = "dropout"

#: The families of this part: points, visibility, hints, example counts and tolerances.
FAMILIES = {
    "identity": Family(points=12, hint=(
        "In evaluation (training=False, whatever p) and for p == 0, return a copy of x and a mask of all "
        "True, without touching x's values.")),
    "drop_all": Family(points=10 / 2, max_examples=15, hint=(
        "p == 1 drops everything: return zeros (and an all-False mask) directly instead of dividing by 1 "
        "- p == 0, which gives NaN.")),
    "keep_rate": Family(points=14, max_examples=6, hint=(
        "p is the probability of DROPPING an element (PyTorch's convention): keep each element with "
        "probability 1 - p.")),
    "scaling": Family(points=14, requires=("keep_rate",), hint=(
        "Inverted dropout scales the kept elements by 1 / (1 - p) during training, so that E[out] = x; "
        "dropped elements are exactly 0.")),
    "mask_consistency": Family(points=10,
                               requires=("keep_rate",), hint=(
        "Return the mask you applied: a bool array of x's shape, True where the element was kept, so that"
        " out = x * mask / (1 - p).")),
    "independence": Family(points=10, max_examples=6,
                           requires=("keep_rate",), hint=(
        "Draw one random number per element, rng.random(x.shape); a mask of shape x.shape[-1:] or (N, 1) "
        "broadcast over x drops whole rows or columns together.")),
    "determinism": Family(points=10, max_examples=15,
                          requires=("keep_rate",), hint=(
        "Draw every random number from the rng argument (rng.random, rng.binomial...), never from "
        "np.random or a generator of your own.")),
    "backward": Family(points=14, hint=(
        "dx = dout * mask / (1 - p): the gradient flows only through the kept elements, scaled as in the "
        "forward pass.")),
    "invalid_arguments": Family(points=6 / 2, visibility="hidden", hint=(
        "Raise ValueError for p outside [0, 1] (NaN included) before anything else, in evaluation too; "
        "dropout_backward also checks the mask's shape.")),
}

#: Probability that a statistical verdict rejects one example of a correct
#: implementation (each test is conservative at this level).
FALSE_FAILURE_PROBABILITY = 1e-9

#: The probability that ``keep_rate`` misses a keep rate off by KEEP_RATE_ERROR: its power is at least
#: 1 - MISSED_DETECTION_PROBABILITY.
MISSED_DETECTION_PROBABILITY = 1e-6

#: The smallest error in the keep rate that ``keep_rate`` must detect, either way. The catalog's mistakes are
#: far larger: p taken for the keep probability is off by |1 - 2p| >= 0.4 for the listed p's.
KEEP_RATE_ERROR = 0.02

#: Elements of the input of one keep-rate example: the fewest with which the binomial test detects
#: KEEP_RATE_ERROR at the hardest keep probability, 1/2 (the widest binomial law;
#: :func:`autograder.core.verdicts.significance.samples_to_detect_rate`: 86,994; tests/test_significance.py
#: checks every drawn p needs no more, and draws from the just-detectable rates).
KEEP_RATE_SAMPLE_SIZE = samples_to_detect_rate(0.5, KEEP_RATE_ERROR,
                                               false_failure_probability=FALSE_FAILURE_PROBABILITY,
                                               missed_detection_probability=MISSED_DETECTION_PROBABILITY)

#: Inputs of the independence examples: 40_000 to 50_000 elements, so 20_000 to 25_000
#: disjoint pairs along every axis. The deviation to detect is a mask shared along an axis,
#: which makes every pair along it equal: with r of m pairs first kept and all r both kept,
#: the p-value is at most 2 (r / m)^r, below 1e-40 for every p in [0.05, 0.95] at these sizes:
#: detected with certainty unless its shared draws all keep or all drop (then keep_rate
#: fails, if not on the same example). tests/test_significance.py shares masks along each axis.
INDEPENDENCE_SHAPES = [(200, 250), (10, 8, 20, 26), (250, 8, 20)]

#: Inputs of the determinism examples: >= 256 elements, so that two different seeds
#: give the same mask with probability (p^2 + (1 - p)^2)^256 < 1e-11 for p in
#: [0.05, 0.95]. One-dimensional, where a mask shared along an axis (which
#: ``independence`` grades) is still one draw per element and costs no points here.
DETERMINISM_SHAPES = [(256,), (1000,)]


def _forward(x, p, training, seed):
    return {"driver": "call", "module": MODULE, "function": "dropout_forward", "args": [x],
            "kwargs": {"p": p, "training": training}, "rng_seed": seed}


def _backward(dout, mask, p):
    return {"driver": "call", "module": MODULE, "function": "dropout_backward", "args": [dout, mask],
            "kwargs": {"p": p}}


def _reference_forward(example, oracle, *, p=None, training=None):
    forward = oracle.reference(MODULE).dropout_forward
    out, mask = forward(example["x"], p=example["p"] if p is None else p,
                        training=example["training"] if training is None else training,
                        rng=np.random.default_rng(example["seed"]))
    return [out, mask]


def _reference_backward(example, oracle, *, p=None):
    backward = oracle.reference(MODULE).dropout_backward
    return backward(example["dout"], example["mask"], p=example["p"] if p is None else p)


def _kept_values(example, oracle):
    """x / (1 - p): the reference's backward passes every kept element through with exactly this scale."""
    x, p = example["x"], example["p"]
    kept = oracle.reference(MODULE).dropout_backward(x, np.ones(x.shape, dtype=bool), p=p)
    return {"kept": kept, "x": x, "p": p}


@st.composite
def _identity(draw):
    """Evaluation with any p, or training with p == 0."""
    x = draw(finite_arrays(shapes()))
    if draw(st.booleans()):
        return {"x": x, "p": draw(strategies.drop_probabilities()), "training": False, "seed": draw(seeds())}
    return {"x": x, "p": 0.0, "training": True, "seed": draw(seeds())}


#: Both branches of the identity, graded under every salt: evaluation with p = 0.5 and p = 1 (no element is
#: dropped, whatever p), and training with p = 0.
IDENTITY_EDGE_CASES = tuple({"x": np.array([[1.5, -2.0, 0.25]]), "p": p, "training": training, "seed": 0}
                            for p, training in ((0.5, False), (1.0, False), (0.0, True)))


@st.composite
def _drop_all_forward(draw):
    return {"x": draw(finite_arrays(shapes())), "seed": draw(seeds())}


@st.composite
def _drop_all_backward(draw):
    dout = draw(finite_arrays(shapes()))
    return {"dout": dout, "mask": np.zeros(dout.shape, dtype=bool)}


@st.composite
def _random_mask(draw):
    """An input without zeros, 0-d to 4-D, and 0 < p < 1."""
    return {"x": draw(strategies.nonzero_arrays(shapes())), "p": draw(strategies.random_mask_probabilities()),
            "seed": draw(seeds())}


@st.composite
def _keep_rate(draw):
    return {"p": draw(strategies.statistical_drop_probabilities()), "seed": draw(seeds())}


@st.composite
def _independence(draw):
    return {"shape": draw(st.sampled_from(INDEPENDENCE_SHAPES)),
            "p": draw(strategies.statistical_drop_probabilities()), "seed": draw(seeds())}


@st.composite
def _determinism(draw):
    first, second = draw(st.lists(seeds(), min_size=2, max_size=2, unique=True))
    return {"x": draw(strategies.nonzero_arrays(st.sampled_from(DETERMINISM_SHAPES))),
            "p": draw(strategies.statistical_drop_probabilities()), "seeds": [first, first, second]}


@st.composite
def _backward_example(draw):
    """dout and a mask that dropout_forward can return for 0 <= p < 1 (p == 1 is ``drop_all``'s)."""
    dout = draw(finite_arrays(shapes()))
    p = draw(st.one_of(st.sampled_from([0.0, 0.5]), st.floats(0.0, 1.0, exclude_max=True)))
    return {"dout": dout, "mask": draw(strategies.dropout_masks(dout.shape, p)), "p": p}


def _invalid_forward_example(arguments):
    return {**arguments, "reason": f"p = {arguments['p']!r} (training={arguments['training']}), outside [0, 1]"}


@st.composite
def _invalid_forward(draw):
    arguments, _ = draw(strategies.invalid_dropout_forward_arguments())
    return _invalid_forward_example(arguments)


@st.composite
def _invalid_backward(draw):
    arguments, match = draw(strategies.invalid_dropout_backward_arguments())
    if match == strategies.INVALID_P_MESSAGE:
        reason = f"p = {arguments['p']!r}, outside [0, 1]"
    else:
        reason = f"a mask of shape {arguments['mask'].shape} for dout of shape {arguments['dout'].shape}"
    return {**arguments, "reason": reason}


#: Each kind of invalid p, in training and in evaluation, and in the backward pass.
INVALID_FORWARD_EDGE_CASES = tuple(_invalid_forward_example({"x": np.ones(3), "p": p, "training": training, "seed": 0})
                                   for p in strategies.INVALID_P_KINDS for training in (True, False))
INVALID_BACKWARD_EDGE_CASES = tuple({"dout": np.ones(3), "mask": np.ones(3, dtype=bool), "p": p,
                                     "reason": f"p = {p!r}, outside [0, 1]"} for p in strategies.INVALID_P_KINDS)


def _forward_checks():
    def check(family, description, examples, requests, expected, verdict, **options):
        return Check(MODULE, "dropout_forward", family, description, examples, requests, expected, verdict, **options)

    statistical = {"false_failure_probability": FALSE_FAILURE_PROBABILITY}
    return [
        check("identity", "in evaluation (any p) and for p == 0, out equals x and the mask is all True",
              _identity(),
              lambda e: [_forward(e["x"], e["p"], e["training"], e["seed"])],
              _reference_forward,
              verdicts.fixed_output(), edge_cases=IDENTITY_EDGE_CASES),
        check("drop_all", "for p == 1 in training, out is all zeros (no 0 / 0) and the mask all False",
              _drop_all_forward(),
              lambda e: [_forward(e["x"], 1.0, True, e["seed"])],
              lambda e, oracle: _reference_forward(e, oracle, p=1.0, training=True),
              verdicts.fixed_output()),
        check("keep_rate", f"over {KEEP_RATE_SAMPLE_SIZE} elements, each is kept with probability 1 - p "
                           f"(binomial test)",
              _keep_rate(),
              lambda e: [_forward(np.ones(KEEP_RATE_SAMPLE_SIZE), e["p"], True, e["seed"])],
              lambda e, oracle: {"p": e["p"], "keep_probability": 1 - e["p"], "shape": [KEEP_RATE_SAMPLE_SIZE]},
              verdicts.keep_rate(**statistical)),
        check("scaling", "in training, every element of out is 0 (dropped) or x / (1 - p) (kept)",
              _random_mask(),
              lambda e: [_forward(e["x"], e["p"], True, e["seed"])],
              _kept_values,
              verdicts.scaling()),
        check("mask_consistency", "the mask is a bool array of x's shape, True exactly where out is kept",
              _random_mask(),
              lambda e: [_forward(e["x"], e["p"], True, e["seed"])],
              lambda e, oracle: {"shape": list(np.shape(e["x"]))},
              verdicts.mask_consistency()),
        check("independence", "elements are dropped independently: no mask shared along rows, columns or channels",
              _independence(),
              lambda e: [_forward(np.ones(e["shape"]), e["p"], True, e["seed"])],
              lambda e, oracle: {"shape": list(e["shape"])},
              verdicts.independence(**statistical)),
        check("determinism", "the same seed gives the same out and mask; another seed, another mask",
              _determinism(),
              # ``repeat`` gives each call its own global-generator seed (autograder/core/worker.py), so that
              # a mask drawn from np.random differs between the two calls with one seed.
              lambda e: [{**_forward(e["x"], e["p"], True, seed), "repeat": repeat}
                         for repeat, seed in enumerate(e["seeds"])],
              lambda e, oracle: {"seeds": e["seeds"], "shape": list(np.shape(e["x"]))},
              verdicts.determinism()),
        check("invalid_arguments", "p outside [0, 1] (NaN included) raises ValueError, in training and evaluation",
              _invalid_forward(),
              lambda e: [_forward(e["x"], e["p"], e["training"], e["seed"])],
              expected_validation,
              verdicts.validates_arguments(), edge_cases=INVALID_FORWARD_EDGE_CASES),
    ]


def _backward_checks():
    def check(family, description, examples, requests, expected, verdict, **options):
        return Check(MODULE, "dropout_backward", family, description, examples, requests, expected, verdict,
                     **options)

    return [
        check("drop_all", "for p == 1, dx is all zeros (no 0 / 0)",
              _drop_all_backward(),
              lambda e: [_backward(e["dout"], e["mask"], 1.0)],
              lambda e, oracle: _reference_backward(e, oracle, p=1.0),
              verdicts.returns()),
        check("backward", "dx equals dout * mask / (1 - p) for the mask it is given, 0 <= p < 1",
              _backward_example(),
              lambda e: [_backward(e["dout"], e["mask"], e["p"])],
              _reference_backward,
              verdicts.returns()),
        check("invalid_arguments", "p outside [0, 1], or a mask not of dout's shape, raises ValueError",
              _invalid_backward(),
              lambda e: [_backward(e["dout"], e["mask"], e["p"])],
              expected_validation,
              verdicts.validates_arguments(), edge_cases=INVALID_BACKWARD_EDGE_CASES),
    ]


def checks():
    """Every dropout check: dropout_forward's, then dropout_backward's."""
    return [*_forward_checks(), *_backward_checks()]


def diagnostics():
    """The keep rate of the training forward for p = 0, 0.1, ..., 1."""
    return [keep_rate(MODULE, "dropout_forward", probability_argument="p", kwargs={"training": True})]
