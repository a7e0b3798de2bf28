# What `autograder validate` grades besides the reference and the stubs: mistakes students make, each
# (name, module, function, what it does, the reference's text, the student's, the families it fails).
from autograder.authoring import Mutant, Variant, garbage_entries

VALUES = {"equals_reference", "equals_torch"}
MUTANTS = [Mutant(*entry[:6], set(entry[6])) for entry in [
    ("sgd-ascends", "optim", "sgd", "steps up the gradient", "w - config", "w + config", VALUES),
    ("momentum-dampened", "optim", "sgd_momentum", "scales the gradient by 1 - momentum",
     '- config["learning_rate"] * dw', '- (1 - config["momentum"]) * config["learning_rate"] * dw',
     VALUES),
    ("rmsprop-epsilon-inside-root", "optim", "rmsprop", "adds epsilon under the square root",
     'np.sqrt(cache) + config["epsilon"]', 'np.sqrt(cache + config["epsilon"])', VALUES),
    ("adam-no-bias-correction", "optim", "adam", "skips the bias correction",
     'm_hat = config["m"] / (1 - config["beta1"] ** config["t"])', 'm_hat = config["m"]', VALUES),
    ("batchnorm-unbiased-variance", "layers", "batchnorm_forward", "normalizes with the unbiased variance",
     "var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)", {"equals_reference", "equals_torch", "running"}),
    ("batchnorm-momentum-swapped", "layers", "batchnorm_forward", "weights the running average the wrong way",
     "momentum * running_mean + (1 - momentum) * mu", "(1 - momentum) * running_mean + momentum * mu",
     {"running"}),
    ("backward-no-mean-term", "layers", "batchnorm_backward", "forgets the gradient through the mean",
     "dx = dx_centered - dx_centered.mean(axis=0)", "dx = dx_centered",
     {"equals_reference", "gradient_check"}),
    ("backward-alt-dgamma-without-x-hat", "layers", "batchnorm_backward_alt", "sums dout alone for dgamma",
     "dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout.sum(axis=0)",
     {"equals_reference", "gradient_check"}),
    ("dropout-p-drops", "layers", "dropout_forward", "drops with probability p", "< p) / p", "> p) / p",
     {"inverted_dropout"}),
    ("dropout-backward-ignores-mask", "layers", "dropout_backward", "passes dout through", "dx = dout * mask",
     "dx = dout", {"equals_reference"}),
    ]] + [entry for module, function, array, result in [
    *(("optim", function, "w", "({}, config)") for function in ("sgd", "sgd_momentum", "rmsprop", "adam")),
    ("layers", "batchnorm_forward", "x", "({}, None)"),
    ("layers", "dropout_forward", "x", "({}, (dropout_param, None))"),
    ("layers", "batchnorm_backward", "dout", "({0}, {0}[0], {0}[0])"),
    ("layers", "dropout_backward", "dout", "{}"),
    ("layers", "batchnorm_backward_alt", "dout", "({0}, {0}[0], {0}[0])")]
    for entry in garbage_entries(module, function, zeros=result.format(f"np.zeros_like({array})"),
                                 input=result.format(array),
                                 nan=result.format(f"np.full_like({array}, np.nan)"))]
VARIANTS = [Variant(*entry) for entry in [
    ("momentum-positive-velocity", "optim", "sgd_momentum", "stores the velocity with the other sign",
     "def sgd_momentum(w, dw, config=None):\n"
     "    config = {'learning_rate': 1e-2, 'momentum': 0.9} | (config or {})\n"
     "    config['velocity'] = (config['momentum'] * config.get('velocity', 0 * w)\n"
     "                          + config['learning_rate'] * dw)\n"
     "    return w - config['velocity'], config\n"),
    ("adam-paper-step-size", "optim", "adam",
     "folds the bias correction into the step size, as Kingma and Ba do",
     "def adam(w, dw, config=None):\n"
     "    c = {'learning_rate': 1e-3, 'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-8, 't': 0}\n"
     "    c |= config or {}\n"
     "    c['t'] += 1\n    c['m'] = c['beta1'] * c.get('m', 0) + (1 - c['beta1']) * dw\n"
     "    c['v'] = c['beta2'] * c.get('v', 0) + (1 - c['beta2']) * dw * dw\n"
     "    root = np.sqrt(1 - c['beta2'] ** c['t'])\n"
     "    step = c['learning_rate'] * root / (1 - c['beta1'] ** c['t'])\n"
     "    return w - step * c['m'] / (np.sqrt(c['v']) + c['epsilon'] * root), c\n"),
    ("dropout-binomial-mask", "layers", "dropout_forward", "draws the mask with np.random.binomial",
     "def dropout_forward(x, dropout_param):\n"
     "    p, train = dropout_param['p'], dropout_param['mode'] == 'train'\n"
     "    if 'seed' in dropout_param:\n        np.random.seed(dropout_param['seed'])\n"
     "    mask = np.random.binomial(1, p, size=x.shape) / p if train else None\n"
     "    return (x * mask if train else x), (dropout_param, mask)\n"),
]]
