# The checks of a course of plain functions in numbered files, on the public authoring API only.
import numpy as np
import torch
import torch.nn.functional as F

from autograder.authoring import (Assignment, Problem, arrays, equals_reference, equals_torch, floats,
                                  repeat, shared_shape, torch_optimizer)

W, Z = shared_shape("w", max_dims=2), shared_shape("z", min_dims=2, max_dims=2, min_side=2)
STEPS = {"var": arrays(W), "grad": arrays(W), "alpha": floats(1e-4, 0.5), "beta1": floats(0, 0.99)}
ROW = Z.map(lambda shape: (1, shape[1]))

ASSIGNMENT = Assignment(problems=[
    Problem("momentum", "update_variables_momentum", STEPS | {"v": arrays(W)}, [equals_reference(points=4)],
            calls=repeat(threads={"var": 0, "v": 1}, per_step="grad")),
    Problem("adam", "update_variables_Adam", STEPS | {"beta2": floats(0.5, 0.9999),
                                                      "epsilon": floats(1e-8, 1e-4),
                                                      "v": W.map(np.zeros), "s": W.map(np.zeros)},
            [equals_reference(points=4), equals_torch(torch_optimizer(
                torch.optim.Adam, params="var", grads="grad", lr="alpha", betas=("beta1", "beta2"),
                eps="epsilon"), points=2)],
            calls=repeat(threads={"var": 0, "v": 1, "s": 2}, per_step="grad", counters={"t": 1})),
    Problem("batch_norm", "batch_norm", {"Z": arrays(Z, magnitude=10.0), "gamma": arrays(ROW),
                                         "beta": arrays(ROW), "epsilon": floats(1e-8, 0.1)},
            [equals_reference(points=3), equals_torch(lambda Z, gamma, beta, epsilon: F.batch_norm(
                Z, None, None, gamma[0], beta[0], True, eps=epsilon), points=2)]),
])
