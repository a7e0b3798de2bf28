# What `autograder validate` grades besides the reference and the stubs: mistakes students make, and
# a correct implementation written otherwise.
from autograder.authoring import Mutant, Variant, garbage_entries

VALUES = {"equals_reference", "equals_torch"}
MUTANTS = [
    Mutant("momentum-undamped", "momentum", "update_variables_momentum", "forgets the 1 - beta1 weight",
           "(1 - beta1) * grad", "grad", {"equals_reference"}),
    Mutant("adam-no-bias-correction", "adam", "update_variables_Adam", "skips the bias correction",
           "v / (1 - beta1 ** t)", "v", VALUES),
    Mutant("batch-norm-unbiased", "batch_norm", "batch_norm", "uses the unbiased variance", "Z.var(axis=0)",
           "Z.var(axis=0, ddof=1)", VALUES),
    *garbage_entries("momentum", "update_variables_momentum", zeros="np.zeros_like(var), v", input="var, v"),
    *garbage_entries("adam", "update_variables_Adam", zeros="np.zeros_like(var), v, s", input="var, v, s"),
    *garbage_entries("batch_norm", "batch_norm", zeros="np.zeros_like(Z)", input="Z"),
]
VARIANTS = [Variant("adam-paper-step-size", "adam", "update_variables_Adam",
                    "folds the corrections into alpha",
                    "def update_variables_Adam(alpha, beta1, beta2, epsilon, var, grad, v, s, t):\n"
                    "    v, s = beta1 * v + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad\n"
                    "    step = alpha * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n"
                    "    return var - step * v / (np.sqrt(s) + epsilon * np.sqrt(1 - beta2 ** t)), v, s\n")]
