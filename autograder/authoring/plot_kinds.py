"""The kinds of diagnostic the reports draw, and :func:`plot`, the decorator that registers one.

A diagnostic's data is stored under ``<module>.<function>.<kind>``
(:class:`autograder.authoring.diagnostics.Diagnostic`); the report draws it with the plot registered
for its kind. :mod:`autograder.exports.reports.plots` registers the built-in kinds, a course's
checks its own, the same way. This module imports no matplotlib, so that loading an
assignment that registers a plot does not pay for it.
"""

from dataclasses import dataclass, field
from typing import Callable

from autograder.core.registry import Registry, RegistrationError, definition_site


@dataclass(frozen=True)
class Kind:
    """How to title, explain and draw one kind of diagnostic."""

    title: str
    """Formatted with ``function`` and the data's keys."""
    caption: str
    """How to read the picture; formatted as the title is."""
    draw: Callable
    """``draw(figure, data) -> findings``: draws ``data`` on a ``matplotlib.figure.Figure`` and returns what
    the picture shows, in sentences with numbers."""
    size: tuple = (8.8, 3.4)
    """The figure's width and height, in inches."""
    margins: dict = field(default_factory=lambda: dict(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.28))
    """Fixed margins: matplotlib's automatic layouts take most of the drawing time."""


#: Every kind of diagnostic the reports draw, by name, as :func:`plot` registered it.
KINDS = Registry("plot")


def plot(kind, *, title, caption, size=(8.8, 3.4), margins=None):
    """Register the decorated ``draw(figure, data) -> findings`` as the plot of the diagnostics of ``kind``.

    ``title`` and ``caption`` are formatted with ``function`` (the diagnosed function's
    name) and the keys of the diagnostic's data; ``size`` is the figure's in inches and
    ``margins`` those of ``Figure.subplots_adjust``. ``draw`` receives a fresh
    ``matplotlib.figure.Figure`` and the data that the diagnostic's ``summarize`` returned,
    draws on it and returns its findings (sentences with numbers: the Markdown feedback and
    the picture's alt text). A kind registered twice raises
    :class:`~autograder.core.registry.RegistrationError` where the second ``draw`` is defined. A
    course's plots are drawn when ``autograder report`` is given its ``--config``.
    """
    def register(draw):
        if not callable(draw):
            raise RegistrationError(f"plot {kind!r}: decorates a function draw(figure, data), not {draw!r}")
        if not isinstance(kind, str) or not kind.isidentifier():
            raise RegistrationError(f"{definition_site(draw)}: plot {draw.__qualname__}: its kind must be a name "
                                    f"(letters, digits, _), not {kind!r}")
        extra = {} if margins is None else {"margins": dict(margins)}
        KINDS.add(kind, Kind(title, caption, draw, tuple(size), **extra), draw)
        return draw
    return register
