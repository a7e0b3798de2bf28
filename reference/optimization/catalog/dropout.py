"""Mutants and correct variants of ``dropout.py``.

Every mutant is a mistake seen in students' dropout layers; most cost one family.
Keeping where ``rng.random(...) > p`` or ``< 1 - p`` instead of the reference's
``>= p`` is NOT a mistake (all keep with probability 1 - p): those are variants.
"""

from autograder.authoring import Mutant, Variant, garbage_entries

FORWARD_CHECK = '''    ### BEGIN SOLUTION
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = np.asarray(x, dtype=np.float64)
'''
BACKWARD_CHECK = '''    ### BEGIN SOLUTION
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    dout = np.asarray(dout, dtype=np.float64)
'''
EVAL_OR_P0 = '''    if not training or p == 0:
        return x.copy(), np.ones(x.shape, dtype=bool)
'''
FORWARD_P1 = '''    if p == 1:
        return np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
'''
MASK = "    mask = np.asarray(rng.random(x.shape) >= p)\n"
FORWARD_RETURN = "    return np.asarray(x * mask / (1 - p)), mask\n"
BACKWARD_SHAPE_CHECK = '''    if mask.shape != dout.shape:
        raise ValueError(f"mask should have the shape of dout {dout.shape}, got {mask.shape}")
'''
BACKWARD_P1 = '''    if p == 1:
        return np.zeros(dout.shape)
'''
BACKWARD_RETURN = "    return np.asarray(dout * mask / (1 - p))\n"


def forward(name, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module="dropout", function="dropout_forward")


def backward(name, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module="dropout", function="dropout_backward")


MUTANTS = [
    forward("dropout-keeps-where-rand-below-p", "keeps an element when rand < p: p used as the keep probability "
            "for the mask, while the scale still divides by 1 - p",
            MASK, "    mask = np.asarray(rng.random(x.shape) < p)\n", {"keep_rate"}),
    forward("dropout-p-as-keep-probability", "the lectures' convention throughout: keeps with probability p and "
            "divides by p",
            MASK + FORWARD_RETURN,
            "    mask = np.asarray(rng.random(x.shape) < p)\n    return np.asarray(x * mask / p), mask\n",
            {"keep_rate", "scaling"}),
    forward("dropout-no-inverted-scaling", "out = x * mask: forgets to scale the kept elements by 1 / (1 - p)",
            FORWARD_RETURN, "    return np.asarray(x * mask), mask\n", {"scaling"}),
    forward("dropout-scales-by-p", "divides the kept elements by p instead of 1 - p",
            FORWARD_RETURN, "    return np.asarray(x * mask / p), mask\n", {"scaling"}),
    forward("dropout-multiplies-by-keep-probability", "multiplies the kept elements by 1 - p (the paper's test-time "
            "rule) in training instead of dividing",
            FORWARD_RETURN, "    return np.asarray(x * mask * (1 - p)), mask\n", {"scaling"}),
    forward("dropout-scales-at-evaluation", "mixes the two conventions: inverted scaling in training, and also "
            "multiplies by 1 - p at evaluation",
            EVAL_OR_P0,
            "    if not training:\n        return x * (1 - p), np.ones(x.shape, dtype=bool)\n"
            "    if p == 0:\n        return x.copy(), np.ones(x.shape, dtype=bool)\n",
            {"identity"}),
    forward("dropout-applied-in-evaluation", "ignores training: drops elements at evaluation too",
            EVAL_OR_P0,
            "    if p == 0:\n        return x.copy(), np.ones(x.shape, dtype=bool)\n",
            {"identity"}),
    forward("dropout-mask-shared-across-rows", "draws one mask row, rng.random(x.shape[-1:]), and broadcasts it "
            "over every row of the batch",
            MASK, "    mask = np.broadcast_to(rng.random(x.shape[-1:]) >= p, x.shape).copy()\n", {"independence"}),
    forward("dropout-mask-shared-across-columns", "draws one value per sample, rng.random((N, 1, ...)), and "
            "drops whole samples",
            MASK,
            "    mask = np.broadcast_to(rng.random(x.shape[:1] + (1,) * (x.ndim - 1)) >= p, x.shape).copy()\n",
            {"independence"}),
    forward("dropout-mask-returned-as-float", "returns the mask as a float array of 0.0 and 1.0",
            MASK, "    mask = (rng.random(x.shape) >= p).astype(np.float64)\n", {"mask_consistency"}),
    forward("dropout-mask-marks-dropped", "returns True where the element was dropped",
            FORWARD_RETURN, "    return np.asarray(x * mask / (1 - p)), ~mask\n", {"mask_consistency"}),
    forward("dropout-uses-np-random", "draws from the global np.random instead of rng",
            MASK, "    mask = np.asarray(np.random.random(x.shape) >= p)\n", {"determinism"}),
    forward("dropout-fixed-seed-generator", "draws from a generator of its own with a fixed seed, not from rng",
            MASK, "    mask = np.asarray(np.random.default_rng(0).random(x.shape) >= p)\n", {"determinism"}),
    forward("dropout-divides-by-zero-at-p-one", "no special case for p == 1: x * mask / 0 gives 0 / 0 = NaN",
            FORWARD_P1, "", {"drop_all"}),
    forward("dropout-no-value-error", "never checks p", FORWARD_CHECK,
            "    ### BEGIN SOLUTION\n    x = np.asarray(x, dtype=np.float64)\n", {"invalid_arguments"}),
    forward("dropout-range-check-misses-nan", "checks p < 0 or p > 1, which lets NaN through",
            FORWARD_CHECK, FORWARD_CHECK.replace("if not 0.0 <= p <= 1.0:", "if p < 0 or p > 1:"),
            {"invalid_arguments"}),
    forward("dropout-checks-p-only-in-training", "validates p after the evaluation early return",
            FORWARD_CHECK + EVAL_OR_P0,
            "    ### BEGIN SOLUTION\n    x = np.asarray(x, dtype=np.float64)\n" + EVAL_OR_P0
            + "    if not 0.0 <= p <= 1.0:\n"
              '        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")\n',
            {"invalid_arguments"}),
    backward("dropout-backward-ignores-mask", "dx = dout / (1 - p): the gradient flows to dropped elements too",
             BACKWARD_RETURN, "    return np.asarray(dout / (1 - p))\n", {"backward"}),
    backward("dropout-backward-ignores-scaling", "dx = dout * mask: forgets the 1 / (1 - p) of the forward pass",
             BACKWARD_RETURN, "    return np.asarray(dout * mask)\n", {"backward"}),
    backward("dropout-backward-divides-by-p", "dx = dout * mask / p",
             BACKWARD_RETURN, "    return np.asarray(dout * mask / p)\n", {"backward"}),
    backward("dropout-backward-divides-by-zero-at-p-one", "no special case for p == 1: 0 / 0 = NaN",
             BACKWARD_P1, "", {"drop_all"}),
    backward("dropout-backward-no-shape-check", "never compares the mask's shape with dout's: a mask that "
             "broadcasts against dout gives a gradient of the wrong shape instead of a ValueError",
             BACKWARD_SHAPE_CHECK, "", {"invalid_arguments"}),
    backward("dropout-backward-no-value-error", "never checks p", BACKWARD_CHECK,
             "    ### BEGIN SOLUTION\n    dout = np.asarray(dout, dtype=np.float64)\n", {"invalid_arguments"}),
]

#: Dropouts that give up, with the right types: an output of x's shape and a boolean mask. Returning the input
#: is right in evaluation mode, and zeros where p = 1.
GARBAGE = [
    *garbage_entries("dropout", "dropout_forward",
                     zeros="np.zeros(np.shape(x)), np.zeros(np.shape(x), dtype=bool)",
                     input="np.array(x, dtype=np.float64), np.ones(np.shape(x), dtype=bool)",
                     nan="np.full(np.shape(x), np.nan), np.ones(np.shape(x), dtype=bool)",
                     constant="np.ones(np.shape(x)), np.ones(np.shape(x), dtype=bool)",
                     keeps={"zeros": {"drop_all"}, "input": {"identity"}}),
    *garbage_entries("dropout", "dropout_backward", zeros="np.zeros(np.shape(dout))",
                     input="np.array(dout, dtype=np.float64)", nan="np.full(np.shape(dout), np.nan)",
                     constant="np.ones(np.shape(dout))", keeps={"zeros": {"drop_all"}}),
]

VARIANTS = [
    Variant("dropout-forward-rand-below-keep-probability",
            "keeps where rng.random < 1 - p, and selects with np.where", '''
def dropout_forward(x, *, p, training, rng):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = np.array(x, dtype=np.float64)
    if not training or p == 0.0:
        return x, np.full(x.shape, True)
    if p == 1.0:
        return np.zeros_like(x), np.full(x.shape, False)
    mask = np.asarray(rng.random(x.shape) < 1 - p)
    return np.where(mask, x / (1 - p), 0.0), mask
''', module="dropout", function="dropout_forward"),
    Variant("dropout-forward-binomial",
            "draws the mask with rng.binomial, always (evaluation included), and multiplies by 1 / (1 - p)", '''
def dropout_forward(x, *, p, training, rng):
    if p < 0 or p > 1 or p != p:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = np.asarray(x, dtype=np.float64)
    drawn = np.asarray(rng.binomial(1, 1 - p, size=x.shape)).astype(bool)
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    scale = 0.0 if p == 1 else 1.0 / (1 - p)
    return np.asarray(x * drawn * scale), drawn
''', module="dropout", function="dropout_forward"),
    Variant("dropout-forward-uniform-above-p",
            "keeps where rng.uniform > p, no special case for p == 0", '''
def dropout_forward(x, *, p, training, rng):
    if not (0 <= p <= 1):
        raise ValueError("dropout probability has to be between 0 and 1, but got " + str(p))
    x = np.asarray(x, dtype=np.float64)
    if not training:
        return np.copy(x), np.ones_like(x, dtype=bool)
    keep = np.asarray(rng.uniform(size=x.shape) > p)
    out = np.zeros_like(x)
    if p < 1:
        out[keep] = x[keep] / (1 - p)
    return out, keep
''', module="dropout", function="dropout_forward"),
    Variant("dropout-forward-numpy-scalars-for-0d",
            "no np.asarray around numpy's arithmetic: a 0-d x gives numpy scalars, as numpy itself does", '''
def dropout_forward(x, *, p, training, rng):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = np.asarray(x, dtype=np.float64)
    if not training or p == 0:
        return x.copy(), np.ones(x.shape, dtype=bool)
    if p == 1:
        return np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
''', module="dropout", function="dropout_forward"),
    Variant("dropout-backward-where",
            "np.where on the mask, with np.divide guarding p == 1", '''
def dropout_backward(dout, mask, *, p):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    dout, mask = np.asarray(dout, dtype=np.float64), np.asarray(mask)
    if mask.shape != dout.shape:
        raise ValueError(f"mask should have the shape of dout {dout.shape}, got {mask.shape}")
    scale = 0.0 if p == 1 else 1 / (1 - p)
    return np.where(mask, dout * scale, 0.0)
''', module="dropout", function="dropout_backward"),
]
