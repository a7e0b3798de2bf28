"""Mutants and correct variants of ``weightnorm.py``: the norm over the wrong axes, a
squared norm, the projection of the backward pass forgotten, g of the wrong shape."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "weightnorm"
PARITY = {"equals_reference", "equals_torch"}
GRADIENTS = PARITY | {"gradient_check"}

FORWARD = ("    axes = _norm_axes(v, g, dim)\n    ### BEGIN SOLUTION\n"
           "    norm = np.sqrt(np.sum(v * v, axis=axes, keepdims=True))\n    return g * v / norm\n")


def mutant(name, function, description, find, replace, fails):
    return Mutant(name, description, find, replace, fails, module=MODULE, function=function)


MUTANTS = [
    mutant("weightnorm-norm-along-dim", "weightnorm_forward", "takes the norm along dim instead of over the other "
           "axes", FORWARD, FORWARD.replace("    axes = _norm_axes", "    _norm_axes").replace("axis=axes", "axis=dim"),
           PARITY | {"norm_is_magnitude"}),
    mutant("weightnorm-squared-norm", "weightnorm_forward", "divides by ||v||^2 (the square root forgotten)",
           FORWARD, FORWARD.replace("np.sqrt(np.sum(v * v, axis=axes, keepdims=True))",
                                    "np.sum(v * v, axis=axes, keepdims=True)"), PARITY | {"norm_is_magnitude"}),
    mutant("weightnorm-unnormalized", "weightnorm_forward", "w = g * v, the division by ||v|| forgotten",
           "    return g * v / norm\n", "    return g * v\n", PARITY | {"norm_is_magnitude"}),
    mutant("weightnorm-no-checks", "weightnorm_forward", "computes the axes without checking dim or g's shape",
           FORWARD, FORWARD.replace("axes = _norm_axes(v, g, dim)",
                                    "axes = tuple(axis for axis in range(np.ndim(v)) if axis != dim)"),
           {"validates_arguments"}),
    mutant("weightnorm-backward-no-projection", "weightnorm_backward", "dv = g / ||v|| * dw: forgets that ||v|| "
           "depends on v", "dv = g / norm * (dw - dg / norm * v)", "dv = g / norm * dw", GRADIENTS),
    mutant("weightnorm-backward-dg-unnormalized", "weightnorm_backward", "dg = sum(dw * v) without / ||v||",
           "dg = np.sum(dw * v, axis=axes, keepdims=True) / norm", "dg = np.sum(dw * v, axis=axes, keepdims=True)",
           GRADIENTS),
    mutant("weightnorm-backward-dg-keepdims", "weightnorm_backward", "returns dg with kept dimensions, of shape "
           "(1, ..., 1) instead of () for dim=None",
           "    return dv, np.asarray(dg, dtype=np.float64).reshape(np.shape(g))\n", "    return dv, dg\n", GRADIENTS),
    mutant("weightnorm-backward-sign", "weightnorm_backward", "adds the projection instead of subtracting it",
           "dv = g / norm * (dw - dg / norm * v)", "dv = g / norm * (dw + dg / norm * v)", GRADIENTS),
]

#: Weight norms that give up, with the right types: arrays of v's shape (and g's for the backward).
GARBAGE = [
    *garbage_entries(MODULE, "weightnorm_forward", zeros="np.zeros(np.shape(v))", input="np.array(v, dtype=np.float64)",
                     nan="np.full(np.shape(v), np.nan)", constant="np.ones(np.shape(v))"),
    *garbage_entries(MODULE, "weightnorm_backward", zeros="np.zeros(np.shape(v)), np.zeros(np.shape(g))",
                     input="np.array(dw, dtype=np.float64), np.array(g, dtype=np.float64)",
                     nan="np.full(np.shape(v), np.nan), np.full(np.shape(g), np.nan)",
                     constant="np.ones(np.shape(v)), np.ones(np.shape(g))"),
]

VARIANTS = [
    Variant("weightnorm-moveaxis-linalg", "np.linalg.norm of the slices along dim",
            "def weightnorm_forward(v, g, dim=0):\n"
            "    _norm_axes(v, g, dim)\n"
            "    if dim is None:\n"
            "        return g * v / np.linalg.norm(v)\n"
            "    slices = np.moveaxis(v, dim, 0).reshape(v.shape[dim], -1)\n"
            "    return v * (g.reshape(-1) / np.linalg.norm(slices, axis=1)).reshape(g.shape)\n", module=MODULE, function="weightnorm_forward"),
    Variant("weightnorm-backward-unit-direction", "through the unit direction "
            "u = v / ||v||", "def weightnorm_backward(dw, v, g, dim=0):\n"
            "    axes = _norm_axes(v, g, dim)\n"
            "    norm = np.sqrt((v ** 2).sum(axis=axes, keepdims=True))\n"
            "    u = v / norm\n"
            "    dg = (dw * u).sum(axis=axes, keepdims=True)\n"
            "    return g * (dw - u * dg) / norm, dg.reshape(np.shape(g))\n", module=MODULE, function="weightnorm_backward"),
]
