"""Mutants and correct variants of ``second_order.py`` (families: quadratic_minimum,
quadratic_convergence, damping, torch_parity, curvature_pairs, purity, invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "second_order"
NEWTON = {"quadratic_minimum", "quadratic_convergence", "damping"}
DIRECTION = {"torch_parity", "curvature_pairs"}

MUTANTS = [
    Mutant("newton-step-uphill", "adds the Newton step instead of subtracting it",
           "return w - np.linalg.solve(", "return w + np.linalg.solve(", NEWTON, module=MODULE, function="newton_step"),
    Mutant("newton-damping-ignored", "never adds the damping to the Hessian",
           "np.linalg.solve(hessian + damping * np.eye(w.size), grad)", "np.linalg.solve(hessian, grad)",
           {"damping", "invalid_arguments"}, module=MODULE, function="newton_step"),
    Mutant("newton-diagonal-hessian",
           "divides by the Hessian's diagonal (a diagonal approximation) instead of solving",
           "np.linalg.solve(hessian + damping * np.eye(w.size), grad)", "grad / (np.diag(hessian) + damping)",
           NEWTON | {"invalid_arguments"}, module=MODULE, function="newton_step"),
    Mutant("newton-accepts-negative-damping", "does not check damping",
           '    if damping < 0:\n        raise ValueError(f"Invalid damping value: {damping}")\n', "",
           {"invalid_arguments"}, module=MODULE, function="newton_step"),
    Mutant("lbfgs-no-initial-scaling", "starts from H_0 = I instead of gamma I",
           "        gamma = (y @ s) / (y @ y)", "        gamma = 1.0", DIRECTION, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-scaling-from-oldest-pair",
           "takes gamma from the oldest pair kept instead of the newest",
           "        s, y = pairs[-1]", "        s, y = pairs[0]", DIRECTION, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-keeps-negative-curvature",
           "never skips pairs of non-positive curvature",
           "    pairs = [(s, y) for s, y in pairs if y @ s > CURVATURE_THRESHOLD][-history_size:]",
           "    pairs = pairs[-history_size:]", {"curvature_pairs"}, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-cuts-history-before-skipping",
           "keeps the last history_size pairs first, then skips the bad ones among them",
           "    pairs = [(s, y) for s, y in pairs if y @ s > CURVATURE_THRESHOLD][-history_size:]",
           "    pairs = [(s, y) for s, y in pairs[-history_size:] if y @ s > CURVATURE_THRESHOLD]",
           {"curvature_pairs"}, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-history-size-ignored", "uses every pair, whatever history_size",
           "    pairs = [(s, y) for s, y in pairs if y @ s > CURVATURE_THRESHOLD][-history_size:]",
           "    pairs = [(s, y) for s, y in pairs if y @ s > CURVATURE_THRESHOLD]", DIRECTION, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-second-loop-newest-first",
           "runs the second loop from the newest pair to the oldest, like the first",
           "    for (s, y), alpha in zip(pairs, reversed(alphas)):",
           "    for (s, y), alpha in zip(reversed(pairs), alphas):", DIRECTION, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-returns-minus-direction", "returns H g instead of -H g",
           "    return -r\n", "    return r\n", DIRECTION, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-pops-the-callers-history",
           "drops old pairs from the caller's lists with pop(0), before skipping the bad ones",
           "    grad = np.asarray(grad, dtype=np.float64)\n    pairs = [",
           "    while len(s_history) > history_size:\n        s_history.pop(0)\n        y_history.pop(0)\n"
           "    grad = np.asarray(grad, dtype=np.float64)\n    pairs = [", {"purity", "curvature_pairs"}, module=MODULE, function="lbfgs_direction"),
    Mutant("lbfgs-accepts-mismatched-histories", "does not compare the histories' lengths",
           "    if len(s_history) != len(y_history):\n", "    if False:\n", {"invalid_arguments"}, module=MODULE, function="lbfgs_direction"),
]

#: Second-order steps that give up, with the right types: an array of w's (grad's) shape.
GARBAGE = [
    *garbage_entries(MODULE, "newton_step", zeros="np.zeros(np.shape(w))", input="np.array(w, dtype=np.float64)",
                     nan="np.full(np.shape(w), np.nan)", constant="np.ones(np.shape(w))"),
    *garbage_entries(MODULE, "lbfgs_direction", zeros="np.zeros(np.shape(grad))",
                     input="np.array(grad, dtype=np.float64)", nan="np.full(np.shape(grad), np.nan)",
                     constant="np.ones(np.shape(grad))"),
]

VARIANTS = [
    Variant("newton-inverse", "multiplies by the inverse (np.linalg.inv) instead of solving",
            "def newton_step(w, grad, hessian, damping=0.0):\n"
            "    if damping < 0:\n"
            "        raise ValueError(f'Invalid damping value: {damping}')\n"
            "    n = len(w)\n"
            "    if np.ndim(w) != 1 or np.shape(grad) != (n,) or np.shape(hessian) != (n, n):\n"
            "        raise ValueError('shapes')\n"
            "    return w - np.linalg.inv(hessian + damping * np.identity(n)) @ grad\n", module=MODULE, function="newton_step"),
    Variant("lbfgs-torch-style",
            "torch's loop: reciprocals rho, index loops, the history cut while storing pairs",
            "def lbfgs_direction(grad, s_history, y_history, history_size=100):\n"
            "    if history_size < 1:\n"
            "        raise ValueError(f'Invalid history_size: {history_size}')\n"
            "    if len(s_history) != len(y_history):\n"
            "        raise ValueError('lengths differ')\n"
            "    grad = np.asarray(grad, dtype=np.float64)\n"
            "    if grad.ndim != 1:\n"
            "        raise ValueError('grad must be 1-D')\n"
            "    old_stps, old_dirs, h_diag = [], [], 1.0\n"
            "    for s, y in zip(s_history, y_history):\n"
            "        if np.shape(s) != grad.shape or np.shape(y) != grad.shape:\n"
            "            raise ValueError('shapes')\n"
            "        ys = np.dot(y, s)\n"
            "        if ys > 1e-10:\n"
            "            if len(old_dirs) == history_size:\n"
            "                old_dirs.pop(0)\n"
            "                old_stps.pop(0)\n"
            "            old_dirs.append(y)\n"
            "            old_stps.append(s)\n"
            "            h_diag = ys / np.dot(y, y)\n"
            "    k = len(old_dirs)\n"
            "    ro = [1.0 / np.dot(old_dirs[i], old_stps[i]) for i in range(k)]\n"
            "    al = [0.0] * k\n"
            "    q = -grad\n"
            "    for i in range(k - 1, -1, -1):\n"
            "        al[i] = np.dot(old_stps[i], q) * ro[i]\n"
            "        q = q - al[i] * old_dirs[i]\n"
            "    r = q * h_diag\n"
            "    for i in range(k):\n"
            "        be_i = np.dot(old_dirs[i], r) * ro[i]\n"
            "        r = r + (al[i] - be_i) * old_stps[i]\n"
            "    return r\n", module=MODULE, function="lbfgs_direction"),
]
