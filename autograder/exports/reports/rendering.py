"""The Jinja2 environment of the report templates, which ship as package data in ``templates/``."""

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

import autograder
from autograder.core.values import points
from autograder.exports.reports.escaping import fence, markdown_text
from autograder.exports.reports.names import output_name


def percent(score, max_score):
    return 100.0 * score / max_score if max_score else 0.0


@functools.cache
def environment():
    """HTML templates (``*.html.j2``) autoescape; Markdown templates pass student text through ``md``."""
    templates = Environment(loader=PackageLoader("autograder.exports.reports", "templates"),
                            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                            keep_trailing_newline=True)
    templates.filters.update(points=points, fence=fence, md=markdown_text, output_name=output_name)
    templates.globals.update(percent=percent, generator_version=autograder.__version__)
    return templates


def render(template_name, **context):
    return environment().get_template(template_name).render(**context)
