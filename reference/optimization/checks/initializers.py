"""Checks of ``initializers.py``: fans and gains, the law of random weights, variance through
a deep network, orthogonality, sparsity, determinism and invalid arguments.

Families: ``fans_and_gains`` (calculate_fan_in_and_fan_out and calculate_gain equal the
reference, which equals PyTorch, exactly), ``distribution`` (the law of the weights:
bounds, moments and a Kolmogorov-Smirnov test; Haar for ``orthogonal``; the non-zero
entries for ``sparse``), ``variance_preservation`` (a 10-layer network built from the
student's weights neither explodes nor vanishes: tanh with Xavier, ReLU with Kaiming),
``orthogonality`` (paid only with ``distribution`` right: gain times the identity is
orthogonal), ``sparsity`` (zeros per column and where they are), ``determinism``
(the same seed gives the same weights) and ``invalid_arguments``.

Random weights cannot equal the reference's, so the statistical checks test their law.
Every statistical test runs at the level FALSE_FAILURE_PROBABILITY; a verdict that runs
k tests on one example fails a correct implementation with probability at most
k * FALSE_FAILURE_PROBABILITY (``follows_law``: 4, ``haar_distributed`` and
``sparse_zeros``: 1 after Bonferroni), and a check of N examples at most N times that.
The variance checks state their own rate (see VARIANCE_BANDS).
"""

import math

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Check, Family, Tolerances, expected_validation, histogram, layer_variance,
                                  log_variance_profiles, samples_to_detect_cdf_gap, samples_to_detect_rate,
                                  samples_to_detect_scale, seeds, verdicts)

from .strategies import initializers as strategies

MODULE = "initializers"

#: The families of this part: points, visibility, hints, example counts and tolerances.
FAMILIES = {
    "fans_and_gains": Family(points=15 / 2, tolerances=Tolerances(rtol=1e-12, atol=0.0), hint=(
        "fan_in = shape[1] * receptive_field and fan_out = shape[0] * receptive_field, receptive_field = "
        "the product of shape[2:]; the gains are in calculate_gain's table (tanh 5/3, relu sqrt(2), "
        "leaky_relu sqrt(2 / (1 + slope^2)) with slope 0.01 by default, selu 3/4).")),
    "distribution": Family(points=25 / 6, max_examples=5, hint=(
        "Uniform laws are U(-bound, bound) with bound = sqrt(3) * std; normal laws take the std (not the "
        "variance). Xavier's std is gain * sqrt(2 / (fan_in + fan_out)), Kaiming's gain / sqrt(fan) with "
        "the fan of the mode and the gain of the nonlinearity and a. For orthogonal, multiply Q's columns"
        " by the signs of R's diagonal.")),
    "variance_preservation": Family(points=20 / 4, max_examples=2, hint=(
        "Var(W) = 1 / fan_in keeps the activations' variance, 1 / fan_out the gradients'; Kaiming's mode "
        "chooses which fan, times gain^2 (2 for ReLU). Xavier averages the two fans.")),
    "orthogonality": Family(points=10, requires=("distribution",), hint=(
        "View the weight as a (shape[0], rest) matrix; QR-factorize it (its transpose if wide), transpose"
        " Q back if wide, multiply by the gain and reshape.")),
    "sparsity": Family(points=10, max_examples=12, hint=(
        "Each column gets exactly ceil(sparsity * rows) zeros, at rows drawn at random without "
        "replacement and independently for every column (not the first rows, not the same rows for all "
        "columns).")),
    "determinism": Family(points=10 / 6, max_examples=10,
                          requires=("distribution", "orthogonality", "sparsity"), hint=(
        "Draw every random number from the rng argument (rng.normal, rng.uniform, rng.permuted...), never"
        " from np.random or a Generator of your own.")),
    "invalid_arguments": Family(points=10 / 8, visibility="hidden", hint=(
        "Raise ValueError for shapes of fewer than 2 dimensions (exactly 2 for sparse), unknown "
        "nonlinearities or modes, a leaky_relu slope that is not a number, a negative gain or std (check "
        "it before returning early for a zero-element shape). Accept what PyTorch accepts: gain = 0, std "
        "= 0, modes in any case.")),
}

#: The level of every statistical test: the probability that it fails a correct implementation.
FALSE_FAILURE_PROBABILITY = 1e-9

#: The probability that a statistical test misses the smallest deviation it is stated to detect: every
#: sample size below gives a power of at least 1 - MISSED_DETECTION_PROBABILITY against it.
MISSED_DETECTION_PROBABILITY = 1e-6

_RATES = {"false_failure_probability": FALSE_FAILURE_PROBABILITY,
          "missed_detection_probability": MISSED_DETECTION_PROBABILITY}

#: The smallest error in a law's scale that a ``distribution`` check must detect: a std (or bound) 5% too
#: large or too small. The catalog's mistakes are far larger (a forgotten sqrt(3) is 42%, a swapped mode or
#: fan two-fold or more).
SCALE_ERROR = 0.05

#: Weights pooled per example of a ``distribution`` check: the fewest with which the normal law's
#: mean-square test (the binding one) rejects a std off by SCALE_ERROR either way with probability
#: 1 - MISSED_DETECTION_PROBABILITY at level FALSE_FAILURE_PROBABILITY
#: (:func:`autograder.core.verdicts.significance.samples_to_detect_scale`: 29,153). At that size the uniform law's
#: bounds test rejects a bound off by 0.1% with certainty, and the Kolmogorov-Smirnov test a law whose CDF is
#: 0.035 away from the right one (:data:`LAW_CDF_GAP`; a uniform law of the right variance for a normal one
#: is 0.057 away). tests/test_significance.py draws from the just-detectable laws and counts.
LAW_SAMPLES = samples_to_detect_scale(SCALE_ERROR, **_RATES)

#: The smallest CDF gap the Kolmogorov-Smirnov test of a ``distribution`` check detects with LAW_SAMPLES draws.
LAW_CDF_GAP = 0.035

#: The smallest deviation of ``orthogonal``'s law the Haar test must detect: an entry whose CDF is 1/2 away
#: from the Haar law's at some point, as LAPACK's unsigned Q's entry [0, 0] (never positive) is at 0.
HAAR_CDF_GAP = 0.5

#: The largest matrix of the Haar examples (:func:`strategies.small_orthogonal_shapes`): its entries share the
#: level by Bonferroni.
HAAR_MAX_ENTRIES = 36

#: Independent draws per example of the Haar test: the fewest with which a per-entry Kolmogorov-Smirnov test
#: at level FALSE_FAILURE_PROBABILITY / HAAR_MAX_ENTRIES detects HAAR_CDF_GAP
#: (:func:`autograder.core.verdicts.significance.samples_to_detect_cdf_gap`: 152).
HAAR_DRAWS = samples_to_detect_cdf_gap(HAAR_CDF_GAP, false_failure_probability=FALSE_FAILURE_PROBABILITY
                                       / HAAR_MAX_ENTRIES, missed_detection_probability=MISSED_DETECTION_PROBABILITY)

#: The network of the variance checks: 16 input features, 10 hidden layers of 256
#: units, a batch of 128. The narrow input makes the two Kaiming modes differ 16-fold at
#: the first layer (fan_in = 16, fan_out = 256), so a swapped or ignored mode shows.
NETWORK_WIDTHS = (16,) + (256,) * 10
NETWORK_BATCH = 128

#: Allowed factor between the student's and the expected variance ratios, per activation.
#:
#: ReLU with Kaiming: in expectation each layer keeps the variance of the activations
#: (fan_in) or of the gradients (fan_out) exactly and changes the other by n_out / n_in,
#: so the expected profile is this mean-field product (16-fold jump at layer 1, then
#: flat). A finite network fluctuates around it: ln(variance ratio) is close to normal
#: (skewness and excess kurtosis within +-0.2 over 1000 simulated networks), with a
#: standard deviation that grows with depth, to 0.32 at the last layer of the forward
#: pass (mean -0.07); backward at most 0.16. ln 8 = 2.08 is 6.3 of them at the worst
#: layer: summed over the 20 comparisons of a network, about 4e-10, so under 1e-9 per
#: example of two networks. tests/test_checks_initializers.py re-measures it. A 2x error
#: in Var(W) compounds to 2^l and fails by layer 4; a swapped mode is off 16-fold from
#: layer 1 on.
#:
#: tanh with Xavier: tanh shrinks the variance layer after layer by design (with gain 1
#: the activations end near e^-3.3 of the input's), so the profile is compared with the
#: one the reference initializer gives with the same seeds on the same input. tanh
#: networks fluctuate far less: the difference of two independent networks' log ratios
#: has a standard deviation of at most 0.1, and ln 2 is 6.9 of them (under 1e-10 per
#: example). A 2x error in Var(W) changes the gradient at the input 12-fold or more, and
#: LeCun's Var(W) = 1 / fan_in changes the activations 4-fold at layer 1 (fan_in 16, fan_out 256).
VARIANCE_BANDS = {"relu": 8.0, "tanh": 2.0}

#: Entries of W W^T (or W^T W) may differ from gain^2 I by this times gain^2 (QR is
#: orthogonal to within a few units of 1e-16 times the matrix size).
ORTHOGONALITY_TOLERANCE = 1e-10

#: The smallest deviation of where sparse's zeros are that ``sparsity`` must detect: a row zeroed in a share
#: of the columns 0.15 away from ceil(sparsity * rows) / rows (zeros always in the first rows, or in the same
#: rows of every column, put a share of 1 or 0 in every row).
ZERO_SHARE_ERROR = 0.15

#: Columns of the wide weight on which ``sparsity`` tests where the zeros are: the fewest with which one row's
#: binomial test, at level FALSE_FAILURE_PROBABILITY / 100 (Bonferroni over the at most 100 rows of
#: :func:`strategies.sparse_shapes`), detects ZERO_SHARE_ERROR at the hardest share, 1/2
#: (:func:`autograder.core.verdicts.significance.samples_to_detect_rate`).
SPARSE_POSITION_COLUMNS = samples_to_detect_rate(
    0.5, ZERO_SHARE_ERROR, false_failure_probability=FALSE_FAILURE_PROBABILITY / 100,
    missed_detection_probability=MISSED_DETECTION_PROBABILITY)


def _call(function, shape, kwargs=None, seed=None):
    request = {"driver": "call", "module": MODULE, "function": function, "args": [tuple(shape)],
               "kwargs": dict(kwargs or {})}
    if seed is not None:
        request["rng_seed"] = seed
    return request


def law_of(reference, function, shape, kwargs):
    """("uniform", bound) or ("normal", std): the law of every weight, from the reference's fans and gains."""
    fan_in, fan_out = reference.calculate_fan_in_and_fan_out(tuple(shape))
    if function.startswith("xavier"):
        std = kwargs.get("gain", 1.0) * math.sqrt(2.0 / (fan_in + fan_out))
    else:
        fan = fan_in if kwargs.get("mode", "fan_in").lower() == "fan_in" else fan_out
        std = reference.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0.0)) / math.sqrt(fan)
    return ("uniform", math.sqrt(3.0) * std) if function.endswith("uniform") else ("normal", std)


# ------------------------------------------------------------------ fans and gains


@st.composite
def _fans_example(draw):
    shape = draw(st.one_of(strategies.weight_shapes(), strategies.zero_element_shapes(),
                           strategies.large_weight_shapes()))
    return {"shape": shape}


@st.composite
def _gain_example(draw):
    """Every nonlinearity with its default param, then leaky_relu with a drawn slope and any name with a drawn param."""
    calls = [[name] for name in strategies.NONLINEARITIES]
    calls.append(["leaky_relu", draw(strategies.leaky_relu_slopes())])
    calls.append(list(draw(strategies.nonlinearities())))
    return {"calls": calls}


def _gain_requests(example):
    return [{"driver": "call", "module": MODULE, "function": "calculate_gain", "args": args, "kwargs": {}}
            for args in example["calls"]]


def _expected_gains(example, oracle):
    calculate_gain = oracle.reference(MODULE).calculate_gain
    return {"calls": [f"calculate_gain({', '.join(map(repr, args))})" for args in example["calls"]],
            "values": [calculate_gain(*args) for args in example["calls"]]}


# -------------------------------------------------------------------- distribution


def _initializer_arguments(function):
    """Valid keyword arguments of an initializer, the defaults ({}) included."""
    if function in strategies.XAVIER_FUNCTIONS:
        return st.one_of(st.just({}), strategies.gains().filter(lambda gain: gain > 0).map(lambda gain: {"gain": gain}))
    return st.one_of(st.just({}), strategies.kaiming_arguments())


#: Shapes of the law checks' edge cases, at least LAW_SAMPLES weights each (one call): a linear and a
#: convolution weight whose two fans differ four-fold, so that a mode, a fan or a receptive field read wrong
#: shows.
LAW_EDGE_SHAPES = ((96, 384), (24, 96, 4, 4))


def law_edge_cases(function):
    """The examples every law check of a fan-based initializer grades first, under every salt: the defaults,
    then a gain of 5/3 (Xavier) or every nonlinearity calculate_gain accepts, leaky_relu with a = 0.2
    (Kaiming), each mode on both shapes. Five random draws would leave most of the twelve names out."""
    if function in strategies.XAVIER_FUNCTIONS:
        arguments = [{}, {"gain": 5.0 / 3}]
    else:
        arguments = [{}] + [{"nonlinearity": name, "mode": strategies.MODES[index // 2 % 2],
                             **({"a": 0.2} if name == "leaky_relu" else {})}
                            for index, name in enumerate(strategies.NONLINEARITIES)]
    return tuple({"shape": LAW_EDGE_SHAPES[index % 2], "kwargs": kwargs, "seed": index}
                 for index, kwargs in enumerate(arguments))


@st.composite
def _law_example(draw, function):
    shape = draw(strategies.large_weight_shapes())
    return {"shape": shape, "kwargs": draw(_initializer_arguments(function)), "seed": draw(seeds())}


def _law_requests(function):
    def requests(example):
        calls = -(-LAW_SAMPLES // math.prod(example["shape"]))
        return [_call(function, example["shape"], example["kwargs"], example["seed"] + i) for i in range(calls)]
    return requests


def _expected_law(function):
    def expected(example, oracle):
        law, scale = law_of(oracle.reference(MODULE), function, example["shape"], example["kwargs"])
        return {"law": law, "scale": scale, "shape": list(example["shape"]), "samples": LAW_SAMPLES}
    return expected


@st.composite
def _sparse_law_example(draw):
    rows = draw(st.integers(2, 256))
    sparsity = draw(strategies.sparsities().filter(lambda sparsity: math.ceil(sparsity * rows) < rows))
    nonzeros_per_column = rows - math.ceil(sparsity * rows)
    cols = -(-2**13 // nonzeros_per_column)
    return {"shape": (rows, cols), "kwargs": {"sparsity": sparsity, "std": draw(strategies.stds().filter(bool))},
            "seed": draw(seeds())}


def _sparse_law_requests(example):
    rows, cols = example["shape"]
    nonzeros = cols * (rows - math.ceil(example["kwargs"]["sparsity"] * rows))
    return [_call("sparse", example["shape"], example["kwargs"], example["seed"] + i)
            for i in range(-(-LAW_SAMPLES // nonzeros))]


def _expected_sparse_law(example, oracle):
    return {"law": "normal", "scale": example["kwargs"]["std"], "shape": list(example["shape"]),
            "samples": LAW_SAMPLES, "nonzero_only": True}


@st.composite
def _haar_example(draw):
    return {"shape": draw(strategies.small_orthogonal_shapes()), "seed": draw(seeds())}


# ----------------------------------------------------------- variance preservation


#: The seeds of the variance checks' examples: each example builds two networks (two
#: gains, or the two modes), from fixed seeds so that a failure has nothing to shrink.
VARIANCE_SEEDS = (20261, 20262)


def _variance_arguments(function):
    """The initializer's arguments of the two networks of an example: both gains, or both modes."""
    if function in strategies.XAVIER_FUNCTIONS:
        return [{}, {"gain": 5.0 / 3}]
    return [{}, {"mode": "fan_out", "nonlinearity": "relu"}]


def _variance_example(function):
    return st.sampled_from(VARIANCE_SEEDS).map(lambda seed: {"arguments": _variance_arguments(function),
                                                             "seed": seed})


def layer_shapes():
    """The weight shapes (n_l, n_{l-1}) of the variance checks' network."""
    return [(NETWORK_WIDTHS[layer], NETWORK_WIDTHS[layer - 1]) for layer in range(1, len(NETWORK_WIDTHS))]


def _network_seed(example, index):
    return example["seed"] + 100 * index


def _variance_requests(function):
    def requests(example):
        return [_call(function, shape, arguments, _network_seed(example, index) + layer)
                for index, arguments in enumerate(example["arguments"])
                for layer, shape in enumerate(layer_shapes(), start=1)]
    return requests


def _expected_variance(function):
    def expected(example, oracle):
        return {"networks": [expected_network(oracle.reference(MODULE), function, arguments,
                                               _network_seed(example, index))
                             for index, arguments in enumerate(example["arguments"])]}
    return expected


def expected_network(reference, function, arguments, seed):
    """One network of a variance check and the log variance ratios a correct initializer gives.

    ReLU (Kaiming): the mean-field expectation. Each layer multiplies the mean square
    of the activations by n_in * Var(W) / 2 and that of the gradients by
    n_out * Var(W) / 2 (ReLU keeps half of a symmetric signal's second moment), with
    Var(W) from the reference's fans and gains. tanh (Xavier): no closed form, so the
    reference's weights drawn with the same seeds run on the same input.
    """
    activation = "tanh" if function in strategies.XAVIER_FUNCTIONS else "relu"
    network = {"widths": list(NETWORK_WIDTHS), "batch": NETWORK_BATCH, "input_seed": seed,
               "activation": activation, "arguments": arguments}
    if activation == "relu":
        variances = [law_of(reference, function, shape, arguments) for shape in layer_shapes()]
        variances = [scale**2 / 3 if law == "uniform" else scale**2 for law, scale in variances]
        forward_steps = [math.log(n_in * variance / 2) for (_, n_in), variance in zip(layer_shapes(), variances)]
        backward_steps = [math.log(n_out * variance / 2) for (n_out, _), variance in zip(layer_shapes(), variances)]
        forward = [0.0, *np.cumsum(forward_steps)]
        backward = [*np.cumsum(backward_steps[::-1])[::-1], 0.0]
        basis = "the expectation for correctly initialized weights"
    else:
        initializer = getattr(reference, function)
        weights = [initializer(shape, **arguments, rng=np.random.default_rng(seed + layer))
                   for layer, shape in enumerate(layer_shapes(), start=1)]
        forward, backward = log_variance_profiles(weights, network)
        basis = "the reference's weights drawn with the same seeds"
    return {**network, "forward": [float(value) for value in forward],
            "backward": [float(value) for value in backward], "basis": basis}


# --------------------------------------------------------- orthogonality, sparsity


@st.composite
def _orthogonality_example(draw):
    shape = draw(strategies.weight_shapes())
    kwargs = draw(st.one_of(st.just({}), strategies.orthogonal_gains().map(lambda gain: {"gain": gain})))
    return {"shape": shape, "kwargs": kwargs, "seed": draw(seeds())}


@st.composite
def _sparsity_example(draw):
    shape = draw(strategies.sparse_shapes())
    kwargs = {"sparsity": draw(strategies.sparsities())}
    if draw(st.booleans()):
        kwargs["std"] = draw(strategies.stds().filter(bool))
    return {"shape": shape, "kwargs": kwargs, "seed": draw(seeds())}


def _sparsity_requests(example):
    wide = (example["shape"][0], SPARSE_POSITION_COLUMNS)
    return [_call("sparse", example["shape"], example["kwargs"], example["seed"]),
            _call("sparse", wide, example["kwargs"], example["seed"] + 1)]


def _expected_sparsity(example, oracle):
    rows, sparsity = example["shape"][0], example["kwargs"]["sparsity"]
    zeros = min(math.ceil(sparsity * rows), rows)
    return {"shape": list(example["shape"]), "sparsity": sparsity, "zeros_per_column": zeros,
            "positions": {"shape": [rows, SPARSE_POSITION_COLUMNS], "sparsity": sparsity, "zeros_per_column": zeros}}


# ------------------------------------------------------------------- determinism


@st.composite
def _determinism_example(draw, function):
    """A valid call whose weights are not constant (so two seeds give different weights)."""
    if function == "orthogonal":
        shape = draw(strategies.weight_shapes().filter(lambda shape: max(shape[0], math.prod(shape[1:])) >= 2))
        kwargs = draw(st.one_of(st.just({}), strategies.orthogonal_gains().filter(bool).map(lambda g: {"gain": g})))
    elif function == "sparse":
        shape = draw(strategies.sparse_shapes())
        kwargs = {"sparsity": draw(strategies.sparsities().filter(lambda s: math.ceil(s * shape[0]) < shape[0]))}
    else:
        shape, kwargs = draw(strategies.weight_shapes()), draw(_initializer_arguments(function))
    return {"shape": shape, "kwargs": kwargs, "seed": draw(seeds())}


def _determinism_requests(function):
    """Two calls with one seed, then one with the next. The calls differ in ``repeat``, which the drivers ignore,
    so that the worker seeds the global generators differently for each (see autograder/core/worker.py):
    weights drawn from np.random then differ between the first two calls."""
    def requests(example):
        shape, kwargs, seed = example["shape"], example["kwargs"], example["seed"]
        return [{**_call(function, shape, kwargs, rng_seed), "repeat": repeat}
                for repeat, rng_seed in enumerate((seed, seed, seed + 1))]
    return requests


# ------------------------------------------------------------- invalid arguments


def _wire_safe(value):
    """Python complex numbers cannot cross to the worker; numpy's complex scalars can."""
    if isinstance(value, complex):
        return np.complex128(value)
    if isinstance(value, tuple):
        return tuple(_wire_safe(item) for item in value)
    return value


def _validation_example(call):
    """An argument-validation example: the call's arguments, and why it is invalid or what edge it is at."""
    kwargs = {name: _wire_safe(value) for name, value in call.kwargs.items()}
    if isinstance(call, strategies.InvalidCall):
        return {"kwargs": kwargs, "reason": call.message}
    return {"kwargs": kwargs, "accepted": call.description}


def _argument_validation_request(function):
    def request(example):
        kwargs = dict(example["kwargs"])
        positional = ("nonlinearity", "param") if function == "calculate_gain" else ("shape",)
        args = [kwargs.pop(name) for name in positional if name in kwargs]
        call = {"driver": "call", "module": MODULE, "function": function, "args": args, "kwargs": kwargs}
        if function in strategies.RANDOM_FUNCTIONS:
            call["rng_seed"] = 0
        return [call]
    return request


# ------------------------------------------------------------------------ checks


def checks():
    """Every initializer check, function by function."""
    def check(function, family, description, examples, requests, expected, verdict, **options):
        return Check(MODULE, function, family, description, examples, requests, expected, verdict, **options)

    statistical = {"false_failure_probability": FALSE_FAILURE_PROBABILITY}
    found = [
        check("calculate_fan_in_and_fan_out", "fans_and_gains",
              "(fan_in, fan_out) of 2-D to 5-D weight shapes, receptive field included, equal PyTorch's exactly",
              _fans_example(),
              lambda e: [{"driver": "call", "module": MODULE, "function": "calculate_fan_in_and_fan_out",
                          "args": [e["shape"]], "kwargs": {}}],
              lambda e, oracle: list(oracle.reference(MODULE).calculate_fan_in_and_fan_out(e["shape"])),
              verdicts.integer_pair()),
        check("calculate_gain", "fans_and_gains",
              "the gain of every nonlinearity (leaky_relu with its slope) equals PyTorch's",
              _gain_example(), _gain_requests, _expected_gains, verdicts.each_returns()),
    ]
    for function in strategies.FAN_FUNCTIONS:
        law = "U(-bound, bound)" if function.endswith("uniform") else "N(0, std^2)"
        network = ("tanh networks (gains 1 and 5/3)" if function in strategies.XAVIER_FUNCTIONS
                   else "ReLU networks (modes fan_in and fan_out)")
        found += [
            check(function, "distribution",
                  f"{function}'s weights follow {law} with PyTorch's scale for every shape and argument "
                  f"(bounds, moments, Kolmogorov-Smirnov on {LAW_SAMPLES} weights)",
                  _law_example(function), _law_requests(function), _expected_law(function),
                  verdicts.follows_law(**statistical),
                  edge_cases=law_edge_cases(function)),
            check(function, "variance_preservation",
                  f"in {network} of {len(NETWORK_WIDTHS) - 1} layers built from {function}'s weights the variance "
                  f"of the activations and of the gradients stays where a correct initialization keeps it",
                  _variance_example(function), _variance_requests(function), _expected_variance(function),
                  verdicts.preserves_variance(
                      band=VARIANCE_BANDS["tanh" if function.startswith("xavier") else "relu"])),
        ]
    found += [
        check("orthogonal", "orthogonality",
              "orthogonal returns orthonormal rows or columns times the gain, for 2-D and convolution shapes",
              _orthogonality_example(), lambda e: [_call("orthogonal", e["shape"], e["kwargs"], e["seed"])],
              lambda e, oracle: {"shape": list(e["shape"]), "gain": e["kwargs"].get("gain", 1.0)},
              verdicts.orthonormal(tolerance=ORTHOGONALITY_TOLERANCE)),
        check("orthogonal", "distribution",
              f"orthogonal's matrices are uniformly (Haar) distributed: each entry over {HAAR_DRAWS} draws",
              _haar_example(),
              lambda e: [_call("orthogonal", e["shape"], {}, e["seed"] + i) for i in range(HAAR_DRAWS)],
              lambda e, oracle: {"shape": list(e["shape"])},
              verdicts.haar_distributed(**statistical)),
        check("sparse", "sparsity",
              "every column of sparse's weight has exactly ceil(sparsity * rows) zeros, at uniformly random rows",
              _sparsity_example(), _sparsity_requests, _expected_sparsity,
              verdicts.zeros_per_column(**statistical)),
        check("sparse", "distribution",
              f"sparse's non-zero weights follow N(0, std^2) (moments, Kolmogorov-Smirnov on {LAW_SAMPLES} weights)",
              _sparse_law_example(), _sparse_law_requests, _expected_sparse_law,
              verdicts.follows_law(**statistical)),
    ]
    for function in strategies.RANDOM_FUNCTIONS:
        found.append(check(function, "determinism",
                           f"{function} draws only from rng: the same seed gives the same weights, another seed "
                           f"others",
                           _determinism_example(function), _determinism_requests(function),
                           lambda e, oracle: {"shape": list(e["shape"])},
                           verdicts.same_seed_same_weights()))
    for function in strategies.FUNCTIONS:
        found.append(check(function, "invalid_arguments",
                           f"{function} raises ValueError for invalid arguments, as PyTorch does, and accepts "
                           f"the valid values at the edges of their ranges",
                           strategies.invalid_calls_of(function).map(_validation_example),
                           _argument_validation_request(function), expected_validation,
                           verdicts.validates_arguments(),
                           edge_cases=tuple(map(_validation_example, strategies.boundary_calls(function)))))
    return found


def _target_law(function):
    """The law the histogram of ``function`` is drawn against, from the reference's fans and gains."""
    def target(oracle, shape):
        initializers = oracle.reference(MODULE)
        fan_in, fan_out = initializers.calculate_fan_in_and_fan_out(shape)
        if function in strategies.XAVIER_FUNCTIONS:
            std = math.sqrt(2.0 / (fan_in + fan_out))
        else:
            std = initializers.calculate_gain("leaky_relu", 0.0) / math.sqrt(fan_in)
        if function.endswith("uniform"):
            return {"law": "uniform", "std": None, "bound": math.sqrt(3.0) * std}
        return {"law": "normal", "std": std, "bound": None}
    return target


def diagnostics():
    """Histograms of the four fan-based laws; activation variance through a tanh network (Xavier, gain 5/3)
    and a ReLU network (Kaiming)."""
    return [*(histogram(MODULE, function, target_law=_target_law(function)) for function in strategies.FAN_FUNCTIONS),
            layer_variance(MODULE, "xavier_normal", nonlinearity="tanh", kwargs={"gain": 5.0 / 3.0}),
            layer_variance(MODULE, "kaiming_normal", nonlinearity="relu", kwargs={"nonlinearity": "relu"})]
