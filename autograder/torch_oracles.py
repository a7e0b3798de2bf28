"""PyTorch computations that checks compare with (:func:`autograder.properties.equals_torch`).

PyTorch is imported when one is called, in the grader, never when checks are loaded.
"""

import numpy as np


def torch_optimizer_steps(optimizer, w, gradients, **hyperparameters):
    """The iterates of ``optimizer`` (a ``torch.optim.Optimizer`` class) from ``w`` under ``gradients``.

    One step per gradient, in float64: :math:`w_{t+1} = \\mathrm{step}(w_t, g_t)` with the
    optimizer's own state (its moments and step count), created with ``hyperparameters``
    (``lr=``, ``betas=``...). Returns the list of iterates :math:`w_1, \\dots, w_T`, the
    shape ``equals_torch`` expects of a loop (:func:`autograder.calls.repeat`).

    ``w`` and each gradient may be numpy arrays, numbers or tensors (``equals_torch`` hands
    its function tensors that require grad; the optimizer works on a copy).
    """
    import torch

    def tensor(value):
        value = value.detach() if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value, np.float64))
        return value.to(torch.float64).clone()

    parameter = torch.nn.Parameter(tensor(w))
    step = optimizer([parameter], **hyperparameters)
    iterates = []
    for gradient in gradients:
        parameter.grad = tensor(gradient)
        step.step()
        iterates.append(parameter.detach().clone())
    return iterates
