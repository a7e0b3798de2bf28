"""The catalog of "Activations and normalization" (filled in below)."""
MUTANTS = []
VARIANTS = []
