"""Mutants and correct variants of ``clipping.py`` (families: torch_parity, one_factor, cliff, purity,
invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "clipping"

MUTANTS = [
    Mutant("clip-norm-without-epsilon",
           "divides by total_norm instead of total_norm + 1e-6 (and by zero for zero gradients)",
           "clip_coef = min(max_norm / (total_norm + 1e-6), 1.0)", "clip_coef = min(max_norm / total_norm, 1.0)",
           {"torch_parity", "one_factor", "purity", "invalid_arguments"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-per-parameter",
           "clips each gradient by its own norm instead of the global norm",
           "    return [g * clip_coef for g in grads], total_norm",
           "    return [g * min(max_norm / (norm + 1e-6), 1.0) for g, norm in zip(grads, norms)], total_norm",
           {"torch_parity", "one_factor"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-scales-up",
           "forgets to clamp the factor at 1, so small gradients are scaled up to max_norm",
           "clip_coef = min(max_norm / (total_norm + 1e-6), 1.0)", "clip_coef = max_norm / (total_norm + 1e-6)",
           {"torch_parity", "one_factor"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-in-place",
           "scales the caller's arrays in place, as torch's clip_grad_norm_ does",
           "    return [g * clip_coef for g in grads], total_norm",
           "    for g in grads:\n        g *= clip_coef\n    return grads, total_norm", {"purity"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-always-l2", "ignores norm_type and always uses the 2-norm",
           "    norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for g in grads])\n"
           "    total_norm = float(np.linalg.norm(norms, ord=norm_type))",
           "    norms = np.array([np.linalg.norm(g.ravel()) for g in grads])\n"
           "    total_norm = float(np.linalg.norm(norms))", {"torch_parity"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-sum-of-norms",
           "adds the gradients' norms instead of taking the norm of the norms",
           "total_norm = float(np.linalg.norm(norms, ord=norm_type))", "total_norm = float(np.sum(norms))",
           {"torch_parity"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-returns-clipped-norm",
           "returns the norm after clipping instead of before",
           "    return [g * clip_coef for g in grads], total_norm",
           "    return [g * clip_coef for g in grads], total_norm * clip_coef", {"torch_parity"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-norm-accepts-negative-max-norm", "does not check max_norm",
           '    if max_norm < 0:\n        raise ValueError(f"Invalid max_norm: {max_norm}")\n', "",
           {"invalid_arguments"}, module=MODULE, function="clip_grad_norm"),
    Mutant("clip-value-upper-bound-only", "clips from above only",
           "np.clip(np.asarray(g, dtype=np.float64), -clip_value, clip_value)",
           "np.minimum(np.asarray(g, dtype=np.float64), clip_value)", {"torch_parity"}, module=MODULE, function="clip_grad_value"),
    Mutant("clip-value-in-place", "clips the caller's arrays in place (out=g)",
           "    return [np.clip(np.asarray(g, dtype=np.float64), -clip_value, clip_value) for g in grads]",
           "    return [np.clip(g, -clip_value, clip_value, out=g) for g in map(np.asarray, grads)]", {"purity"}, module=MODULE, function="clip_grad_value"),
    Mutant("clip-value-accepts-negative", "does not check clip_value",
           '    if clip_value < 0:\n        raise ValueError(f"Invalid clip_value: {clip_value}")\n', "",
           {"invalid_arguments"}, module=MODULE, function="clip_grad_value"),
]

#: Clipping that gives up, with the right types: a list of arrays of the gradients' shapes (and a float norm).
GARBAGE = [
    *garbage_entries(MODULE, "clip_grad_norm", zeros="[np.zeros(np.shape(g)) for g in grads], 0.0",
                     input="[np.array(g, dtype=np.float64) for g in grads], 0.0",
                     nan="[np.full(np.shape(g), np.nan) for g in grads], float('nan')",
                     constant="[np.ones(np.shape(g)) for g in grads], 1.0"),
    *garbage_entries(MODULE, "clip_grad_value", zeros="[np.zeros(np.shape(g)) for g in grads]",
                     input="[np.array(g, dtype=np.float64) for g in grads]",
                     nan="[np.full(np.shape(g), np.nan) for g in grads]",
                     constant="[np.ones(np.shape(g)) for g in grads]"),
]

VARIANTS = [
    Variant("clip-norm-concatenated",
            "the norm of all gradients concatenated, a numpy float64 total, the factor applied only when clipping",
            "def clip_grad_norm(grads, max_norm, norm_type=2.0):\n"
            "    if max_norm < 0:\n"
            "        raise ValueError(f'Invalid max_norm: {max_norm}')\n"
            "    if not norm_type > 0:\n"
            "        raise ValueError(f'Invalid norm_type: {norm_type}')\n"
            "    if len(grads) == 0:\n"
            "        return [], 0.0\n"
            "    flat = np.concatenate([np.ravel(g) for g in grads])\n"
            "    if norm_type == np.inf:\n"
            "        total = np.max(np.abs(flat))\n"
            "    else:\n"
            "        total = np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type)\n"
            "    coefficient = max_norm / (total + 1e-6)\n"
            "    if coefficient < 1:\n"
            "        return [np.array(g) * coefficient for g in grads], total\n"
            "    return [np.array(g, dtype=np.float64) for g in grads], total\n", module=MODULE, function="clip_grad_norm"),
    Variant("clip-value-maximum-minimum", "np.minimum of np.maximum, in a loop",
            "def clip_grad_value(grads, clip_value):\n"
            "    if clip_value < 0:\n"
            "        raise ValueError(f'Invalid clip_value: {clip_value}')\n"
            "    clipped = []\n"
            "    for g in grads:\n"
            "        clipped.append(np.minimum(np.maximum(g, -clip_value), clip_value))\n"
            "    return clipped\n", module=MODULE, function="clip_grad_value"),
]
