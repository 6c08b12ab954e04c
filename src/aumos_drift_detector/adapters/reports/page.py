"""The template environment of the reports: packaged Jinja2 templates, escaped by default, and number formats."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


def number(value: object) -> str:
    """A figure for people: 4 significant digits, small values in scientific notation, ``–`` for none.

    >>> number(0.000012), number(0.26512), number(None), number(2079)
    ('1.2e-05', '0.2651', '–', '2079')
    """
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != 0 and abs(value) < 1e-3:
            return f"{value:.2g}"
        return f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.4g}"
    return str(value)


def share(value: float | None) -> str:
    """A share as a percentage with one decimal.

    >>> share(0.125)
    '12.5%'
    """
    return "–" if value is None else f"{value:.1%}"


@cache
def environment() -> Environment:
    """The reports' template environment (built once)."""
    env = Environment(
        loader=PackageLoader("aumos_drift_detector.adapters.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["share"] = share
    return env
