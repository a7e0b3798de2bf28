"""The checks of the flagship assignment, declared on :mod:`autograder.authoring`.

Four parts, graded and reported in this order: ``optimizers`` (six functional update
rules against the reference and torch.optim), ``initializers`` (fans, gains and the
laws of torch.nn.init), ``batchnorm`` (forward and backward against
F.batch_norm and autograd) and ``dropout`` (inverted dropout, statistically). Each
module declares its families (points, visibility, hints), its checks and its
diagnostics; the strategies they draw from are in :mod:`.strategies`. A family's points
are each function's: ``points=12 / 6`` gives each of the six optimizers 2, 12 in all.
"""

from autograder.authoring import Assignment, Part

from . import batchnorm, dropout, initializers, optimizers

ASSIGNMENT = Assignment(
    title="Optimization for deep learning: optimizers, initializers, batch norm and dropout",
    parts=[Part(module.MODULE, module.FAMILIES, module.checks(), module.diagnostics())
           for module in (optimizers, initializers, batchnorm, dropout)])
