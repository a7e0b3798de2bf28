"""Checks of ``dropout.py`` (being written)."""


def checks():
    return []
