"""PyTorch computations that checks compare with (:func:`autograder.authoring.properties.equals_torch`).

PyTorch is imported when one is called, in the grader, never when checks are loaded.
"""

import numpy as np


def torch_optimizer_steps(optimizer, w, gradients, **hyperparameters):
    """The iterates of ``optimizer`` (a ``torch.optim.Optimizer`` class) from ``w`` under ``gradients``.

    One step per gradient, in float64: :math:`w_{t+1} = \\mathrm{step}(w_t, g_t)` with the
    optimizer's own state (its moments and step count), created with ``hyperparameters``
    (``lr=``, ``betas=``...). Returns the list of iterates :math:`w_1, \\dots, w_T`, the
    shape ``equals_torch`` expects of a loop (:func:`autograder.authoring.calls.repeat`).

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


def torch_optimizer(optimizer, *, params, grads, config=None, defaults=None, **hyperparameters):
    """The function :func:`autograder.authoring.properties.equals_torch` compares a :func:`autograder.authoring.calls.repeat` loop of
    an update rule with: the iterates of ``optimizer`` (a ``torch.optim.Optimizer`` class) named in the
    course's own words.

    ``params`` and ``grads`` name the inputs that hold the starting iterate w_0 and the list of gradients
    g_1 .. g_T (the loop's ``per_step`` input); the result is w_1 .. w_T of :func:`torch_optimizer_steps`.
    Each other keyword is an argument of ``optimizer``, given as the name of the value it takes, or a tuple
    of names for a tuple argument (``betas=("beta1", "beta2")``). A name is looked up in the example's
    inputs, or with ``config``, in that input's dict (None counts as empty), and where it is missing, in
    ``defaults``::

        torch_optimizer(torch.optim.Adam, params="var", grads="grad", lr="alpha", betas=("beta1", "beta2"),
                        eps="epsilon")
        torch_optimizer(torch.optim.RMSprop, params="w", grads="dw", config="config",
                        defaults={"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
                        lr="learning_rate", alpha="decay_rate", eps="epsilon")
    """
    def iterates(**inputs):
        values = {**(defaults or {}), **((inputs[config] or {}) if config is not None else inputs)}

        def value(names):
            missing = sorted(set(names if isinstance(names, tuple) else (names,)) - set(values))
            if missing:
                raise ValueError(f"torch_optimizer({optimizer.__name__}): no value for {missing}: give it a default")
            return tuple(values[name] for name in names) if isinstance(names, tuple) else values[names]
        arguments = {keyword: value(names) for keyword, names in hyperparameters.items()}
        return torch_optimizer_steps(optimizer, inputs[params], inputs[grads], **arguments)
    iterates.__name__ = f"torch.optim.{optimizer.__name__}"
    return iterates
