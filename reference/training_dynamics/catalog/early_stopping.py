"""Mutants and correct variants of ``early_stopping.py`` (families: stop_epoch, best_epoch, purity,
invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "early_stopping"
FUNCTION = "early_stopping"
BOTH = {"stop_epoch", "best_epoch"}
NO_IMPROVEMENT = ('    bad_epochs = state["bad_epochs"] + 1\n'
                  '    return bad_epochs >= patience, {"epoch": epoch, "best_loss": best_loss, '
                  '"best_epoch": state["best_epoch"],\n'
                  '                                    "bad_epochs": bad_epochs}\n')

MUTANTS = [
    Mutant("stops-one-epoch-late", "stops when bad_epochs exceeds patience instead of reaching it",
           "return bad_epochs >= patience, {", "return bad_epochs > patience, {", {"stop_epoch"}, module=MODULE, function=FUNCTION),
    Mutant("tie-is-an-improvement", "counts a loss equal to best_loss - min_delta as an improvement",
           "    if val_loss < best_loss - min_delta:\n        return", "    if val_loss <= best_loss - min_delta:\n        return",
           BOTH, module=MODULE, function=FUNCTION),
    Mutant("min-delta-ignored", "counts any decrease as an improvement",
           "    if val_loss < best_loss - min_delta:\n        return", "    if val_loss < best_loss:\n        return", BOTH, module=MODULE, function=FUNCTION),
    Mutant("bad-epochs-not-reset", "keeps counting epochs without improvement after an improvement",
           '"best_epoch": epoch, "bad_epochs": 0}', '"best_epoch": epoch, "bad_epochs": state.get("bad_epochs", 0)}',
           {"best_epoch"}, module=MODULE, function=FUNCTION),
    Mutant("state-updated-in-place", "updates the state dict it was given and returns it",
           NO_IMPROVEMENT,
           '    state["bad_epochs"] += 1\n    state["epoch"] = epoch\n    return state["bad_epochs"] >= patience, state\n',
           {"purity"}, module=MODULE, function=FUNCTION),
    Mutant("epochs-count-from-one", "numbers the first epoch 1",
           'epoch = state.get("epoch", -1) + 1', 'epoch = state.get("epoch", 0) + 1', {"best_epoch"}, module=MODULE, function=FUNCTION),
    Mutant("accepts-nan-loss", "does not check that the loss is finite",
           "    if not math.isfinite(val_loss):\n", "    if False:\n", {"invalid_arguments"}, module=MODULE, function=FUNCTION),
]

#: Early stopping that gives up, with the right types: a bool and a state of the documented keys. The constant
#: stops at once; the input hands the state back unchanged.
GARBAGE = garbage_entries(
    MODULE, FUNCTION,
    zeros='False, {"epoch": 0, "best_loss": 0.0, "best_epoch": 0, "bad_epochs": 0}', input="False, dict(state)",
    nan='False, {"epoch": 0, "best_loss": math.nan, "best_epoch": 0, "bad_epochs": 0}',
    constant='True, {"epoch": 0, "best_loss": float(val_loss), "best_epoch": 0, "bad_epochs": 0}')

VARIANTS = [
    Variant("early-stopping-numpy-counters",
            "copies the state and keeps numpy counters: returns numpy bools and ints",
            "import numpy as np\n\n\n"
            "def early_stopping(val_loss, state, *, patience=3, min_delta=0.0):\n"
            "    if patience < 0 or min_delta < 0 or not np.isfinite(val_loss):\n"
            "        raise ValueError(f'Invalid patience, min_delta or loss: {patience}, {min_delta}, {val_loss}')\n"
            "    new = dict(state) if state else {'epoch': np.int64(-1), 'best_loss': np.inf, 'best_epoch': -1,\n"
            "                                     'bad_epochs': np.int64(0)}\n"
            "    new['epoch'] = new['epoch'] + 1\n"
            "    if new['best_loss'] - val_loss > min_delta:\n"
            "        new['best_loss'], new['best_epoch'], new['bad_epochs'] = val_loss, new['epoch'], np.int64(0)\n"
            "        return np.bool_(False), new\n"
            "    new['bad_epochs'] = new['bad_epochs'] + 1\n"
            "    return new['bad_epochs'] >= patience, new\n", module=MODULE, function=FUNCTION),
]
