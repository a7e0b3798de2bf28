"""Mutants and correct variants of ``minibatches.py`` (families: partition, batch_sizes, uniform,
determinism, invalid_arguments)."""

from autograder.authoring import Mutant, Variant, garbage_entries

MODULE = "minibatches"
FUNCTION = "epoch_batches"
BODY = ("    order = rng.permutation(n).astype(np.int64)\n"
        "    stop = n - n % batch_size if drop_last else n\n"
        "    return [order[start:start + batch_size] for start in range(0, stop, batch_size)]\n")

MUTANTS = [
    Mutant("batches-not-shuffled", "forgets to shuffle: the batches are 0..n-1 in order",
           "order = rng.permutation(n).astype(np.int64)", "order = np.arange(n, dtype=np.int64)",
           {"uniform", "determinism"}, module=MODULE, function=FUNCTION),
    Mutant("batches-with-replacement", "draws indices with replacement (rng.integers)",
           "order = rng.permutation(n).astype(np.int64)", "order = rng.integers(0, max(n, 1), n).astype(np.int64)",
           {"partition", "uniform"}, module=MODULE, function=FUNCTION),
    Mutant("batches-global-generator", "shuffles with np.random instead of rng",
           "order = rng.permutation(n).astype(np.int64)", "order = np.random.permutation(n).astype(np.int64)",
           {"determinism"}, module=MODULE, function=FUNCTION),
    Mutant("batches-drop-last-ignored", "always keeps the last partial batch",
           "    stop = n - n % batch_size if drop_last else n\n", "    stop = n\n", {"batch_sizes"}, module=MODULE, function=FUNCTION),
    Mutant("batches-shuffle-batch-order-only",
           "cuts 0..n-1 into batches in order and shuffles only the order of the batches",
           BODY,
           "    order = np.arange(n, dtype=np.int64)\n"
           "    stop = n - n % batch_size if drop_last else n\n"
           "    batches = [order[start:start + batch_size] for start in range(0, stop, batch_size)]\n"
           "    return [batches[i] for i in rng.permutation(len(batches))]\n",
           {"batch_sizes", "uniform"}, module=MODULE, function=FUNCTION),
    Mutant("batches-rotation", "starts the epoch at a random offset but keeps the cyclic order",
           "order = rng.permutation(n).astype(np.int64)",
           "order = np.roll(np.arange(n, dtype=np.int64), int(rng.integers(max(n, 1))))", {"uniform"}, module=MODULE, function=FUNCTION),
    Mutant("batches-rejects-empty-dataset", "rejects n = 0",
           '    if n < 0:\n        raise ValueError(f"Invalid n: {n}")',
           '    if n < 1:\n        raise ValueError(f"Invalid n: {n}")', {"partition", "batch_sizes", "invalid_arguments"}, module=MODULE, function=FUNCTION),
]

#: Epochs that give up, with the right types: lists of int64 index arrays (no NaN or other constant: they are
#: indices). Zeros come in batches of the right sizes; the input, 0 .. n-1 in one batch, is a partition.
GARBAGE = garbage_entries(
    MODULE, FUNCTION,
    zeros="[np.zeros(min(batch_size, n - start), dtype=np.int64) "
          "for start in range(0, n - n % batch_size if drop_last else n, batch_size)]",
    input="[np.arange(n, dtype=np.int64)]", keeps={"input": {"partition"}})

VARIANTS = [
    Variant("batches-shuffle-in-place", "rng.shuffle of np.arange, batches by a while loop",
            "def epoch_batches(n, batch_size, rng, drop_last=False):\n"
            "    if n < 0 or batch_size < 1:\n"
            "        raise ValueError(f'Invalid n or batch_size: {n}, {batch_size}')\n"
            "    indices = np.arange(n)\n"
            "    rng.shuffle(indices)\n"
            "    batches, start = [], 0\n"
            "    while start < n:\n"
            "        batch = indices[start:start + batch_size]\n"
            "        if len(batch) == batch_size or not drop_last:\n"
            "            batches.append(batch)\n"
            "        start += batch_size\n"
            "    return batches\n", module=MODULE, function=FUNCTION),
    Variant("batches-argsort-of-uniforms",
            "the order of n uniform draws (another permutation for the same seed), np.split at the batch edges",
            "def epoch_batches(n, batch_size, rng, drop_last=False):\n"
            "    if n < 0:\n"
            "        raise ValueError(f'Invalid n: {n}')\n"
            "    if batch_size < 1:\n"
            "        raise ValueError(f'batch_size should be a positive integer value, but got batch_size={batch_size}')\n"
            "    order = np.argsort(rng.random(n))\n"
            "    if drop_last:\n"
            "        order = order[:n - n % batch_size]\n"
            "    return [part for part in np.split(order, range(batch_size, len(order), batch_size)) if len(part)]\n", module=MODULE, function=FUNCTION),
]
