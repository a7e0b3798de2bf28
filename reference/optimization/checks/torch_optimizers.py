"""PyTorch as an independent oracle: the same computations through ``torch`` in float64."""

import numpy as np

from .strategies.optimizers import OPTIMIZERS


def optimizer_trajectory(name, w0, gradients, hyperparameters):
    """The iterates of ``torch.optim`` optimizer ``name`` from ``w0`` under the given gradients."""
    import torch

    # The oracle's tensors are tiny; a thread pool would only compete with the workers.
    torch.set_num_threads(1)
    parameter = torch.nn.Parameter(torch.tensor(np.asarray(w0), dtype=torch.float64))
    optimizer = OPTIMIZERS[name].oracle([parameter], **hyperparameters)
    weights = []
    for gradient in gradients:
        parameter.grad = torch.tensor(np.asarray(gradient), dtype=torch.float64)
        optimizer.step()
        weights.append(parameter.detach().numpy().copy())
    return weights
