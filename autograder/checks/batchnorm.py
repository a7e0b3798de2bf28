"""Checks of ``batchnorm.py`` (being written)."""


def checks():
    return []
