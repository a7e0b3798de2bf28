"""Mutants and correct variants of ``averaging.py`` (families: torch_parity, noisy_sgd, purity,
invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "averaging"
POLYAK_UPDATE = "    new_average = w.copy() if n == 0 else average + (w - average) / (n + 1)\n"
EMA_UPDATE = "    new_average = w.copy() if n == 0 else decay * average + (1 - decay) * w\n"

MUTANTS = [
    Mutant("polyak-divides-by-n",
           "moves by (w - average) / n, which drops the first iterate from the mean",
           POLYAK_UPDATE, POLYAK_UPDATE.replace("/ (n + 1)", "/ n"), {"torch_parity"}, module=MODULE, function="polyak_average"),
    Mutant("polyak-counts-the-initial-weights",
           "averages the initial weights in as a first iterate instead of discarding them",
           POLYAK_UPDATE, "    new_average = average + (w - average) / (n + 2)\n", {"torch_parity"}, module=MODULE, function="polyak_average"),
    Mutant("polyak-state-in-place", "increments n_averaged in the caller's state dict",
           POLYAK_UPDATE + '    return np.asarray(new_average), {"n_averaged": n + 1}',
           POLYAK_UPDATE + '    state["n_averaged"] = n + 1\n    return np.asarray(new_average), state', {"purity"}, module=MODULE, function="polyak_average"),
    Mutant("polyak-average-in-place", "updates the caller's average array with +=",
           POLYAK_UPDATE,
           "    if n == 0:\n        new_average = w.copy()\n    else:\n"
           "        average += (w - average) / (n + 1)\n        new_average = average\n", {"purity"}, module=MODULE, function="polyak_average"),
    Mutant("ema-decay-swapped", "weights the new iterate by decay and the average by 1 - decay",
           EMA_UPDATE, EMA_UPDATE.replace("decay * average + (1 - decay) * w", "(1 - decay) * average + decay * w"),
           {"torch_parity", "noisy_sgd"}, module=MODULE, function="ema_average"),
    Mutant("ema-no-first-copy",
           "blends the first iterate into the initial weights instead of copying it",
           EMA_UPDATE, "    new_average = decay * average + (1 - decay) * w\n", {"torch_parity"}, module=MODULE, function="ema_average"),
    Mutant("ema-accepts-decay-above-one", "checks decay >= 0 only",
           "if not 0 <= decay <= 1:", "if not 0 <= decay:", {"invalid_arguments"}, module=MODULE, function="ema_average"),
]

#: Averages that give up, with the right types: an array of w's shape and the state's count. Returning the input
#: is the last iterate, not the average.
COUNT = '{"n_averaged": state.get("n_averaged", 0) + 1}'
GARBAGE = [entry for function in ("polyak_average", "ema_average")
           for entry in garbage_entries(MODULE, function, zeros=f"np.zeros(np.shape(w)), {COUNT}",
                                        input=f"np.array(w, dtype=np.float64), {COUNT}",
                                        nan=f"np.full(np.shape(w), np.nan), {COUNT}",
                                        constant=f"np.ones(np.shape(w)), {COUNT}")]

VARIANTS = [
    Variant("polyak-weighted-sum", "(n * average + w) / (n + 1), the state copied and updated",
            "def polyak_average(average, w, state):\n"
            "    if np.shape(average) != np.shape(w):\n"
            "        raise ValueError('shapes differ')\n"
            "    n = state.get('n_averaged', 0)\n"
            "    new_state = dict(state)\n"
            "    new_state['n_averaged'] = n + 1\n"
            "    if n == 0:\n"
            "        return np.array(w, dtype=np.float64), new_state\n"
            "    return (n * np.asarray(average) + w) / (n + 1), new_state\n", module=MODULE, function="polyak_average"),
    Variant("ema-lerp", "torch's lerp: average + (1 - decay) * (w - average)",
            "def ema_average(average, w, state, *, decay=0.999):\n"
            "    if decay < 0 or decay > 1:\n"
            "        raise ValueError(f'Invalid decay value: {decay}')\n"
            "    if np.shape(average) != np.shape(w):\n"
            "        raise ValueError('shapes differ')\n"
            "    if not state:\n"
            "        return np.array(w, dtype=np.float64), {'n_averaged': 1}\n"
            "    return average + (1 - decay) * (np.asarray(w) - average), {'n_averaged': state['n_averaged'] + 1}\n", module=MODULE, function="ema_average"),
]
