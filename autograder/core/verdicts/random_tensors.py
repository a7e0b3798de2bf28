"""Verdicts of the initializers part: fans, the law of random weights, variance through a
deep network, orthogonality, zeros per column, determinism.

The statistical verdicts take ``false_failure_probability``, the level of each of their
tests: the probability that the test rejects a correct implementation. A verdict that
runs several tests on one example fails a correct implementation with probability at
most the sum of their levels (each docstring counts them).
"""

import math

import numpy as np

from autograder.core.verdicts.core import CheckFailure, describe, single_value, value_of
from autograder.core.verdicts.registry import verdict
from autograder.core.verdicts.significance import binomial_p_value, chi_square_ratio_p_value, kolmogorov_smirnov


@verdict
def integer_pair(expected, replies):
    """The result is the pair (fan_in, fan_out) of integers, exactly: ``expected``, a pair of ints."""
    result = single_value(replies)["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"expected the pair (fan_in, fan_out) = {tuple(expected)}, got {describe(result)}",
                           expected=tuple(expected), got=result)
    for name, want, got in zip(("fan_in", "fan_out"), expected, result):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            raise CheckFailure(f"{name}: expected the int {want}, got {describe(got)}", expected=want, got=got,
                               location=name)
        if got != want:
            raise CheckFailure(f"{name}: expected {want}, got {got} (the result was {tuple(result)}, expected "
                               f"{tuple(expected)})", expected=want, got=got, location=name)


@verdict
def each_returns(expected, replies, *, rtol, atol):
    """One reply per call of ``expected["calls"]`` (each named in the messages); each result is the number
    in ``expected["values"]``, one per call."""
    for call, value, reply in zip(expected["calls"], expected["values"], replies):
        result = value_of(reply)["result"]
        is_number = isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, bool)
        if not is_number or not math.isclose(result, value, rel_tol=rtol, abs_tol=atol):
            raise CheckFailure(f"{call} returned {describe(result)}, expected {value!r}", expected=value,
                               got=result if is_number else None, location=call)


@verdict
def follows_law(expected, replies, *, false_failure_probability):
    """The weights of several calls, pooled, follow the law N(0, std^2) or U(-bound, bound).

    ``expected``: ``law`` ("normal" or "uniform"), ``scale`` (the std, or the bound),
    ``shape`` of every call's result, ``samples`` (how many values to test) and
    ``nonzero_only`` (test only the non-zero weights, of an initializer that zeroes some on purpose). Four tests, each
    at level ``false_failure_probability`` (alpha), each p-value a bound of
    :mod:`autograder.core.verdicts.significance`:

    - uniform only, the bounds: no |w| above the bound (never fails a correct sampler),
      and max |w| >= bound (1 - eps), which a correct sampler misses with probability
      (1 - eps)^samples = alpha;
    - the mean: |mean| <= std sqrt(2 ln(2 / alpha) / samples), the sub-Gaussian tail
      bound, valid for both laws;
    - the mean square: for the normal law, samples * mean(w^2) / std^2 is chi-square with
      ``samples`` degrees of freedom (two-sided Chernoff bound); for the uniform law,
      Hoeffding's bound on w^2 / bound^2 in [0, 1];
    - the goodness of fit: a one-sample Kolmogorov-Smirnov test against the law.

    What n samples detect with probability 1 - beta is given by
    :func:`~autograder.core.verdicts.significance.samples_to_detect_scale` (a std off by a
    relative error, normal law) and :func:`~autograder.core.verdicts.significance.samples_to_detect_cdf_gap`
    (a law of another shape).
    """
    alpha = false_failure_probability
    samples = np.sort(_pooled_samples(expected, replies))
    law, scale, size = expected["law"], float(expected["scale"]), samples.size
    std = scale if law == "normal" else scale / math.sqrt(3.0)
    name = f"N(0, {scale:.6g}^2)" if law == "normal" else f"U(-{scale:.6g}, {scale:.6g})"
    context = f"the {size} weights pooled from {len(replies)} calls should follow {name}"
    estimated_std = float(np.sqrt(np.mean(samples**2)))
    summary = f"their std is {estimated_std:.6g}, expected {std:.6g}"

    if law == "uniform":
        largest = float(max(-samples[0], samples[-1]))
        if largest > scale * (1 + 1e-12):
            raise CheckFailure(f"{context}, but a weight of magnitude {largest:.6g} exceeds the bound {scale:.6g}; "
                               f"{summary}", expected=scale, got=largest, location="max |w|")
        eps = -math.expm1(math.log(alpha) / size)
        if largest < scale * (1 - eps):
            raise CheckFailure(f"{context}, but the largest |w| is {largest:.6g}: out of {size} draws from "
                               f"{name} at least one exceeds {scale * (1 - eps):.6g} except with probability "
                               f"{alpha:g}, so the bound is too small; {summary}",
                               expected=scale, got=largest, location="max |w|")

    mean = float(np.mean(samples))
    mean_limit = std * math.sqrt(2 * math.log(2 / alpha) / size)
    if abs(mean) > mean_limit:
        raise CheckFailure(f"{context}, but their mean is {mean:.3g}, beyond +-{mean_limit:.3g} (a zero-mean law "
                           f"exceeds it with probability < {alpha:g}); {summary}",
                           expected=0.0, got=mean, location="mean")

    mean_square = float(np.mean(samples**2))
    if law == "normal":
        wrong_variance = chi_square_ratio_p_value(mean_square / std**2, size) < alpha
    else:
        deviation = abs(mean_square / scale**2 - 1 / 3)
        wrong_variance = deviation > math.sqrt(math.log(2 / alpha) / (2 * size))
    if wrong_variance:
        raise CheckFailure(f"{context}, but {summary} (ratio {estimated_std / std:.4f}; a test at level {alpha:g} "
                           f"rejects it)", expected=std, got=estimated_std, location="std")

    if law == "normal":
        cdf = 0.5 * (1.0 + _erf(samples / (scale * math.sqrt(2.0))).astype(np.float64))
    else:
        cdf = (samples + scale) / (2 * scale)
    statistic, location, p_value = kolmogorov_smirnov(samples, cdf)
    if p_value < alpha:
        raise CheckFailure(f"{context}, but a Kolmogorov-Smirnov test rejects it: the largest gap between their "
                           f"CDF and the law's is {statistic:.4f} at w = {location:.4g} "
                           f"(p-value {p_value:.3g} < {alpha:g}); {summary}",
                           expected=name, got=statistic, location="distribution")


#: The error function, elementwise (numpy has none; math.erf on each sample costs 0.15 us).
_erf = np.frompyfunc(math.erf, 1, 1)


def _pooled_samples(expected, replies):
    """The first ``samples`` weights of the calls (the non-zero ones only for ``nonzero_only``)."""
    shape, size = tuple(expected["shape"]), expected["samples"]
    pooled = []
    for index, reply in enumerate(replies, start=1):
        weights = _weights_of(reply, shape, f"call {index}")
        pooled.append(weights[weights != 0] if expected.get("nonzero_only") else weights.ravel())
    samples = np.concatenate(pooled)
    if samples.size < size:
        raise CheckFailure(f"{len(replies)} calls gave only {samples.size} non-zero weights, expected at least "
                           f"{size}: too many zeros", expected=size, got=int(samples.size), location="non-zero weights")
    samples = samples[:size]
    if not np.all(np.isfinite(samples)):
        raise CheckFailure("the weights contain NaN or infinite values", location="weights")
    return samples


def _weights_of(reply, shape, location):
    """The result of one call, which must be a float64 array of ``shape``."""
    weights = value_of(reply)["result"]
    if not isinstance(weights, np.ndarray) or weights.shape != shape or weights.dtype != np.float64:
        raise CheckFailure(f"{location}: expected a float64 array of shape {shape}, got {describe(weights)}",
                           got=weights if not isinstance(weights, np.ndarray) else None, location=location)
    return weights


@verdict
def haar_distributed(expected, replies, *, false_failure_probability):
    """Independent draws of a weight with orthonormal rows or columns are uniformly (Haar) distributed.
    ``expected`` is ``{"shape": the weight's shape}``; each reply is one draw.

    Viewed as a matrix of ``rows`` = shape[0] and ``cols`` = the product of the other
    sides, a Haar-distributed matrix with orthonormal rows or columns has every entry distributed as one coordinate
    of a uniformly random unit vector of R^n, n = max(rows, cols):
    (w + 1) / 2 ~ Beta((n - 1) / 2, (n - 1) / 2). One Kolmogorov-Smirnov test per entry,
    across the draws, each at level false_failure_probability / (rows * cols)
    (Bonferroni): at most ``false_failure_probability`` in all. Without the sign
    correction of the QR factorization, LAPACK's Q has entry [0, 0] <= 0 in every draw, a
    CDF gap of 1/2 at 0 (see :func:`~autograder.core.verdicts.significance.samples_to_detect_cdf_gap`).
    """
    shape = tuple(expected["shape"])
    matrices = np.stack([_weights_of(reply, shape, f"draw {index}").reshape(shape[0], -1)
                         for index, reply in enumerate(replies, start=1)])
    if not np.all(np.isfinite(matrices)):  # a Kolmogorov-Smirnov test of NaN has p-value NaN, which rejects nothing
        raise CheckFailure("the weights contain NaN or infinite values", location="weights")
    draws, rows, cols = matrices.shape
    n = max(rows, cols)
    level = false_failure_probability / (rows * cols)
    for i in range(rows):
        for j in range(cols):
            entries = np.sort(matrices[:, i, j])
            cdf = unit_vector_coordinate_cdf(entries, n)
            statistic, _, p_value = kolmogorov_smirnov(entries, cdf)
            if p_value < level:
                positive = int(np.sum(entries > 0))
                raise CheckFailure(
                    f"entry [{i}, {j}] of the {rows}x{cols} matrix over {draws} draws: a Haar-distributed "
                    f"matrix with orthonormal rows or columns has it distributed like one coordinate of a uniformly random unit "
                    f"vector of R^{n} (symmetric about 0), but a Kolmogorov-Smirnov test rejects it (largest CDF gap "
                    f"{statistic:.3f}, p-value {p_value:.3g} < {level:.3g}); {positive} of {draws} draws "
                    f"were positive, about half expected. Did you correct the signs of the QR factorization?",
                    expected="Haar", got=statistic, location=f"[{i}, {j}]")


def unit_vector_coordinate_cdf(t, dimension):
    """P(u_1 <= t) for u uniformly distributed on the unit sphere of R^n, n = ``dimension`` >= 2.

    u_1 has density proportional to (1 - t^2)^((n - 3) / 2) on (-1, 1), so with t = sin(phi)
    the CDF is 1/2 + sign(t) J_{n-2}(arcsin |t|) / (2 J_{n-2}(pi / 2)), J_m(phi) the integral of
    cos^m from 0 to phi: J_0 = phi, J_1 = sin(phi), and J_m = cos^(m-1)(phi) sin(phi) / m +
    (m - 1) / m J_{m-2}. (The Beta((n - 1) / 2, (n - 1) / 2) law of (u_1 + 1) / 2, without scipy.)
    """
    def integral(phi):
        order = dimension - 2
        value = phi if order % 2 == 0 else np.sin(phi)
        for m in range(2 + order % 2, order + 1, 2):
            value = np.cos(phi)**(m - 1) * np.sin(phi) / m + (m - 1) / m * value
        return value

    t = np.asarray(t, dtype=np.float64)
    return 0.5 + np.sign(t) * integral(np.arcsin(np.minimum(np.abs(t), 1.0))) / (2 * integral(np.pi / 2))


@verdict
def orthonormal(expected, replies, *, tolerance):
    """The weight, viewed as a (rows, cols) matrix, has orthonormal rows or columns times ``gain``.
    ``expected`` holds the weight's ``shape`` and the ``gain``.

    W W^T = gain^2 I when rows <= cols, W^T W = gain^2 I when rows >= cols, to within
    ``tolerance * gain^2`` in every entry; a zero gain gives zeros.
    """
    shape, gain = tuple(expected["shape"]), float(expected["gain"])
    (reply,) = replies
    weights = _weights_of(reply, shape, "result").reshape(shape[0], -1)
    rows, cols = weights.shape
    if gain == 0:
        if np.any(weights != 0):
            raise CheckFailure("with gain 0 every weight must be 0", expected=0.0, got=float(np.max(np.abs(weights))),
                               location="result")
        return
    wide = rows <= cols
    gram = weights @ weights.T if wide else weights.T @ weights
    target = gain**2 * np.eye(len(gram))
    error = np.abs(gram - target)
    if not np.all(error <= tolerance * gain**2):
        i, j = (int(k) for k in np.unravel_index(np.nanargmax(np.where(np.isnan(error), np.inf, error)), error.shape))
        product, what = ("W W^T", "rows") if wide else ("W^T W", "columns")
        raise CheckFailure(
            f"viewed as a {rows}x{cols} matrix, the weight should have orthonormal {what} times the gain, i.e. "
            f"{product} = gain^2 I = {gain**2:.6g} I, but {product}[{i}, {j}] = {gram[i, j]:.6g} "
            f"(expected {target[i, j]:.6g})", expected=float(target[i, j]), got=float(gram[i, j]),
            location=f"{product}[{i}, {j}]")


@verdict
def zeros_per_column(expected, replies, *, false_failure_probability):
    """Every column has exactly ceil(sparsity * rows) zeros, at uniformly random rows.

    ``expected`` holds the first reply's ``shape``, ``sparsity`` and ``zeros_per_column``, and
    ``positions``, the same three of the second reply, a wide one that tests where the zeros are: if each column's zeros are a uniform
    random k-subset of the R rows, independently of the other columns, the number of
    zeros in one row over C columns is Binomial(C, k / R). One exact two-sided binomial
    test per row (:func:`~autograder.core.verdicts.significance.binomial_p_value`), each at level
    false_failure_probability / R: at most ``false_failure_probability`` in all. Zeros
    always in the same rows (the first ones, or the same random ones in every column) fail
    it; :func:`~autograder.core.verdicts.significance.samples_to_detect_rate` gives the columns
    that detect a row's share of zeros off by a given error.
    """
    _require_zeros_per_column(replies[0], expected, "result")
    positions = expected["positions"]
    weights = _require_zeros_per_column(replies[1], positions, "wide result")
    rows, cols = weights.shape
    zeros = positions["zeros_per_column"]
    if zeros in (0, rows):
        return
    counts = np.sum(weights == 0, axis=1)
    level = false_failure_probability / rows
    for row, count in enumerate(counts):
        p_value = binomial_p_value(int(count), cols, zeros / rows)
        if p_value < level:
            raise CheckFailure(
                f"in a {rows}x{cols} weight with {zeros} zeros per column, row {row} holds {count} zeros; if each "
                f"column's zeros were at {zeros} rows drawn uniformly at random, independently for every column, "
                f"about {cols * zeros / rows:.1f} would be (binomial p-value {p_value:.3g} < {level:.3g})",
                expected=cols * zeros / rows, got=int(count), location=f"wide result row {row}")


def _require_zeros_per_column(reply, expected, location):
    shape = tuple(expected["shape"])
    weights = _weights_of(reply, shape, location)
    counts = np.sum(weights == 0, axis=0)
    wrong = np.flatnonzero(counts != expected["zeros_per_column"])
    if wrong.size:
        column = int(wrong[0])
        raise CheckFailure(
            f"{location} of shape {shape} with sparsity {expected['sparsity']!r}: column {column} has "
            f"{counts[column]} zeros, expected exactly {expected['zeros_per_column']} in every column "
            f"(ceil(sparsity * rows), at most rows)", expected=expected["zeros_per_column"],
            got=int(counts[column]), location=f"{location} column {column}")
    return weights


@verdict
def same_seed_same_weights(expected, replies):
    """The same seed gives the same weights, another seed other weights.

    Replies: a call with seed s, the same call again with a new Generator seeded s, and
    the call with seed s + 1. ``expected`` is ``{"shape": the weight's shape}``.
    """
    shape = tuple(expected["shape"])
    first, again, other = (_weights_of(reply, shape, name)
                           for reply, name in zip(replies, ("first call", "second call", "third call")))
    if not np.array_equal(first, again, equal_nan=True):
        index = tuple(int(k) for k in np.argwhere(~((first == again) | (np.isnan(first) & np.isnan(again))))[0])
        raise CheckFailure(
            f"two calls with a Generator seeded alike returned different weights (first difference at index "
            f"{index}: {first[index]!r} then {again[index]!r}); draw every random number from rng, never from "
            f"np.random or a new Generator", expected=float(first[index]), got=float(again[index]),
            location=f"result{list(index)}")
    if np.array_equal(first, other):
        raise CheckFailure("two calls with Generators of different seeds returned the same weights; draw the "
                           "random numbers from rng", location="result")


@verdict
def preserves_variance(expected, replies, *, band):
    """Deep networks built from the weights keep the variances of their signals near the expected ones.

    ``expected["networks"]`` lists the networks; the replies are the weights of their
    layers, network after network: W_1 .. W_L, W_l of shape (n_l, n_{l-1}) with
    n = ``widths``, drawn with the initializer's keyword ``arguments``. A network
    h_l = x_{l-1} W_l^T, x_l = act(h_l) runs on a batch x_0 of ``batch`` rows of N(0, 1)
    features drawn from ``input_seed``, and back-propagates an upstream gradient of
    N(0, 1) entries drawn after it. At every layer the mean square of the activations
    (relative to the input's) and of the gradients (relative to the upstream
    gradient's) must be within a factor ``band`` of the ratios ``forward`` and
    ``backward`` (given as natural logarithms). The first layer outside the band, in
    the order the signal travels, is reported.
    """
    replies = list(replies)
    for network in expected["networks"]:
        widths = network["widths"]
        depth = len(widths) - 1
        layers, replies = replies[:depth], replies[depth:]
        weights = [_weights_of(reply, (widths[layer], widths[layer - 1]), f"layer {layer}")
                   for layer, reply in enumerate(layers, start=1)]
        _require_preserved(network, log_variance_profiles(weights, network), band)


def _require_preserved(network, profiles, band):
    forward, backward = profiles
    depth, limit = len(network["widths"]) - 1, math.log(band)
    comparisons = [("forward", layer, forward[layer], network["forward"][layer]) for layer in range(1, depth + 1)]
    comparisons += [("backward", layer, backward[layer], network["backward"][layer])
                    for layer in reversed(range(depth))]
    for direction, layer, got, want in comparisons:
        if not abs(got - want) <= limit:
            if direction == "forward":
                what = f"the variance of the activations after layer {layer} is {_ratio(got)} times the input's"
            else:
                what = (f"the variance of the gradient at the input of layer {layer + 1} is {_ratio(got)} times the "
                        f"upstream gradient's")
            arguments = ", ".join(f"{name}={value!r}" for name, value in network["arguments"].items()) or "defaults"
            raise CheckFailure(
                f"in a {depth}-layer {network['activation']} network of widths {list(network['widths'])} built from "
                f"your weights ({arguments}), {what}; {network['basis']} gives {_ratio(want)} (allowed: within a "
                f"factor {band:g}): the {direction} signal {'explodes' if got > want else 'vanishes'} at layer "
                f"{layer if direction == 'forward' else layer + 1}",
                expected=math.exp(want), got=float(np.exp(got)), location=f"{direction} layer {layer}")


def log_variance_profiles(weights, network):
    """ln(mean x_l^2 / mean x_0^2) for l = 0..L and ln(mean g_l^2 / mean g_L^2), g_l = dLoss / dx_l.

    ``network`` gives ``widths``, ``batch``, ``activation`` ("relu" or "tanh") and the
    ``input_seed`` of the input batch and of the upstream gradient g_L.
    """
    rng = np.random.default_rng(network["input_seed"])
    widths, batch = network["widths"], network["batch"]
    inputs, upstream = rng.standard_normal((batch, widths[0])), rng.standard_normal((batch, widths[-1]))
    relu = network["activation"] == "relu"
    with np.errstate(all="ignore"):
        activations, preactivations = [inputs], []
        for layer_weights in weights:
            preactivations.append(activations[-1] @ layer_weights.T)
            activations.append(np.maximum(preactivations[-1], 0.0) if relu else np.tanh(preactivations[-1]))
        gradients = [upstream]
        for layer_weights, preactivation, output in zip(weights[::-1], preactivations[::-1], activations[:0:-1]):
            derivative = (preactivation > 0).astype(np.float64) if relu else 1.0 - output**2
            gradients.append((gradients[-1] * derivative) @ layer_weights)
        gradients.reverse()
        forward = [float(np.log(np.mean(x**2)) - np.log(np.mean(inputs**2))) for x in activations]
        backward = [float(np.log(np.mean(g**2)) - np.log(np.mean(upstream**2))) for g in gradients]
    return forward, backward


def _ratio(log_ratio):
    return f"{math.exp(log_ratio):.3g}" if math.isfinite(log_ratio) else {math.inf: "inf", -math.inf: "0"}.get(
        log_ratio, "NaN")
