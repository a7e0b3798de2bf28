"""PyTorch 2.13 as an independent oracle: the same computations through ``torch`` in float64.

Each function imports torch itself, so that the checks load without it. The oracle's tensors
are tiny: the functions that make them set torch to one thread, since a thread pool would only
compete with the workers.
"""

import warnings

import numpy as np


def _optimizer(lr, parameter=None):
    import torch

    torch.set_num_threads(1)
    parameter = parameter if parameter is not None else torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    return torch.optim.SGD([parameter], lr=lr)


def _rates(optimizer, scheduler, steps):
    rates = [optimizer.param_groups[0]["lr"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(steps):
            optimizer.step()
            scheduler.step()
            rates.append(optimizer.param_groups[0]["lr"])
    return [float(rate) for rate in rates]


def step_lr_rates(steps, lr, step_size, gamma):
    """StepLR's learning rate after 0, 1, ..., ``steps`` calls of ``scheduler.step()``."""
    import torch

    optimizer = _optimizer(lr)
    return _rates(optimizer, torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma), steps)


def warmup_cosine_rates(steps, lr, warmup_steps, total_steps, start_factor, eta_min):
    """SequentialLR(LinearLR, CosineAnnealingLR)'s learning rate after 0, 1, ..., ``steps`` steps."""
    import torch

    optimizer = _optimizer(lr)
    schedulers = torch.optim.lr_scheduler
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warmup = schedulers.LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps)
        cosine = schedulers.CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=eta_min)
        scheduler = schedulers.SequentialLR(optimizer, [warmup, cosine], milestones=[warmup_steps])
    return _rates(optimizer, scheduler, steps)


def _parameters(grads):
    import torch

    torch.set_num_threads(1)
    parameters = [torch.nn.Parameter(torch.zeros(np.shape(g), dtype=torch.float64)) for g in grads]
    for parameter, g in zip(parameters, grads):
        parameter.grad = torch.tensor(np.asarray(g), dtype=torch.float64)
    return parameters


def clip_grad_norm(grads, max_norm, norm_type):
    """``(clipped gradients, total norm)`` of torch.nn.utils.clip_grad_norm_."""
    import torch

    parameters = _parameters(grads)
    total = torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=norm_type)
    return [p.grad.numpy().copy() for p in parameters], float(total)


def clip_grad_value(grads, clip_value):
    """The gradients clipped by torch.nn.utils.clip_grad_value_."""
    import torch

    parameters = _parameters(grads)
    torch.nn.utils.clip_grad_value_(parameters, clip_value)
    return [p.grad.numpy().copy() for p in parameters]


def lbfgs_run(A, b, w0, iterations, history_size):
    """torch.optim.LBFGS(lr=1, line_search_fn=None) on f(w) = 1/2 w^T A w - b^T w for ``iterations`` iterations.

    Returns ``(weights, grads)``: the iterates w_0 .. w_iterations and the gradients
    torch computed at w_0 .. w_{iterations - 1}. The tolerances are disabled, so that
    every iteration runs.
    """
    import torch

    torch.set_num_threads(1)
    A_t, b_t = torch.tensor(A), torch.tensor(b)
    parameter = torch.nn.Parameter(torch.tensor(np.asarray(w0, dtype=np.float64)))
    optimizer = torch.optim.LBFGS([parameter], lr=1, max_iter=iterations, max_eval=10 * iterations,
                                  tolerance_grad=-1.0, tolerance_change=0.0, history_size=history_size,
                                  line_search_fn=None)
    weights, grads = [], []

    def closure():
        optimizer.zero_grad()
        loss = 0.5 * parameter @ A_t @ parameter - b_t @ parameter
        loss.backward()
        weights.append(parameter.detach().numpy().copy())
        grads.append(parameter.grad.detach().numpy().copy())
        return loss

    optimizer.step(closure)
    weights.append(parameter.detach().numpy().copy())
    return weights, grads


def averages(kind, average0, iterates, decay=0.999):
    """The averaged parameter of AveragedModel (``kind`` "polyak": the default; "ema": get_ema_multi_avg_fn)
    after each update_parameters call, the model holding each iterate in turn."""
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    torch.set_num_threads(1)

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.tensor(np.asarray(average0, dtype=np.float64)))

    model = Model()
    options = {"multi_avg_fn": get_ema_multi_avg_fn(decay)} if kind == "ema" else {}
    averaged = AveragedModel(model, **options)
    result = []
    for w in iterates:
        with torch.no_grad():
            model.w.copy_(torch.tensor(np.asarray(w, dtype=np.float64)))
        averaged.update_parameters(model)
        result.append(averaged.module.w.detach().numpy().copy())
    return result


def l2_penalty(w, weight_decay):
    import torch

    return weight_decay / 2 * torch.sum(w ** 2)


def l1_penalty(w, strength):
    import torch

    return strength * torch.sum(torch.abs(w))


def l2_penalty_backward(dout, w, weight_decay):
    """dL/dw of L = dout * penalty by torch.autograd."""
    import torch

    return torch.autograd.grad(dout * l2_penalty(w, weight_decay), w)[0]


def l1_penalty_backward(dout, w, strength):
    """A subgradient dL/dw of L = dout * penalty by torch.autograd (sign(0) = 0)."""
    import torch

    return torch.autograd.grad(dout * l1_penalty(w, strength), w)[0]
