"""The API against its own OpenAPI document: schemathesis sends generated requests to the real app.

The application runs on a SQLite file with a seeded monitor, detection and alerts, and every
request carries an admin token, so requests pass authentication and reach the handlers with ids
that exist. The run is bounded (``MAX_EXAMPLES`` per operation and phase); ``scripts/fuzz_api.py``
runs the same harness for longer. Under ``CI=true`` the hypothesis profile is derandomized and the
run uses a fixed seed, so CI sends the same requests every time; elsewhere each run explores anew.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.api_fuzzing import API, fuzz, target

pytestmark = pytest.mark.integration

MAX_EXAMPLES = 5
CI_SEED = 20261130


def test_generated_requests_get_documented_answers_and_never_a_server_error(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    request.node.user_properties.append(("server", "SQLite"))
    deterministic = settings.default.derandomize
    report = fuzz(
        tmp_path / "drift.db",
        max_examples=MAX_EXAMPLES,
        stateful=True,
        seed=CI_SEED if deterministic else None,
        deterministic=deterministic,
    )
    findings = "\n".join(str(finding) for finding in report.findings)
    assert not report.errors, report.errors
    assert report.server_errors == 0, report.statuses
    assert not report.undocumented, report.undocumented
    assert not report.findings, f"{len(report.findings)} findings:\n{findings}"
    # The seeded ids were reached: generated requests got past validation and authentication.
    for operation in (f"GET {API}/monitors/{{monitor_id}}", f"GET {API}/detections/{{detection_id}}"):
        assert report.statuses[(operation, 200)] > 0, (operation, report.statuses)
    assert report.requests > 500


def test_openapi_documents_every_error_status_with_the_error_body(tmp_path: Path) -> None:
    app, _ = target(tmp_path / "drift.db")
    document = app.openapi()
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    expected = {
        ("post", "/monitors"): {401, 403, 409, 415, 422, 503},
        ("patch", "/monitors/{monitor_id}"): {401, 403, 404, 409, 415, 422, 503},
        ("put", "/monitors/{monitor_id}/reference"): {401, 403, 404, 409, 413, 415, 422, 503},
        ("post", "/monitors/{monitor_id}/observations"): {401, 403, 404, 409, 413, 415, 422, 503},
        ("post", "/monitors/{monitor_id}/outcomes"): {401, 403, 404, 409, 415, 422, 503},
        ("get", "/monitors/{monitor_id}/concept"): {401, 403, 404, 409, 422, 503},
        ("get", "/detections"): {401, 403, 422, 503},
        ("get", "/detections/{detection_id}/report"): {401, 403, 404, 422, 503},
        ("post", "/alerts/{alert_id}/snooze"): {401, 403, 404, 409, 415, 422, 503},
    }
    for (method, path), statuses in expected.items():
        responses = document["paths"][API + path][method]["responses"]
        documented = {int(status) for status in responses if int(status) >= 400}
        assert documented == statuses, (method, path, documented)
        for status in statuses:
            assert responses[str(status)]["content"] == {"application/json": {"schema": error_body}}, (path, status)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith(API):
                assert {"401", "403", "422"} <= operation["responses"].keys(), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
