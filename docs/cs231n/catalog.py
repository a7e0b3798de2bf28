# What `autograder validate` grades besides the reference, the stubs and the garbage it derives from the
# reference's answers: mistakes students make, each (name, what it does, the reference's text, the
# student's, and where not every family of its function's checks, the families it fails), made in the
# one function whose code holds the text; and correct implementations written otherwise: equivalent
# mutants (edits that must fail nothing), and a variant that replaces the function its code defines.
from autograder.authoring import Mutant, Variant

MUTANTS = [
    Mutant("sgd-ascends", "steps up the gradient", "w - config", "w + config", function="sgd"),
    Mutant("momentum-dampened", "scales the gradient by 1 - momentum", 'v - config["learning_rate"] * dw',
           'v - (1 - config["momentum"]) * config["learning_rate"] * dw'),
    Mutant("rmsprop-epsilon-inside-root", "adds epsilon under the square root",
           'np.sqrt(cache) + config["epsilon"]', 'np.sqrt(cache + config["epsilon"])'),
    Mutant("adam-no-bias-correction", "skips the bias correction",
           'm_hat = config["m"] / (1 - config["beta1"] ** config["t"])', 'm_hat = config["m"]'),
    Mutant("batchnorm-unbiased-variance", "normalizes with the unbiased variance", "var = x.var(axis=0)",
           "var = x.var(axis=0, ddof=1)"),
    Mutant("batchnorm-momentum-swapped", "weights the running average the wrong way",
           "momentum * running_mean + (1 - momentum) * mu", "(1 - momentum) * running_mean + momentum * mu",
           "running"),
    Mutant("backward-no-mean-term", "forgets the gradient through the mean",
           "dx = dx_centered - dx_centered.mean(axis=0)", "dx = dx_centered"),
    Mutant("backward-alt-dgamma-without-x-hat", "sums dout alone for dgamma",
           "dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout.sum(axis=0)",
           function="batchnorm_backward_alt"),
    Mutant("dropout-p-drops", "drops with probability p", "< p) / p", "> p) / p"),
    Mutant("dropout-backward-ignores-mask", "passes dout through", "dx = dout * mask", "dx = dout"),
]
VARIANTS = [
    Mutant("momentum-positive-velocity", "stores the velocity with the other sign",
           'v - config["learning_rate"] * dw\n    next_w = w + v',
           'v + config["learning_rate"] * dw\n    next_w = w - v', fails=()),
    Mutant("dropout-binomial-mask", "draws the mask with np.random.binomial",
           "(np.random.rand(*x.shape) < p) / p", "np.random.binomial(1, p, size=x.shape) / p", fails=()),
    Variant("adam-paper-step-size", "folds the bias correction into the step size, as Kingma and Ba do", """
def adam(w, dw, config=None):
    c = {'learning_rate': 1e-3, 'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-8, 't': 0} | (config or {})
    c['t'] += 1
    c['m'] = c['beta1'] * c.get('m', 0) + (1 - c['beta1']) * dw
    c['v'] = c['beta2'] * c.get('v', 0) + (1 - c['beta2']) * dw * dw
    root = np.sqrt(1 - c['beta2'] ** c['t'])
    step = c['learning_rate'] * root / (1 - c['beta1'] ** c['t'])
    return w - step * c['m'] / (np.sqrt(c['v']) + c['epsilon'] * root), c
"""),
]
