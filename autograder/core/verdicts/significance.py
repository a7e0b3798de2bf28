"""Tail bounds for the statistical verdicts: their p-values, and the sample sizes that detect a stated deviation.

A statistical check states three numbers: the false-failure probability alpha (the
chance that it fails a correct implementation), the smallest deviation it must detect,
and the probability beta of missing that deviation (the power is 1 - beta). Here the
p-values are upper bounds on the tail probability of the observed statistic under the
law tested, from Chernoff's, Massart's and Hoeffding's inequalities, so a test that
rejects below alpha fails a correct implementation with probability at most alpha at
every sample size, with no asymptotic approximation. The same bounds, read the other way
round, bound the statistic under the deviation, which gives each ``samples_to_detect_*``
function: the smallest sample at which the whole likely range (probability >= 1 - beta)
of the statistic under the deviation lies in the rejection region.

Only ``math`` and numpy: the p-values need no scipy (``import scipy.stats`` alone was 0.86 s
of a grade); the chi-square law of a test of uniformity over many outcomes is the one
place that imports scipy.special.
"""

import math

import numpy as np


def bernoulli_relative_entropy(rate, probability):
    """KL(rate || probability) = rate ln(rate / probability) + (1 - rate) ln((1 - rate) / (1 - probability)),
    with 0 ln 0 = 0 (infinite where rate puts mass that probability does not)."""
    total = 0.0
    for share, chance in ((rate, probability), (1.0 - rate, 1.0 - probability)):
        if share > 0:
            if chance <= 0:
                return math.inf
            total += share * math.log(share / chance)
    return max(total, 0.0)


def binomial_p_value(count, trials, probability):
    """Two-sided p-value of ``count`` successes in ``trials`` Bernoulli(``probability``) draws.

    Chernoff: P(X >= k) <= exp(-n KL(k/n || q)) for k >= nq, and the same bound for
    P(X <= k) when k <= nq, so p = min(1, 2 exp(-n KL(k/n || q))) bounds the probability of
    a count at least as far out on either side.
    """
    if trials == 0:
        return 1.0
    return min(1.0, 2.0 * math.exp(-trials * bernoulli_relative_entropy(count / trials, probability)))


def fisher_exact_p_value(table):
    """Two-sided p-value of Fisher's exact test of independence of a 2 x 2 table [[a, b], [c, d]].

    Given the margins, a is hypergeometric: the a + b draws of the first row from the
    a + b + c + d items, a + c of them in the first column. The p-value sums the
    probabilities of every a no more likely than the one observed (scipy's convention, with
    its relative tolerance of 1e-7), computed exactly from the ratio of successive
    probabilities, P(k + 1) / P(k) = (r - k)(s - k) / ((k + 1)(n - r - s + k + 1)).
    """
    (a, b), (c, d) = (int(value) for value in table[0]), (int(value) for value in table[1])
    total, row, column = a + b + c + d, a + b, a + c
    low, high = max(0, row + column - total), min(row, column)
    k = np.arange(low, high)
    log_ratios = np.log((row - k) * (column - k)) - np.log((k + 1.0) * (total - row - column + k + 1.0))
    log_probabilities = np.concatenate(([0.0], np.cumsum(log_ratios)))
    log_probabilities -= np.max(log_probabilities)
    probabilities = np.exp(log_probabilities)
    observed = probabilities[a - low]
    return min(1.0, float(np.sum(probabilities[probabilities <= observed * (1 + 1e-7)]) / np.sum(probabilities)))


def kolmogorov_smirnov(sorted_samples, cdf_values):
    """(D, location, p-value) of a one-sample Kolmogorov-Smirnov test of ``sorted_samples``.

    ``cdf_values`` is the law's CDF at the sorted samples. D = sup |F_n(x) - F(x)|, at a
    sample; the p-value is Massart's form of the Dvoretzky-Kiefer-Wolfowitz inequality,
    P(D >= d) <= 2 exp(-2 n d^2), at every n.
    """
    size = len(sorted_samples)
    above = np.arange(1, size + 1) / size - cdf_values
    below = cdf_values - np.arange(size) / size
    index = int(np.argmax(np.maximum(above, below)))
    statistic = float(max(above[index], below[index]))
    return statistic, float(sorted_samples[index]), min(1.0, 2.0 * math.exp(-2.0 * size * statistic**2))


def chi_square_ratio_p_value(ratio, degrees):
    """Two-sided p-value of chi2_k / k = ``ratio`` (k = ``degrees``): 2 exp(-k h(ratio) / 2), h(r) = r - 1 - ln r.

    Chernoff's bound for the chi-square law, P(chi2_k >= k r) <= exp(-k h(r) / 2) for
    r > 1 and the same for P(chi2_k <= k r) when r < 1.
    """
    if ratio <= 0:
        return 0.0
    return min(1.0, 2.0 * math.exp(-degrees * (ratio - 1.0 - math.log(ratio)) / 2.0))


def _smallest(holds):
    """The smallest n >= 1 for which ``holds(n)`` (monotone in n): doubling, then bisection."""
    high = 1
    while not holds(high):
        high *= 2
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if holds(middle) else (middle, high)
    return high


def _root(function, low, high):
    """The root of a function that changes sign once on [low, high] (bisection to 2^-60 of the interval)."""
    for _ in range(60):
        middle = (low + high) / 2
        if (function(middle) > 0) == (function(high) > 0):
            high = middle
        else:
            low = middle
    return (low + high) / 2


def _chi_square_ratio_interval(exponent):
    """The ratios r with h(r) = r - 1 - ln r <= ``exponent``: (below 1, above 1)."""
    h = lambda r: r - 1.0 - math.log(r) - exponent  # noqa: E731
    return _root(h, 1e-300, 1.0), _root(h, 1.0, 10.0 + 4.0 * exponent)


def samples_to_detect_scale(relative_error, *, false_failure_probability, missed_detection_probability):
    """Draws of N(0, sigma^2) that the mean-square test of :func:`chi_square_ratio_p_value` needs to reject a
    std of sigma (1 + e) and of sigma (1 - e), e = ``relative_error``, each with probability >= 1 - beta.

    The test rejects when r = mean(w^2) / sigma^2 is outside [r_-, r_+], h(r_+-) =
    2 ln(2 / alpha) / n. Under std sigma (1 + d), r = (1 + d)^2 chi2_n / n, which Chernoff's
    bound keeps within (1 + d)^2 [u_-, u_+], h(u_+-) = 2 ln(1 / beta) / n, except with
    probability beta. So n is the smallest size with (1 + e)^2 u_- > r_+ and
    (1 - e)^2 u_+ < r_-; about 2 (sqrt(2 ln(2 / alpha)) + sqrt(2 ln(1 / beta)))^2 / (2 e)^2.
    """
    def detects(n):
        low, high = _chi_square_ratio_interval(2.0 * math.log(2.0 / false_failure_probability) / n)
        spread_low, spread_high = _chi_square_ratio_interval(2.0 * math.log(1.0 / missed_detection_probability) / n)
        return ((1 + relative_error)**2 * spread_low > high) and ((1 - relative_error)**2 * spread_high < low)
    return _smallest(detects)


def samples_to_detect_cdf_gap(gap, *, false_failure_probability, missed_detection_probability):
    """Draws that the Kolmogorov-Smirnov test of :func:`kolmogorov_smirnov` needs to reject a law whose CDF is
    ``gap`` away from the tested one at some point x, with probability >= 1 - beta.

    The test rejects when D >= d_alpha = sqrt(ln(2 / alpha) / (2 n)). At x the empirical
    CDF is a mean of n Bernoulli draws, which Hoeffding's inequality keeps within
    sqrt(ln(1 / beta) / (2 n)) of the true CDF on the side of the gap except with
    probability beta; then D >= gap - that. So
    n = ceil(((sqrt(ln(2 / alpha) / 2) + sqrt(ln(1 / beta) / 2)) / gap)^2).
    """
    root = math.sqrt(math.log(2.0 / false_failure_probability) / 2) + math.sqrt(
        math.log(1.0 / missed_detection_probability) / 2)
    return math.ceil((root / gap)**2)


def samples_to_detect_rate(probability, error, *, false_failure_probability, missed_detection_probability):
    """Trials that the test of :func:`binomial_p_value` needs to reject a success probability off by ``error``
    (either way) from ``probability``, with probability >= 1 - beta.

    The test accepts the rates k/n with n KL(k/n || q) <= ln(2 / alpha), an interval
    around q. Under q' = q +- e the rate k/n stays where n KL(k/n || q') <= ln(1 / beta)
    except with probability beta (Chernoff, each side). n is the smallest size at which
    these two intervals are disjoint for both signs (a q' outside [0, 1] is no deviation).
    """
    accept, miss = math.log(2.0 / false_failure_probability), math.log(1.0 / missed_detection_probability)

    def edge(center, exponent, n, side):
        """The rate on ``side`` (+1 or -1) of ``center`` at which n KL(rate || center) = exponent."""
        end = 1.0 if side > 0 else 0.0
        if n * bernoulli_relative_entropy(end, center) <= exponent:
            return end
        return _root(lambda rate: n * bernoulli_relative_entropy(rate, center) - exponent, *sorted((center, end)))

    def detects(n):
        for side in (1, -1):
            shifted = probability + side * error
            if 0.0 <= shifted <= 1.0:
                if side * (edge(shifted, miss, n, -side) - edge(probability, accept, n, side)) <= 0:
                    return False
        return True
    return _smallest(detects)


def samples_to_detect_outcome_bias(probabilities, *, false_failure_probability, missed_detection_probability):
    """Draws that the chi-square test of uniformity over K outcomes (``uniform_outcomes``) needs to reject
    outcome ``probabilities`` p_1 .. p_K, with probability >= 1 - beta.

    Pearson's statistic over N draws is about chi-square with K - 1 degrees of freedom under
    uniformity, and about noncentral chi-square with noncentrality N K sum (p_i - 1/K)^2 under
    p (the usual large-sample approximation, checked by simulation in tests/test_significance.py).
    N is the smallest size whose noncentrality puts mass beta below the critical value at
    level alpha (scipy.special's chdtri and chndtrinc).
    """
    from scipy.special import chdtri, chndtrinc

    outcomes = len(probabilities)
    per_draw = outcomes * sum((p - 1.0 / outcomes)**2 for p in probabilities)
    critical = chdtri(outcomes - 1, false_failure_probability)
    return math.ceil(chndtrinc(critical, outcomes - 1, missed_detection_probability) / per_draw)
