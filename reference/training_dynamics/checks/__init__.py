"""The checks of the training-dynamics assignment, declared on :mod:`autograder.authoring` only.

Seven parts, graded and reported in this order: ``schedules`` (StepLR and warmup-cosine
against torch.optim.lr_scheduler step by step), ``clipping`` (clip_grad_norm_ and
clip_grad_value_, a run on a cliff), ``second_order`` (Newton's step and the L-BFGS
direction against torch.optim.LBFGS), ``minibatches`` (partitions, sizes, uniform
orders, determinism), ``averaging`` (AveragedModel's Polyak and EMA averages),
``early_stopping`` (the state machine along random loss curves) and ``regularization``
(L2 and L1 penalties and their gradients, in the short form: problems with property kinds). Each module declares
its families (points, visibility, hints) and its checks. A family's points are each
function's: ``points=14 / 2`` gives each of a part's two functions 7, 14 in all.
"""

from autograder.authoring import Assignment, Part

from . import averaging, clipping, early_stopping, minibatches, regularization, schedules, second_order

ASSIGNMENT = Assignment(
    title="Training dynamics: schedules, clipping, second-order steps, mini-batches, averaging, penalties and "
          "early stopping",
    parts=[Part(module.MODULE, module.FAMILIES, module.checks())
           for module in (schedules, clipping, second_order, minibatches, averaging, early_stopping)],
    problems=list(regularization.PROBLEMS))
