"""The Jinja2 environment of the report templates, which ship as package data in ``templates/``."""

import functools
import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

import autograder


def points(value):
    """Points as people write them: ``12``, ``1.67``, never ``1.6666667``."""
    return f"{round(float(value), 2):g}"


def percent(score, max_score):
    return 100.0 * score / max_score if max_score else 0.0


def fence(text):
    """A Markdown code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text or "")), default=0)
    return "`" * max(3, longest + 1)


@functools.cache
def environment():
    """HTML templates (``*.html.j2``) autoescape; Markdown and shell templates do not."""
    templates = Environment(loader=PackageLoader("autograder.reports", "templates"),
                            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                            keep_trailing_newline=True)
    templates.filters.update(points=points, fence=fence)
    templates.globals.update(percent=percent, generator_version=autograder.__version__)
    return templates


def render(template_name, **context):
    return environment().get_template(template_name).render(**context)
