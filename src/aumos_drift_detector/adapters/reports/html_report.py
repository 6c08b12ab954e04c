"""A self-contained HTML page of one drift check: the verdict and every feature's test result.

The page needs nothing but the stored detection (no raw data, no scripts, no external assets), so
it can be rendered for any past detection and attached to a ticket or an e-mail as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f4f4f6}.drift{color:#b00020;font-weight:600}.ok{color:#1b7f3b}
.verdict{font-size:1.1rem;padding:.6rem 1rem;border-radius:.4rem;display:inline-block}
.verdict.drift{background:#fde7ea}.verdict.ok{background:#e6f4ea}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
"""


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.4f}".rstrip("0").rstrip(".")
    return escape(str(value))


_UNITS = {"reference_sd": "σ", "total_variation": "TV"}


def _effect(feature: Mapping[str, Any]) -> str:
    """The effect size with its unit: reference standard deviations or total variation."""
    size = feature.get("effect_size")
    if size is None:
        return "–"
    unit = _UNITS.get(str(feature.get("effect_unit")), "")
    return f"{_number(size)} {unit}".rstrip()


def _row(feature: Mapping[str, Any]) -> str:
    drifted = bool(feature.get("drift_detected"))
    cells = [
        escape(str(feature.get("name", ""))),
        escape(str(feature.get("kind", ""))),
        escape(str(feature.get("test", ""))),
        _number(feature.get("statistic")),
        _number(feature.get("p_value")),
        _number(feature.get("threshold")),
        _effect(feature),
        '<span class="drift">drift</span>' if drifted else '<span class="ok">no drift</span>',
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _multivariate_row(result: Mapping[str, Any]) -> str:
    cells = [
        escape(str(result.get("method", ""))),
        escape(", ".join(str(name) for name in result.get("columns", []))),
        _number(result.get("statistic")),
        _number(result.get("p_value")),
        _number(result.get("threshold")),
        _number(result.get("score")),
        '<span class="drift">drift</span>' if result.get("drift_detected") else '<span class="ok">no drift</span>',
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _attribution(result: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_number(item.get('rank'))}</td><td>{escape(str(item.get('feature', '')))}</td>"
        f"<td>{_number(item.get('importance'))}</td></tr>"
        for item in result.get("attribution", [])
    )
    return (
        f"<h3>Attribution: {escape(str(result.get('method', '')))}</h3>"
        "<p>Drop in held-out ROC AUC when the feature is shuffled: the features the classifier used to tell "
        "the current data from the reference, most important first.</p>"
        f"<table><thead><tr><th>rank</th><th>feature</th><th>AUC drop</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _multivariate(results: Sequence[Mapping[str, Any]]) -> str:
    """The section of the multivariate tests and their attribution tables (empty when none ran)."""
    if not results:
        return ""
    header = "".join(
        f"<th>{name}</th>" for name in ("test", "columns", "statistic", "p-value", "threshold", "score", "")
    )
    rows = "".join(_multivariate_row(result) for result in results)
    attributions = "".join(_attribution(result) for result in results if result.get("attribution"))
    return (
        f"<h2>Multivariate tests</h2><table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>{attributions}"
    )


def render_report(
    title: str,
    facts: Mapping[str, Any],
    *,
    is_drift: bool,
    features: Sequence[Mapping[str, Any]],
    multivariate: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Render the report page.

    Args:
        title: Page heading, e.g. the monitor's name.
        facts: Label/value pairs shown under the verdict (status, times, row counts).
        is_drift: The dataset verdict.
        features: Per-feature results (``name``, ``kind``, ``test``, ``statistic``, ``p_value``,
            ``threshold``, ``drift_detected``, optionally ``effect_size`` and ``effect_unit``), strongest drift first.
        multivariate: Multivariate test results (``MultivariateResult.to_dict()``), shown with their
            attribution tables after the features.

    Returns:
        A complete HTML document.

    >>> features = [{"name": "a<b", "drift_detected": True}]
    >>> page = render_report("churn", {"status": "succeeded"}, is_drift=True, features=features)
    >>> "a&lt;b" in page and "Drift detected" in page
    True
    """
    verdict = "Drift detected" if is_drift else "No drift"
    drifted = sum(bool(item.get("drift_detected")) for item in features)
    facts_html = "".join(f"<dt>{escape(str(k))}</dt><dd>{_number(v)}</dd>" for k, v in facts.items())
    header = "".join(
        f"<th>{name}</th>" for name in ("feature", "kind", "test", "statistic", "p-value", "threshold", "effect", "")
    )
    rows = "".join(_row(item) for item in features)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} – drift report</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p class='verdict {'drift' if is_drift else 'ok'}'>"
        f"{verdict}: {drifted} of {len(features)} features drifted</p>"
        f"<dl>{facts_html}</dl>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
        f"{_multivariate(multivariate)}"
        "</body></html>"
    )
