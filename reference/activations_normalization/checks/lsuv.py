"""Checks of ``lsuv.py``: unit variance at every layer, scaled orthonormal weights,
determinism under a seed, variance kept through a 10-layer network on a held-out batch,
argument checks.

LSUV's weights are random, so no check compares them with the reference's: the
properties hold for every correct draw, and the variances are exact up to rounding
(rescaling a linear map without bias by c multiplies the output variance by c^2), so no
check is statistical except the held-out one, whose band is wide (see HELD_OUT_BAND).
"""

import numpy as np
from hypothesis import strategies as st

from autograder.authoring import (Check, CheckFailure, Problem, call, expected_validation, floats, same_seed_same_result,
                                  seeds, verdicts)

from . import strategies
from .parts import part_of

MODULE = "lsuv"

HINTS = {
    "unit_variance": "After building W_l, compute z_l = h_{l-1} @ W_l.T on the batch and divide W_l by "
                     "sqrt(np.var(z_l)) until |Var(z_l) - 1| < tol; feed nonlinearity(z_l) with the final W_l to "
                     "the next layer.",
    "scaled_orthonormal": "Start every layer from an orthonormal matrix (QR of a Gaussian matrix, transposed when "
                          "wide, signs of R's diagonal) and only rescale it as a whole.",
    "same_seed_same_result": "Draw every random number from the rng argument, never from np.random.",
    "deep_network": "Rescale each layer on the outputs of the already initialized layers before it, through the "
                    "nonlinearity, in order from the input.",
    "validates_arguments": "Raise ValueError for an x that is not (N, features) with N >= 2, a layer size < 1, "
                           "an unknown nonlinearity, tol <= 0 or max_iter < 1.",
}

NONLINEARITIES = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}

#: The network of ``deep_network``: 10 layers of 32 units, fitted on a batch of 256 and
#: measured on another batch of 256 from the same law.
DEPTH, WIDTH, BATCH = 10, 32, 256
#: The last layer's output variance on the held-out batch must lie in [1 / band, band].
#: LSUV makes it 1 on the fitting batch; on another batch it moves a little: over 200
#: simulated networks of these inputs, ln(variance) had standard deviation 0.05 with ReLU
#: (extremes -0.17 and 0.11) and 0.008 with tanh, so ln 2 is 14 of them. Weights that are
#: orthonormal but not rescaled end near 2^-10 times the input's variance with ReLU, and
#: N(0, 1) weights near 16^10 (tests/test_reference_activations_normalization.py has
#: the negative control).
HELD_OUT_BAND = 2.0


def _weights(answer, inputs):
    """The answer as a list of float64 weights of the network's shapes, or a CheckFailure."""
    widths = [inputs["x"].shape[1], *inputs["layer_sizes"]]
    if not isinstance(answer, (list, tuple)) or len(answer) != len(widths) - 1:
        raise CheckFailure(f"expected a list of {len(widths) - 1} weights, got {type(answer).__name__}", got=None)
    for layer, w in enumerate(answer, start=1):
        shape = (widths[layer], widths[layer - 1])
        if not isinstance(w, np.ndarray) or w.shape != shape or w.dtype != np.float64:
            raise CheckFailure(f"W_{layer}: expected a float64 array of shape {shape}, got "
                               f"{getattr(w, 'dtype', type(w).__name__)} of shape {np.shape(w)}", location=f"W_{layer}")
    return list(answer)


def pre_activation_variances(weights, x, nonlinearity):
    variances, h = [], x
    for w in weights:
        z = h @ w.T
        variances.append(float(np.var(z)))
        h = NONLINEARITIES[nonlinearity](z)
    return variances


def rescalable_layers(weights, x, nonlinearity):
    """``(W_l, h_{l-1})`` of the layers before the first whose input is all zeros on the batch.

    Such an input (a ReLU layer dead on every row) makes z_l constant, which the contract
    excludes: no rescaling gives it unit variance, and LSUV divides by a zero variance. It
    depends on the weights, which any correct way of drawing from rng may make differently,
    so the layers from there on are not judged.
    """
    layers, h = [], x
    for w in weights:
        if not np.any(h):
            break
        layers.append((w, h))
        h = NONLINEARITIES[nonlinearity](h @ w.T)
    return layers


def unit_variance(inputs, answer, expected, after):
    """Var(z_l) on the batch is within tol of 1 at every rescalable layer (1e-12 of slack for rounding)."""
    del expected, after
    layers = rescalable_layers(_weights(answer, inputs), inputs["x"], inputs["nonlinearity"])
    for layer, (w, h) in enumerate(layers, start=1):
        variance = float(np.var(h @ w.T))
        if not abs(variance - 1.0) <= inputs["tol"] + 1e-12:
            raise CheckFailure(f"the output of layer {layer} (z_{layer} = h_{layer - 1} @ W_{layer}.T) has variance "
                               f"{variance!r} on the batch; LSUV makes it 1 within tol = {inputs['tol']!r}",
                               expected=1.0, got=variance, location=f"Var(z_{layer})")


def scaled_orthonormal(inputs, answer, expected, after):
    """Each W_l of a rescalable layer is c_l times a matrix with orthonormal rows (wide) or columns (tall),
    for some c_l > 0."""
    del expected, after
    layers = rescalable_layers(_weights(answer, inputs), inputs["x"], inputs["nonlinearity"])
    for layer, (w, _) in enumerate(layers, start=1):
        gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        scale = float(np.mean(np.diag(gram)))
        error = np.abs(gram - scale * np.eye(len(gram)))
        if not scale > 0 or not np.all(error <= 1e-9 * scale):
            i, j = (int(k) for k in np.unravel_index(np.argmax(np.nan_to_num(error, nan=np.inf)), error.shape))
            product = "W W^T" if w.shape[0] <= w.shape[1] else "W^T W"
            raise CheckFailure(f"W_{layer} of shape {w.shape} should be a multiple of an orthonormal matrix, "
                               f"{product} = c^2 I with c^2 = {scale:.6g}, but {product}[{i}, {j}] = "
                               f"{gram[i, j]:.6g}", expected=scale * float(i == j), got=float(gram[i, j]),
                               location=f"W_{layer}")


def held_out_batch(x):
    """Another batch of x's law: each feature's mean plus its std times fresh N(0, 1) draws."""
    noise = np.random.default_rng(20260).standard_normal(x.shape)
    return x.mean(axis=0) + x.std(axis=0) * noise


def deep_network(inputs, answer, expected, after):
    """Through the 10 layers, the last output's variance on a held-out batch stays within HELD_OUT_BAND of 1."""
    del expected, after
    weights = _weights(answer, inputs)
    variances = pre_activation_variances(weights, held_out_batch(inputs["x"]), inputs["nonlinearity"])
    last = variances[-1]
    if not 1 / HELD_OUT_BAND <= last <= HELD_OUT_BAND:
        profile = ", ".join(f"{variance:.3g}" for variance in variances)
        raise CheckFailure(f"on a held-out batch, the output variance of the {len(weights)} layers is [{profile}]: "
                           f"it should stay near 1 (within a factor {HELD_OUT_BAND:g}) to the last layer, but it "
                           f"{'explodes' if last > 1 else 'vanishes'}", expected=1.0, got=last,
                           location=f"Var(z_{len(weights)})")


def deep_inputs():
    batches = st.builds(lambda seed, scale, shift: np.random.default_rng(seed).standard_normal((BATCH, WIDTH)) * scale
                        + shift, seeds(), floats(0.5, 5.0), floats(-2.0, 2.0))
    return {"layer_sizes": st.just([WIDTH] * DEPTH), "x": batches, "nonlinearity": st.sampled_from(["relu", "tanh"]),
            "tol": st.just(0.1), "max_iter": st.just(10)}


GOOD = {"layer_sizes": [4, 3], "x": np.arange(12.0).reshape(4, 3), "nonlinearity": "relu", "tol": 0.1,
        "max_iter": 10}
INVALID = [
    ({**GOOD, "x": np.arange(3.0)}, "a 1-D x"),
    ({**GOOD, "x": np.arange(3.0).reshape(1, 3)}, "a batch of one row"),
    ({**GOOD, "layer_sizes": [4, 0]}, "a layer of 0 units"),
    ({**GOOD, "nonlinearity": "sigmoid"}, "an unknown nonlinearity"),
    ({**GOOD, "tol": 0.0}, "tol = 0"),
    ({**GOOD, "tol": -0.1}, "a negative tol"),
    ({**GOOD, "max_iter": 0}, "max_iter = 0"),
]
#: Valid calls at the edges of the ranges, with what each is at.
VALID = [({**GOOD, "max_iter": 1}, "max_iter=1"), ({**GOOD, "x": np.arange(6.0).reshape(2, 3)}, "a batch of 2 rows"),
         ({**GOOD, "tol": 1e-9}, "tol=1e-9"), ({**GOOD, "layer_sizes": [1]}, "a layer of 1 unit")]


def validation_check():
    """ValueError for each invalid call (long form: every call passes an rng, which the short form's
    validates_arguments does not)."""
    edges = tuple({"kwargs": arguments, "reason": reason} for arguments, reason in INVALID) + tuple(
        {"kwargs": arguments, "accepted": edge} for arguments, edge in VALID)
    drawn = st.fixed_dictionaries(strategies.lsuv_inputs()).map(lambda kwargs: {"kwargs": kwargs,
                                                                                "accepted": "a valid drawn call"})
    return Check(MODULE, "lsuv", "validates_arguments",
                 "lsuv raises ValueError for invalid arguments and accepts valid edges", drawn,
                 lambda example: [call(MODULE, "lsuv", kwargs=example["kwargs"], rng_seed=0)], expected_validation,
                 verdicts.validates_arguments(), edge_cases=edges, points=1, visibility="hidden")


#: The edge of max_iter's range, where one round short is no rescaling at all: linear layers
#: (none constant) on a batch whose pre-activations are far from unit variance. Random
#: draws have max_iter = 1 in about one example of 20.
ONE_ROUND = {"layer_sizes": [4, 3], "x": np.arange(24.0).reshape(8, 3), "nonlinearity": "linear", "tol": 0.1,
             "max_iter": 1, "rng_seed": 0}


def _nonlinearity_cases(nonlinearities, layer_sizes, rows, features):
    """One call per nonlinearity, each graded under every salt: a batch of ``rows`` N(0.5, 2^2) rows of
    ``features`` features (neither centred nor unit-variance), seed 0."""
    x = np.random.default_rng(2026).standard_normal((rows, features)) * 2.0 + 0.5
    return tuple({"layer_sizes": list(layer_sizes), "x": x, "nonlinearity": nonlinearity, "tol": 0.1,
                  "max_iter": 10, "rng_seed": 0} for nonlinearity in nonlinearities)


#: Every nonlinearity of the contract on a small network (wide, then tall layers), and the deep network's two.
NONLINEARITY_CASES = _nonlinearity_cases(NONLINEARITIES, (6, 3), 16, 4)
DEEP_CASES = _nonlinearity_cases(("relu", "tanh"), [WIDTH] * DEPTH, BATCH, WIDTH)


def seeded_property(predicate, description, inputs, **options):
    """A predicate ``(inputs, answer, expected, after)`` on one call with a drawn rng seed, in the long form.

    The short form's ``custom`` calls the reference without the seed on a
    ``Problem(..., rng=True)`` (a KeyError), so these checks are declared as Check objects;
    the predicates need only the inputs and the answer.
    """
    examples = st.fixed_dictionaries({**inputs, "rng_seed": seeds()})

    def requests(example):
        arguments = {key: value for key, value in example.items() if key != "rng_seed"}
        return [call(MODULE, "lsuv", kwargs=arguments, rng_seed=example["rng_seed"])]

    def expected(example, oracle):
        del oracle
        return {"inputs": {key: value for key, value in example.items() if key != "rng_seed"}, "expected": None}
    return Check(MODULE, "lsuv", predicate.__name__, description, examples, requests, expected, predicate,
                 **options)


def checks():
    return [
        seeded_property(unit_variance, "every layer's output has variance within tol of 1 on the batch",
                        strategies.lsuv_inputs(), points=3, edge_cases=(ONE_ROUND, *NONLINEARITY_CASES)),
        seeded_property(scaled_orthonormal, "every weight is a multiple of an orthonormal matrix",
                        strategies.lsuv_inputs(), points=2, edge_cases=NONLINEARITY_CASES),
        seeded_property(deep_network, f"through {DEPTH} layers of {WIDTH} units the output variance on a held-out "
                                      f"batch stays near 1", deep_inputs(), points=3, max_examples=3,
                        edge_cases=DEEP_CASES),
        validation_check(),
    ]


def problems():
    """The short-form problem of lsuv: determinism, which is form and pays only where the weights are right."""
    determinism = same_seed_same_result(points=2, requires=("unit_variance", "scaled_orthonormal", "deep_network"))
    return [Problem(MODULE, "lsuv", strategies.lsuv_inputs(), [determinism], rng=True)]


def part():
    return part_of(MODULE, problems(), checks(), hints=HINTS)
