"""Early stopping: a state machine over the validation losses, one epoch at a time."""

import math


def early_stopping(val_loss, state, *, patience=3, min_delta=0.0):
    """One epoch of early stopping on a loss to minimize (Lightning's EarlyStopping(mode="min")).

    Call it after each epoch with that epoch's validation loss; stop training when it
    returns True, and restore the weights of ``new_state["best_epoch"]``::

        epoch <- epoch + 1                       (0 on the first call)
        if val_loss < best_loss - min_delta:     (an improvement; best_loss = inf at first)
            best_loss, best_epoch, bad_epochs <- val_loss, epoch, 0
            stop <- False
        else:
            bad_epochs <- bad_epochs + 1
            stop <- bad_epochs >= patience

    An improvement must beat the best loss by more than min_delta; a loss within
    min_delta of the best counts as no improvement, and does not become the best either.

    Args:
        val_loss: this epoch's validation loss, a finite float.
        state: ``{}`` on the first call, then the ``new_state`` of the previous call.
        patience: how many epochs without improvement to wait, an int >= 0 (default 3,
            Lightning's; patience = 0 stops at the first epoch without improvement).
        min_delta: the smallest decrease that counts as an improvement, a float >= 0
            (default 0.0).

    Returns:
        ``(stop, new_state)``: a bool, and a new dict with exactly these keys:
        ``"epoch"`` (the 0-based index of this epoch), ``"best_loss"`` (a float),
        ``"best_epoch"`` (the 0-based epoch of best_loss) and ``"bad_epochs"`` (epochs
        since the best one, an int).

    Raises:
        ValueError: ``Invalid patience value: {patience}`` if patience < 0, ``Invalid
            min_delta value: {min_delta}`` if min_delta < 0 (Lightning takes its absolute
            value), ``Invalid validation loss: {val_loss}`` if val_loss is NaN or infinite
            (Lightning stops there; we refuse).
    """
    ### BEGIN SOLUTION
    if patience < 0:
        raise ValueError(f"Invalid patience value: {patience}")
    if min_delta < 0:
        raise ValueError(f"Invalid min_delta value: {min_delta}")
    if not math.isfinite(val_loss):
        raise ValueError(f"Invalid validation loss: {val_loss}")
    epoch = state.get("epoch", -1) + 1
    best_loss = state.get("best_loss", math.inf)
    if val_loss < best_loss - min_delta:
        return False, {"epoch": epoch, "best_loss": float(val_loss), "best_epoch": epoch, "bad_epochs": 0}
    bad_epochs = state["bad_epochs"] + 1
    return bad_epochs >= patience, {"epoch": epoch, "best_loss": best_loss, "best_epoch": state["best_epoch"],
                                    "bad_epochs": bad_epochs}
    ### END SOLUTION
