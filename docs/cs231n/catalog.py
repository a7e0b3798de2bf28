# What `autograder validate` grades besides the reference and the stubs: mistakes students make, each
# (name, module, function, what it does, the reference's text, the student's, the families it fails).
from autograder.authoring import Mutant, Variant, garbage_entries

VALUES = {"equals_reference", "equals_torch"}
MUTANTS = [Mutant(*entry[:6], set(entry[6])) for entry in [
    ("sgd-ascends", "optim", "sgd", "steps up the gradient", "w - config", "w + config", VALUES),
    ("momentum-dampened", "optim", "sgd_momentum", "scales the gradient by 1 - momentum",
     '- config["learning_rate"] * dw', '- (1 - config["momentum"]) * config["learning_rate"] * dw', VALUES),
    ("rmsprop-epsilon-inside-root", "optim", "rmsprop", "adds epsilon under the square root",
     'np.sqrt(cache) + config["epsilon"]', 'np.sqrt(cache + config["epsilon"])', VALUES),
    ("adam-no-bias-correction", "optim", "adam", "skips the bias correction",
     'm_hat = config["m"] / (1 - config["beta1"] ** config["t"])', 'm_hat = config["m"]', VALUES),
    ("batchnorm-unbiased-variance", "layers", "batchnorm_forward", "normalizes with the unbiased variance",
     "var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)", {"equals_reference", "equals_torch", "running"}),
    ("batchnorm-momentum-swapped", "layers", "batchnorm_forward", "weights the running average the wrong way",
     "momentum * running_mean + (1 - momentum) * mu", "(1 - momentum) * running_mean + momentum * mu", {"running"}),
    ("backward-no-mean-term", "layers", "batchnorm_backward", "forgets the gradient through the mean",
     "dx = dx_centered - dx_centered.mean(axis=0)", "dx = dx_centered", {"equals_reference", "gradient_check"}),
    ("backward-alt-dgamma-without-x-hat", "layers", "batchnorm_backward_alt", "sums dout alone for dgamma",
     "dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout.sum(axis=0)", {"equals_reference", "gradient_check"}),
    ("dropout-p-drops", "layers", "dropout_forward", "drops with probability p", "< p) / p", "> p) / p",
     {"inverted_dropout"}),
    ("dropout-backward-ignores-mask", "layers", "dropout_backward", "passes dout through", "dx = dout * mask",
     "dx = dout", {"equals_reference"}),
]] + [entry for module, function, returned in [
    ("optim", "sgd", "w"), ("optim", "sgd_momentum", "w"), ("optim", "rmsprop", "w"), ("optim", "adam", "w"),
    ("layers", "batchnorm_forward", "x"), ("layers", "batchnorm_backward", "dout"),
    ("layers", "batchnorm_backward_alt", "dout"), ("layers", "dropout_forward", "x"), ("layers", "dropout_backward", "dout")]
    for entry in garbage_entries(module, function, zeros=f"np.zeros_like({returned})", input=returned,
                                 nan=f"np.full_like({returned}, np.nan)")]
VARIANTS = [
    Variant("momentum-positive-velocity", "optim", "sgd_momentum", "stores the velocity with the other sign",
            "def sgd_momentum(w, dw, config=None):\n    config = {'learning_rate': 1e-2, 'momentum': 0.9} | (config or {})\n"
            "    config['velocity'] = config['momentum'] * config.get('velocity', 0 * w) + config['learning_rate'] * dw\n"
            "    return w - config['velocity'], config\n"),
]
