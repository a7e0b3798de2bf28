# What `autograder validate` grades besides the reference, the stubs and the garbage it derives from the
# reference's answers: mistakes students make, each failing every check of its function, and a correct
# implementation written otherwise.
from autograder.authoring import Mutant, Variant

MUTANTS = [
    Mutant("momentum-undamped", "forgets the 1 - beta1 weight", "(1 - beta1) * grad", "grad",
           module="momentum"),
    Mutant("adam-no-bias-correction", "skips the bias correction", "v / (1 - beta1 ** t)", "v"),
    Mutant("batch-norm-unbiased", "uses the unbiased variance", "Z.var(axis=0)", "Z.var(axis=0, ddof=1)"),
]
VARIANTS = [Variant("adam-paper-step-size", "folds the corrections into alpha", """
def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):
    v, s = beta1 * v + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad
    step = alpha * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return var - step * v / (np.sqrt(s) + epsilon * np.sqrt(1 - beta2 ** t)), v, s
""")]
