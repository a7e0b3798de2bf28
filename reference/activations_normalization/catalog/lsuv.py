"""Mutants and correct variants of ``lsuv.py``: no rescaling, the wrong rescaling, no
orthonormal start, randomness from np.random, the variance taken after the nonlinearity,
off-by-one rounds, missing checks.

Not a mutant: an orthonormal start without the sign correction of QR is still
orthonormal, and LSUV's checks test no law of the weights.
"""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "lsuv"


def mutant(name, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module=MODULE, function="lsuv")


MUTANTS = [
    mutant("lsuv-never-rescales", "measures the variance but never divides", "w = w / np.sqrt(variance)", "w = w",
           {"unit_variance", "deep_network"}),
    mutant("lsuv-divides-by-the-variance", "divides by Var instead of its square root: oscillates",
           "w = w / np.sqrt(variance)", "w = w / variance", {"unit_variance", "deep_network"}),
    mutant("lsuv-gaussian-start", "starts from the Gaussian matrix, not its orthonormal factor",
           "        q, r = np.linalg.qr(a)\n        q = q * np.sign(np.diag(r))\n        w = q.T if rows < cols else q\n",
           "        w = a.T if rows < cols else a\n", {"scaled_orthonormal"}),
    mutant("lsuv-global-generator", "draws from np.random instead of rng", "a = rng.standard_normal((rows, cols))",
           "a = np.random.standard_normal((rows, cols))", {"same_seed_same_result"}),
    mutant("lsuv-variance-after-nonlinearity", "measures the variance of the activations h_l, not of z_l",
           "variance = np.var(h @ w.T)", "variance = np.var(activation(h @ w.T))", {"unit_variance", "deep_network"}),
    mutant("lsuv-skips-the-nonlinearity", "feeds z_l to the next layer without the nonlinearity",
           "h = activation(h @ w.T)", "h = h @ w.T", {"unit_variance", "deep_network"}),
    mutant("lsuv-one-round-short", "runs max_iter - 1 rounds", "for _ in range(max_iter):",
           "for _ in range(max_iter - 1):", {"unit_variance"}),
    mutant("lsuv-accepts-zero-tol", "checks tol < 0 instead of tol <= 0", "if not tol > 0:", "if tol < 0:",
           {"validates_arguments"}),
    mutant("lsuv-accepts-zero-rounds", "checks max_iter < 0 instead of max_iter < 1", "if max_iter < 1:",
           "if max_iter < 0:", {"validates_arguments"}),
    mutant("lsuv-wide-layers-untransposed", "QR-factorizes a wide Gaussian matrix as it is",
           "        if rows < cols:\n            a = a.T\n", "",
           {"unit_variance", "scaled_orthonormal", "same_seed_same_result", "validates_arguments"}),
]

#: LSUV that gives up, with the right types: one (size, fan_in) matrix per layer (no input kind: x is data, not
#: weights).
SHAPES = "zip(layer_sizes, [np.shape(x)[1], *layer_sizes[:-1]])"
GARBAGE = garbage_entries(MODULE, "lsuv", zeros=f"[np.zeros((int(rows), int(cols))) for rows, cols in {SHAPES}]",
                          nan=f"[np.full((int(rows), int(cols)), np.nan) for rows, cols in {SHAPES}]",
                          constant=f"[np.ones((int(rows), int(cols))) for rows, cols in {SHAPES}]")

VARIANTS = [
    Variant("lsuv-while-std", "a while loop dividing by the standard deviation; the transposed "
            "Gaussian matrix drawn directly",
            "def lsuv(layer_sizes, x, *, rng, nonlinearity=\"relu\", tol=0.1, max_iter=10):\n"
            "    x = np.asarray(x, dtype=np.float64)\n"
            "    if x.ndim != 2 or x.shape[0] < 2:\n"
            "        raise ValueError(f\"x should be (N, features) with N >= 2, got shape {x.shape}\")\n"
            "    if len(layer_sizes) < 1 or min(layer_sizes) < 1:\n"
            "        raise ValueError(f\"bad layer sizes {layer_sizes}\")\n"
            "    if nonlinearity not in (\"relu\", \"tanh\", \"linear\"):\n"
            "        raise ValueError(f\"Unsupported nonlinearity {nonlinearity}\")\n"
            "    if tol <= 0 or max_iter < 1:\n"
            "        raise ValueError(f\"bad tol {tol} or max_iter {max_iter}\")\n"
            "    weights, h = [], x\n"
            "    for n_out in layer_sizes:\n"
            "        n_in = h.shape[1]\n"
            "        tall = n_out >= n_in\n"
            "        q, r = np.linalg.qr(rng.normal(size=(n_out, n_in) if tall else (n_in, n_out)))\n"
            "        q *= np.sign(np.diag(r))\n"
            "        w = q if tall else q.T\n"
            "        rounds = 0\n"
            "        z = h @ w.T\n"
            "        while abs(z.var() - 1) >= tol and rounds < max_iter:\n"
            "            w = w / z.std()\n"
            "            z = h @ w.T\n"
            "            rounds += 1\n"
            "        weights.append(w)\n"
            "        h = {\"relu\": np.maximum(z, 0), \"tanh\": np.tanh(z), \"linear\": z}[nonlinearity]\n"
            "    return weights\n", module=MODULE, function="lsuv"),
]
