"""Learning-rate schedules: the learning rate as a pure function of the step.

Each schedule is a function ``lr_t = NAME(step, lr, ...)`` that returns the learning rate
that ``torch.optim.lr_scheduler`` sets in the optimizer's param group after ``step``
calls of ``scheduler.step()`` (``step = 0``: right after the scheduler is built). ``lr``
is the optimizer's initial learning rate (the scheduler's ``base_lr``). The result is a
Python float (a numpy float64 scalar is accepted too).
"""

import math


def step_lr(step, lr, step_size, gamma=0.1):
    """Step decay (torch.optim.lr_scheduler.StepLR): multiply lr by gamma every step_size steps.

        lr_t = lr * gamma ** floor(step / step_size)

    Args:
        step: the number of scheduler steps taken, an int >= 0.
        lr: the initial learning rate (base_lr), a float >= 0.
        step_size: the period of the decay, an int >= 1.
        gamma: the multiplicative factor of the decay (default: 0.1). PyTorch does not
            check it, and neither do we: gamma > 1 grows the rate.

    Returns:
        lr_t, a float: lr for steps 0 .. step_size - 1, lr * gamma for steps
        step_size .. 2 step_size - 1, and so on.

    Raises:
        ValueError: ``Invalid step: {step}`` if step < 0, ``Invalid learning rate: {lr}``
            if lr < 0 (torch.optim's message), ``Invalid step_size: {step_size}`` if
            step_size < 1 (PyTorch fails later with ZeroDivisionError).

    Conventions: PyTorch multiplies the param group's lr by gamma at steps step_size,
    2 step_size, ... (a product, "chainable" form); the closed form above equals it up
    to rounding.
    """
    raise NotImplementedError("schedules.step_lr: not implemented yet (see the docstring)")


def warmup_cosine_lr(step, lr, warmup_steps, total_steps, start_factor=1.0 / 3, eta_min=0.0):
    """Linear warmup, then cosine annealing: SequentialLR([LinearLR, CosineAnnealingLR], milestones=[warmup_steps]).

    With W = warmup_steps, T = total_steps - warmup_steps and s = start_factor::

        step < W:   lr_t = lr * (s + (1 - s) * step / W)                        (LinearLR, end_factor=1)
        step >= W:  lr_t = eta_min + (lr - eta_min) * (1 + cos(pi * (step - W) / T)) / 2
                                                                    (CosineAnnealingLR, T_max=T)

    so lr_0 = s * lr, lr_W = lr and lr_{W+T} = eta_min: the rate rises linearly for W
    steps, then falls along half a cosine to eta_min at total_steps. After total_steps
    the cosine goes on, as PyTorch's does: it rises again towards lr, with period 2 T.

    Args:
        step: the number of scheduler steps taken, an int >= 0.
        lr: the initial learning rate (base_lr), a float >= 0.
        warmup_steps: W, the length of the warmup (LinearLR's total_iters), an int >= 1.
        total_steps: W + T, the step at which the rate reaches eta_min, an int > warmup_steps.
        start_factor: the fraction of lr at step 0 (LinearLR's default 1/3), in (0, 1].
        eta_min: the rate at the end of the annealing (CosineAnnealingLR's default 0.0).

    Returns:
        lr_t, a float.

    Raises:
        ValueError: ``Invalid step: {step}`` if step < 0, ``Invalid learning rate: {lr}``
            if lr < 0, ``Invalid warmup_steps: {warmup_steps}`` if warmup_steps < 1,
            ``Invalid total_steps: {total_steps}`` if total_steps <= warmup_steps, and
            LinearLR's ``Starting multiplicative factor expected to be greater than 0 and
            less or equal to 1.`` if start_factor is outside (0, 1].

    Conventions (PyTorch's): at the milestone step W, SequentialLR restarts the cosine at
    its own step 0, so lr_W = lr exactly and the warmup's last rate is lr_{W-1} =
    lr * (s + (1 - s) (W - 1) / W), not lr. Both schedulers are "chainable" in PyTorch
    (each step multiplies the previous rate); the closed forms above equal them up to rounding.
    """
    raise NotImplementedError("schedules.warmup_cosine_lr: not implemented yet (see the docstring)")
