"""Checks of ``initializers.py`` (being written)."""


def checks():
    return []
