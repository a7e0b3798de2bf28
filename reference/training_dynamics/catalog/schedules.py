"""Mutants and correct variants of ``schedules.py`` (families: torch_parity, endpoints, monotone,
invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "schedules"
VALUES = {"torch_parity", "endpoints"}

MUTANTS = [
    Mutant("step-lr-decays-one-step-early", "decays at step_size - 1, 2 step_size - 1, ...",
           "return lr * gamma ** (step // step_size)", "return lr * gamma ** ((step + 1) // step_size)", VALUES, module=MODULE, function="step_lr"),
    Mutant("step-lr-continuous-decay", "decays smoothly, gamma ** (step / step_size), no plateaus",
           "return lr * gamma ** (step // step_size)", "return lr * gamma ** (step / step_size)", VALUES, module=MODULE, function="step_lr"),
    Mutant("step-lr-accepts-zero-step-size", "does not check step_size (ZeroDivisionError)",
           '    if step_size < 1:\n        raise ValueError(f"Invalid step_size: {step_size}")\n', "",
           {"invalid_arguments"}, module=MODULE, function="step_lr"),
    Mutant("step-lr-rejects-zero-lr", "rejects lr = 0, which torch.optim accepts",
           '    if lr < 0:\n        raise ValueError(f"Invalid learning rate: {lr}")\n    if step_size < 1:',
           '    if lr <= 0:\n        raise ValueError(f"Invalid learning rate: {lr}")\n    if step_size < 1:',
           {"invalid_arguments"}, module=MODULE, function="step_lr"),
    Mutant("warmup-from-zero", "warms up from 0 instead of start_factor * lr",
           "return lr * (start_factor + (1 - start_factor) * step / warmup_steps)",
           "return lr * step / warmup_steps", VALUES, module=MODULE, function="warmup_cosine_lr"),
    Mutant("cosine-full-period",
           "anneals along a whole cosine period, back up to lr at total_steps",
           "math.cos(math.pi * (step - warmup_steps) / annealing)",
           "math.cos(2 * math.pi * (step - warmup_steps) / annealing)", VALUES | {"monotone"}, module=MODULE, function="warmup_cosine_lr"),
    Mutant("cosine-ignores-eta-min", "anneals to 0 whatever eta_min",
           "return eta_min + (lr - eta_min) * (1 + math.cos(", "return lr * (1 + math.cos(", VALUES, module=MODULE, function="warmup_cosine_lr"),
    Mutant("cosine-not-shifted-by-warmup",
           "evaluates the cosine at step / total_steps, as if it started at step 0",
           "math.cos(math.pi * (step - warmup_steps) / annealing)", "math.cos(math.pi * step / total_steps)",
           VALUES, module=MODULE, function="warmup_cosine_lr"),
    Mutant("warmup-accepts-start-factor-zero",
           "accepts start_factor = 0, which LinearLR rejects",
           "if not 0 < start_factor <= 1:", "if not 0 <= start_factor <= 1:", {"invalid_arguments"}, module=MODULE, function="warmup_cosine_lr"),
]

#: Schedules that give up: a float that is not the schedule's (returning lr is a schedule that never changes).
GARBAGE = [entry for function in ("step_lr", "warmup_cosine_lr")
           for entry in garbage_entries(MODULE, function, zeros="0.0", input="float(lr)", nan="math.nan",
                                        constant="0.5")]

VARIANTS = [
    Variant("step-lr-chainable", "multiplies by gamma step by step, as PyTorch does",
            "def step_lr(step, lr, step_size, gamma=0.1):\n"
            "    if step < 0 or step_size < 1 or lr < 0:\n"
            "        raise ValueError(f'Invalid step, learning rate or step_size: {step}, {lr}, {step_size}')\n"
            "    rate = lr\n"
            "    for k in range(1, step + 1):\n"
            "        if k % step_size == 0:\n"
            "            rate = rate * gamma\n"
            "    return rate\n", module=MODULE, function="step_lr"),
    Variant("warmup-cosine-numpy",
            "numpy arithmetic (returns numpy float64 scalars) and the warmup as a line from start_factor * lr",
            "import numpy as np\n\n\ndef warmup_cosine_lr(step, lr, warmup_steps, total_steps, start_factor=1.0 / 3, eta_min=0.0):\n"
            "    if step < 0 or lr < 0 or warmup_steps < 1 or total_steps <= warmup_steps:\n"
            "        raise ValueError('Invalid arguments')\n"
            "    if start_factor <= 0 or start_factor > 1:\n"
            "        raise ValueError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.')\n"
            "    start = np.float64(lr) * start_factor\n"
            "    if step < warmup_steps:\n"
            "        return start + (lr - start) * np.float64(step) / warmup_steps\n"
            "    progress = np.float64(step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return eta_min + 0.5 * (lr - eta_min) * (1.0 + np.cos(np.pi * progress))\n", module=MODULE, function="warmup_cosine_lr"),
]
