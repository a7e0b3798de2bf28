"""Mutants and correct variants of ``optimizers.py``.

Family names: one_step, trajectory, hyperparameters, convergence, purity, shapes,
invalid_arguments (see ``reference/checks/optimizers.py``). ``trajectory`` and
``one_step`` use the default hyperparameters, so a bug in a flag that is off by default
shows only in ``hyperparameters``.
"""

from autograder.authoring import Mutant, Variant, garbage_entries

MODEL = "optimizers"
DEFAULTS_BROKEN = {"one_step", "trajectory", "hyperparameters"}

MUTANTS = [
    Mutant("sgd-dampens-first-momentum-step",
           "applies (1 - dampening) to the first momentum step, which PyTorch leaves undamped",
           "buffer = g if buffer is None else momentum * buffer + (1 - dampening) * g",
           "buffer = (1 - dampening) * g if buffer is None else momentum * buffer + (1 - dampening) * g",
           {"hyperparameters"}, module=MODEL, function="sgd"),
    Mutant("sgd-nesterov-ignored", "uses the plain momentum buffer when nesterov=True",
           "g = g + momentum * buffer if nesterov else buffer", "g = buffer",
           {"hyperparameters"}, module=MODEL, function="sgd"),
    Mutant("sgd-weight-decay-ignored", "never adds weight_decay * w to the gradient",
           "    g = dw + weight_decay * w\n    new_state = {}\n    if momentum != 0:",
           "    g = dw\n    new_state = {}\n    if momentum != 0:",
           {"hyperparameters"}, module=MODEL, function="sgd"),
    Mutant("sgd-updates-w-in-place", "writes w -= lr * g, modifying the caller's array",
           "    return np.asarray(w - lr * g), new_state",
           "    w -= lr * g\n    return w, new_state",
           {"purity"}, module=MODEL, function="sgd"),
    Mutant("sgd-edits-momentum-buffer-in-place",
           "updates the momentum buffer of the previous state in place instead of building a new array",
           "        buffer = g if buffer is None else momentum * buffer + (1 - dampening) * g",
           "        if buffer is None:\n            buffer = g.copy()\n        else:\n"
           "            buffer *= momentum\n            buffer += (1 - dampening) * g",
           {"purity"}, module=MODEL, function="sgd"),
    Mutant("sgd-returns-none-state", "returns None instead of an empty dict when there is no state",
           "    return np.asarray(w - lr * g), new_state", "    return np.asarray(w - lr * g), new_state or None",
           {"shapes"}, module=MODEL, function="sgd"),
    Mutant("sgd-accepts-negative-lr", "does not validate the learning rate",
           '    if lr < 0.0:\n        raise ValueError(f"Invalid learning rate: {lr}")\n    if momentum < 0.0:',
           "    if momentum < 0.0:",
           {"invalid_arguments"}, module=MODEL, function="sgd"),
    Mutant("adagrad-lr-decay-off-by-one", "decays the step size with t instead of t - 1",
           "clr = lr / (1 + (step - 1) * lr_decay)", "clr = lr / (1 + step * lr_decay)",
           {"hyperparameters"}, module=MODEL, function="adagrad"),
    Mutant("adagrad-initial-accumulator-ignored", "starts the sum of squares at zero",
           'total = state.get("sum", np.full_like(w, initial_accumulator_value))',
           'total = state.get("sum", np.zeros_like(w))',
           {"hyperparameters"}, module=MODEL, function="adagrad"),
    Mutant("rmsprop-centered-adds-mean-square",
           "adds the squared mean gradient in the centered variant instead of subtracting it",
           "denominator = np.sqrt(square_avg - grad_avg * grad_avg) + eps",
           "denominator = np.sqrt(square_avg + grad_avg * grad_avg) + eps",
           {"hyperparameters"}, module=MODEL, function="rmsprop"),
    Mutant("rmsprop-momentum-on-raw-gradient",
           "accumulates the raw gradient in the momentum buffer instead of g / denominator",
           'buffer = momentum * state.get("momentum_buffer", zeros) + g / denominator',
           'buffer = momentum * state.get("momentum_buffer", zeros) + g',
           {"hyperparameters", "convergence"}, module=MODEL, function="rmsprop"),
    Mutant("rmsprop-alpha-swapped", "weights the new squared gradient by alpha instead of 1 - alpha",
           'square_avg = alpha * state.get("square_avg", zeros) + (1 - alpha) * g * g',
           'square_avg = (1 - alpha) * state.get("square_avg", zeros) + alpha * g * g',
           DEFAULTS_BROKEN, module=MODEL, function="rmsprop"),
    Mutant("adadelta-lr-ignored", "applies the delta without multiplying it by lr",
           "    return np.asarray(w - lr * delta), new_state", "    return np.asarray(w - delta), new_state",
           {"hyperparameters"}, module=MODEL, function="adadelta"),
    Mutant("adadelta-eps-outside-sqrt", "adds eps outside the square roots, as RMSprop does",
           "delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g",
           "delta = (np.sqrt(acc_delta) + eps) / (np.sqrt(square_avg) + eps) * g",
           DEFAULTS_BROKEN, module=MODEL, function="adadelta"),
    Mutant("adam-no-bias-correction", "forgets the bias corrections of both moments",
           "    exp_avg_hat = exp_avg / (1 - beta1**step)\n"
           "    denominator = np.sqrt(exp_avg_sq) / np.sqrt(1 - beta2**step) + eps",
           "    exp_avg_hat = exp_avg\n    denominator = np.sqrt(exp_avg_sq) + eps",
           DEFAULTS_BROKEN, module=MODEL, function="adam"),
    Mutant("adam-step-count-from-zero", "uses t = 0 on the first step (bias correction divides by zero)",
           '    step = state.get("step", 0) + 1\n    g = dw + weight_decay * w\n    exp_avg',
           '    step = state.get("step", 0)\n    g = dw + weight_decay * w\n    exp_avg',
           DEFAULTS_BROKEN | {"convergence"}, module=MODEL, function="adam"),
    Mutant("adam-amsgrad-max-unused", "keeps the running maximum for AMSGrad but divides by the current second moment",
           '        exp_avg_sq = np.maximum(state.get("max_exp_avg_sq", zeros), exp_avg_sq)\n'
           '        new_state["max_exp_avg_sq"] = np.asarray(exp_avg_sq)',
           '        new_state["max_exp_avg_sq"] = np.maximum(state.get("max_exp_avg_sq", zeros), exp_avg_sq)',
           {"hyperparameters"}, module=MODEL, function="adam"),
    Mutant("adam-betas-unchecked", "does not validate betas",
           '    if not 0.0 <= betas[0] < 1.0:\n        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")\n'
           '    if not 0.0 <= betas[1] < 1.0:\n        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")\n'
           '    if not 0.0 <= weight_decay:\n        raise ValueError(f"Invalid weight_decay value: {weight_decay}")\n'
           '    w, dw = np.asarray(w, dtype=np.float64), np.asarray(dw, dtype=np.float64)\n'
           '    if w.shape != dw.shape:\n'
           '        raise ValueError(f"w and dw must have the same shape, got {w.shape} and {dw.shape}")\n\n'
           '    beta1, beta2 = betas',
           '    if not 0.0 <= weight_decay:\n        raise ValueError(f"Invalid weight_decay value: {weight_decay}")\n'
           '    w, dw = np.asarray(w, dtype=np.float64), np.asarray(dw, dtype=np.float64)\n'
           '    if w.shape != dw.shape:\n'
           '        raise ValueError(f"w and dw must have the same shape, got {w.shape} and {dw.shape}")\n\n'
           '    beta1, beta2 = betas',
           {"invalid_arguments"}, module=MODEL, function="adam"),
    Mutant("adamw-decay-as-l2-penalty", "adds weight_decay * w to the gradient as Adam does",
           "    w = w * (1 - lr * weight_decay)\n"
           "    return adam(w, dw, state, lr=lr, betas=betas, eps=eps, weight_decay=0, amsgrad=amsgrad)",
           "    return adam(w, dw, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)",
           DEFAULTS_BROKEN, module=MODEL, function="adamw"),
    Mutant("adamw-decays-after-the-step", "decays the weights after the Adam step instead of before",
           "    w = w * (1 - lr * weight_decay)\n"
           "    return adam(w, dw, state, lr=lr, betas=betas, eps=eps, weight_decay=0, amsgrad=amsgrad)",
           "    new_w, new_state = adam(w, dw, state, lr=lr, betas=betas, eps=eps, weight_decay=0, amsgrad=amsgrad)\n"
           "    return new_w * (1 - lr * weight_decay), new_state",
           DEFAULTS_BROKEN, module=MODEL, function="adamw"),
    Mutant("adadelta-checks-shapes-after-broadcasting",
           "compares the shapes after adding weight_decay * w, which has already broadcast dw to w's shape",
           "    if w.shape != dw.shape:\n"
           "        raise ValueError(f\"w and dw must have the same shape, got {w.shape} and {dw.shape}\")\n\n"
           "    zeros = np.zeros_like(w)\n    g = dw + weight_decay * w\n    square_avg = rho",
           "    zeros = np.zeros_like(w)\n    g = dw + weight_decay * w\n    if w.shape != g.shape:\n"
           "        raise ValueError(f\"w and dw must have the same shape, got {w.shape} and {dw.shape}\")\n"
           "    square_avg = rho",
           {"invalid_arguments"}, module=MODEL, function="adadelta"),
    Mutant("adagrad-rejects-zero-lr",
           "requires a positive learning rate, but PyTorch accepts lr = 0 (a frozen parameter)",
           'if not 0.0 <= lr:\n        raise ValueError(f"Invalid learning rate: {lr}")\n    if not 0.0 <= lr_decay:',
           'if not 0.0 < lr:\n        raise ValueError(f"Invalid learning rate: {lr}")\n    if not 0.0 <= lr_decay:',
           {"invalid_arguments"}, module=MODEL, function="adagrad"),
    Mutant("adam-accepts-beta-one", "checks 0 <= beta <= 1, accepting beta1 = 1, which PyTorch rejects",
           "if not 0.0 <= betas[0] < 1.0:", "if not 0.0 <= betas[0] <= 1.0:", {"invalid_arguments"}, module=MODEL, function="adam"),
    Mutant("rmsprop-relies-on-broadcasting",
           "does not check that w and dw have the same shape: numpy broadcasts dw of shape (1,) over w of shape (3,)",
           'raise ValueError(f"Invalid alpha value: {alpha}")\n    w, dw = np.asarray(w, dtype=np.float64), '
           'np.asarray(dw, dtype=np.float64)\n    if w.shape != dw.shape:\n'
           '        raise ValueError(f"w and dw must have the same shape, got {w.shape} and {dw.shape}")\n',
           'raise ValueError(f"Invalid alpha value: {alpha}")\n    w, dw = np.asarray(w, dtype=np.float64), '
           'np.asarray(dw, dtype=np.float64)\n',
           {"invalid_arguments"}, module=MODEL, function="rmsprop"),
]

#: Optimizers that give up, with the right types: an array of w's shape and a state dict.
GARBAGE = [entry for function in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
           for entry in garbage_entries(MODEL, function, zeros="np.zeros(np.shape(w)), {}", input="w, state",
                                        nan="np.full(np.shape(w), np.nan), {}", constant="np.ones(np.shape(w)), {}")]

VARIANTS = [
    Variant("sgd-explicit-branches", "explicit branches, copies instead of asarray, other state keys", '''
def sgd(w, dw, state, *, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    if lr < 0 or momentum < 0 or weight_decay < 0:
        raise ValueError(f"Invalid hyperparameter: lr={lr}, momentum={momentum}, weight_decay={weight_decay}")
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    w = np.array(w, dtype=float)
    grad = np.array(dw, dtype=float)
    if w.shape != grad.shape:
        raise ValueError("shape mismatch")
    if weight_decay:
        grad = grad + weight_decay * w
    if momentum == 0:
        return w - lr * grad, {}
    if "velocity" in state:
        velocity = momentum * state["velocity"] + (1 - dampening) * grad
    else:
        velocity = grad.copy()
    step = grad + momentum * velocity if nesterov else velocity
    return w - lr * step, {"velocity": velocity}
''', module=MODEL, function="sgd"),
    Variant("adam-folded-step-size",
            "folds both bias corrections into the step size (the original paper's efficient form)", '''
def adam(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0 or not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError("Invalid Adam hyperparameters")
    w, g = np.asarray(w, dtype=np.float64), np.asarray(dw, dtype=np.float64)
    if w.shape != g.shape:
        raise ValueError("w and dw differ in shape")
    g = g + weight_decay * w
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * np.square(g)
    new_state = {"t": t, "m": m, "v": v}
    if amsgrad:
        v = np.maximum(state.get("v_max", 0.0), v)
        new_state["v_max"] = v
    correction2 = np.sqrt(1 - beta2**t)
    step_size = lr * correction2 / (1 - beta1**t)
    return w - step_size * m / (np.sqrt(v) + eps * correction2), new_state
''', module=MODEL, function="adam"),
    Variant("adagrad-power-and-other-keys", "x ** 0.5 instead of sqrt, state keys t and G", '''
def adagrad(w, dw, state, *, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10):
    for name, value in (("learning rate", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                        ("initial_accumulator_value", initial_accumulator_value), ("epsilon", eps)):
        if value < 0:
            raise ValueError(f"Invalid {name} value: {value}")
    w = np.asarray(w, dtype=np.float64)
    if np.shape(dw) != w.shape:
        raise ValueError("w and dw must have the same shape")
    g = dw + weight_decay * w
    t = state.get("t", 0) + 1
    accumulated = state.get("G", initial_accumulator_value + np.zeros(w.shape)) + g ** 2
    step_size = lr / (1 + (t - 1) * lr_decay)
    return w - step_size * g / (accumulated ** 0.5 + eps), {"t": t, "G": accumulated}
''', module=MODEL, function="adagrad"),
    Variant("rmsprop-square-helper", "np.square, separate branches for each flag", '''
def rmsprop(w, dw, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
    if min(lr, alpha, eps, weight_decay, momentum) < 0:
        raise ValueError("Invalid RMSprop hyperparameter")
    w = np.asarray(w, dtype=np.float64)
    g = np.asarray(dw, dtype=np.float64)
    if g.shape != w.shape:
        raise ValueError("w and dw must have the same shape")
    if weight_decay != 0:
        g = g + weight_decay * w
    new_state = {}
    new_state["v"] = alpha * state.get("v", np.zeros(w.shape)) + (1 - alpha) * np.square(g)
    if centered:
        new_state["mean"] = alpha * state.get("mean", np.zeros(w.shape)) + (1 - alpha) * g
        scale = np.sqrt(new_state["v"] - np.square(new_state["mean"])) + eps
    else:
        scale = np.sqrt(new_state["v"]) + eps
    if momentum > 0:
        new_state["buf"] = momentum * state.get("buf", np.zeros(w.shape)) + g / scale
        return w - lr * new_state["buf"], new_state
    return w - lr * (g / scale), new_state
''', module=MODEL, function="rmsprop"),
    Variant("adadelta-rms-helper", "a local RMS helper, as in Zeiler's paper", '''
def adadelta(w, dw, state, *, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
    if lr < 0 or eps < 0 or weight_decay < 0 or not 0 <= rho <= 1:
        raise ValueError("Invalid Adadelta hyperparameter")
    w = np.asarray(w, dtype=np.float64)
    if np.shape(dw) != w.shape:
        raise ValueError("w and dw must have the same shape")
    g = np.asarray(dw, dtype=np.float64) + weight_decay * w

    def rms(mean_square):
        return np.sqrt(mean_square + eps)

    e_g2 = rho * state.get("E[g^2]", 0 * w) + (1 - rho) * g * g
    e_dx2 = state.get("E[dx^2]", 0 * w)
    dx = rms(e_dx2) / rms(e_g2) * g
    e_dx2 = rho * e_dx2 + (1 - rho) * dx * dx
    return w - lr * dx, {"E[g^2]": e_g2, "E[dx^2]": e_dx2}
''', module=MODEL, function="adadelta"),
    Variant("adamw-standalone", "a complete AdamW that does not call adam", '''
def adamw(w, dw, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    beta1, beta2 = betas
    if lr < 0 or eps < 0 or weight_decay < 0 or not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError("Invalid AdamW hyperparameters")
    w, g = np.asarray(w, dtype=np.float64), np.asarray(dw, dtype=np.float64)
    if w.shape != g.shape:
        raise ValueError("w and dw differ in shape")
    w = w - lr * weight_decay * w
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(w)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(w)) + (1 - beta2) * g * g
    new_state = {"t": t, "m": m, "v": v}
    if amsgrad:
        v = np.maximum(state.get("v_max", np.zeros_like(w)), v)
        new_state["v_max"] = v
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), new_state
''', module=MODEL, function="adamw"),
]
