"""Mutants and correct variants of ``regularization.py`` (short form; families are the property kinds:
equals_reference, equals_torch, validates_arguments, gradient_check, unchanged_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "regularization"
VALUE = {"equals_reference", "equals_torch"}
GRADIENT = {"equals_torch", "gradient_check"}

MUTANTS = [
    Mutant("l2-without-the-half", "writes weight_decay * sum(w^2), twice the penalty",
           "return float(weight_decay / 2 * np.sum(np.square(w)))", "return float(weight_decay * np.sum(np.square(w)))",
           VALUE, module=MODULE, function="l2_penalty"),
    Mutant("l2-accepts-negative-weight-decay", "does not check weight_decay",
           '        raise ValueError(f"Invalid weight_decay value: {weight_decay}")\n    return float(',
           "        pass\n    return float(", {"validates_arguments"}, module=MODULE, function="l2_penalty"),
    Mutant("l2-backward-factor-two",
           "differentiates lambda ||w||^2 instead of lambda / 2 ||w||^2",
           "return np.asarray(dout * weight_decay * np.asarray(w", "return np.asarray(2 * dout * weight_decay * "
           "np.asarray(w", GRADIENT, module=MODULE, function="l2_penalty_backward"),
    Mutant("l2-backward-ignores-dout", "forgets the upstream gradient",
           "return np.asarray(dout * weight_decay * np.asarray(w", "return np.asarray(weight_decay * np.asarray(w",
           GRADIENT, module=MODULE, function="l2_penalty_backward"),
    Mutant("l1-of-the-sum", "takes |sum(w)| instead of sum(|w|)",
           "np.sum(np.abs(w))", "np.abs(np.sum(w))", VALUE, module=MODULE, function="l1_penalty"),
    Mutant("l1-subgradient-one-at-zero", "takes the subgradient +1 at w = 0",
           "np.sign(np.asarray(w, dtype=np.float64))", "np.where(np.asarray(w) >= 0, 1.0, -1.0)", GRADIENT, module=MODULE, function="l1_penalty_backward"),
    Mutant("l1-backward-in-place", "computes the sign into w's own memory",
           "    return np.asarray(dout * strength * np.sign(np.asarray(w, dtype=np.float64)))",
           "    w = np.asarray(w, dtype=np.float64)\n    np.sign(w, out=w)\n    w *= dout * strength\n    return w",
           {"unchanged_arguments"}, module=MODULE, function="l1_penalty_backward"),
]

#: Penalties that give up, with the right types: a float (no input kind: w is an array) and an array of w's shape.
GARBAGE = [
    *(entry for function in ("l2_penalty", "l1_penalty")
      for entry in garbage_entries(MODULE, function, zeros="0.0", nan="float('nan')", constant="1.0")),
    *(entry for function in ("l2_penalty_backward", "l1_penalty_backward")
      for entry in garbage_entries(MODULE, function, zeros="np.zeros(np.shape(w))",
                                   input="np.array(w, dtype=np.float64)", nan="np.full(np.shape(w), np.nan)",
                                   constant="np.ones(np.shape(w))")),
]

VARIANTS = [
    Variant("l2-dot-product", "0.5 * weight_decay * w . w, a numpy float64",
            "def l2_penalty(w, weight_decay):\n"
            "    if weight_decay < 0:\n"
            "        raise ValueError(f'Invalid weight_decay value: {weight_decay}')\n"
            "    flat = np.ravel(w)\n"
            "    return 0.5 * weight_decay * np.dot(flat, flat)\n", module=MODULE, function="l2_penalty"),
    Variant("l1-backward-nested-where", "the sign as nested np.where",
            "def l1_penalty_backward(dout, w, strength):\n"
            "    if strength < 0:\n"
            "        raise ValueError(f'Invalid strength value: {strength}')\n"
            "    sign = np.where(w > 0, 1.0, np.where(w < 0, -1.0, 0.0))\n"
            "    return sign * (strength * dout)\n", module=MODULE, function="l1_penalty_backward"),
]
