"""The HTTP API under schemathesis: the real application on SQLite, seeded, called with an admin token.

Used by ``tests/adapters/api/test_schemathesis.py`` (a bounded run in the suite) and
``scripts/fuzz_api.py`` (a long run). :func:`fuzz` seeds a monitor with reference data, observations,
a concept detector, a detection and alerts, so generated requests reach the handlers with ids that
exist: path ids that schemathesis generates are swapped for stored ones part of the time.
Everything runs in process through schemathesis's ASGI transport.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import events, from_schema
from schemathesis.python import asgi

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.bootstrap import bootstrap, build_app
from aumos_drift_detector.settings import Settings, load_settings
from tests.api_client import MINIMAL_MONITOR, churn_rows, csv_bytes

API = "/api/v1"
#: The checks a run applies; each finding fails the test suite's run.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
#: Checks that do not apply to an operation, and why. The positive-data check expects every request
#: the OpenAPI schema allows to succeed; these operations also apply rules that depend on stored state
#: or span fields in ways JSON Schema cannot state, so a schema-valid request may rightly answer 422.
NOT_APPLICABLE: dict[tuple[str, str], dict[str, str]] = {
    ("POST", f"{API}/monitors"): {
        "positive_data_acceptance": "a test must fit its feature's kind; detector parameters are per detector",
    },
    ("PATCH", f"{API}/monitors/{{monitor_id}}"): {"positive_data_acceptance": "the rules of POST /monitors"},
    ("PUT", f"{API}/monitors/{{monitor_id}}/reference"): {
        "positive_data_acceptance": "the table must hold the monitor's features, with enough usable values",
    },
    ("POST", f"{API}/monitors/{{monitor_id}}/observations"): {
        "positive_data_acceptance": "the table must hold the monitor's features",
    },
    ("POST", f"{API}/monitors/{{monitor_id}}/outcomes"): {
        "positive_data_acceptance": "error-rate detectors take 0 or 1 only",
    },
    ("POST", f"{API}/alerts/{{alert_id}}/snooze"): {"positive_data_acceptance": "until must lie in the future"},
    ("GET", f"{API}/monitors/{{monitor_id}}/reference"): {
        "ensure_resource_availability": "a new monitor has no reference data until one is uploaded (404 says so)",
    },
}


@dataclass(frozen=True)
class StoredIds:
    """Ids of the seeded rows, by the path parameter that names them."""

    by_parameter: dict[str, list[str]]
    deletable_monitors: list[str]


@dataclass(frozen=True)
class Finding:
    """One failed check: where, which check, what it said, and how to reproduce it."""

    operation: str
    check: str
    title: str
    message: str
    status: int | None
    answer: str
    reproduce: str

    def __str__(self) -> str:
        return (
            f"{self.operation} [{self.check}] {self.title} ({self.status}): {self.message}\n"
            f"    answer: {self.answer}\n    {self.reproduce}"
        )


@dataclass
class FuzzReport:
    """What a run sent and found."""

    requests: int = 0
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    undocumented: Counter[tuple[str, int]] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status."""
        return sum(count for (_, status), count in self.statuses.items() if status >= 500)


def _seed(client: asgi.ASGIClient, headers: dict[str, str]) -> StoredIds:
    """A monitor with reference data, drifting observations, a concept detector, a detection and alerts."""
    rng = np.random.default_rng(7)
    csv = {**headers, "Content-Type": "text/csv"}
    monitor = client.post(
        f"{API}/monitors", json={**MINIMAL_MONITOR, "concept": {"detector": "ADWIN"}}, headers=headers
    )
    monitor_id = monitor.json()["id"]
    base = f"{API}/monitors/{monitor_id}"
    client.put(f"{base}/reference", data=csv_bytes(churn_rows(rng, 400)), headers=csv).raise_for_status()
    rows = csv_bytes(churn_rows(rng, 400, age_shift=25, pro_share=0.6))
    client.post(f"{base}/observations", data=rows, headers=csv).raise_for_status()
    detection = client.post(f"{base}/runs", headers=headers)
    detection.raise_for_status()
    alerts = [item["id"] for item in client.get(f"{API}/alerts", headers=headers).json()["items"]]
    assert alerts, "the seeded drift raised no alert"
    spare = [client.post(f"{API}/monitors", json=MINIMAL_MONITOR, headers=headers).json()["id"] for _ in range(3)]
    return StoredIds(
        by_parameter={"monitor_id": [monitor_id], "detection_id": [detection.json()["id"]], "alert_id": alerts},
        deletable_monitors=spare,
    )


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _install_hooks(schema: Any, ids: StoredIds, report: FuzzReport) -> None:
    """Reach stored rows through path ids, and count every response."""

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        # A generated UUID is swapped for a stored id now and then; a non-UUID stays, so negative
        # cases remain negative.
        choices = [path_parameters]
        for name, value in (path_parameters or {}).items():
            stored = ids.by_parameter.get(name, [])
            if name == "monitor_id" and context.operation.method.upper() == "DELETE":
                stored = ids.deletable_monitors
            if _is_uuid(value):
                choices += [{**path_parameters, name: known} for known in stored]
        return st.sampled_from(choices)

    @schema.hook
    def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
        if type(failure).__name__ != "RejectedPositiveData":
            return True
        # A chained request may carry a null read from a response (an alert's last_detection_id)
        # into a path id: not schema-valid data, whatever the case says.
        sent_null = any(value is None for value in (case.path_parameters or {}).values())
        return not (sent_null or _refused_cursor(response))

    @schema.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        operation = case.operation
        report.requests += 1
        report.statuses[(operation.label, response.status_code)] += 1
        if case.method.upper() != operation.method.upper():
            return  # a probe of an unsupported method, which answers 405 by design
        documented = {str(status) for status in operation.definition.raw.get("responses", {})}
        if str(response.status_code) not in documented and "default" not in documented:
            report.undocumented[(operation.label, response.status_code)] += 1


def _config(token: str, *, max_examples: int, stateful: bool, seed: int | None, deterministic: bool) -> Any:
    exemptions = [
        {"include-method": method, "include-path": path, "checks": {check: {"enabled": False} for check in checks}}
        for (method, path), checks in NOT_APPLICABLE.items()
    ]
    chosen_seed = {} if seed is None else {"seed": seed}
    return schemathesis.Config.from_dict(
        {
            **chosen_seed,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "generation": {"max-examples": max_examples, "deterministic": deterministic, "database": "none"},
            "phases": {"stateful": {"enabled": stateful}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "operations": exemptions,
        }
    )


def _refused_cursor(response: Any) -> bool:
    """Whether the answer refuses the page cursor: it is opaque, and only the service issues valid ones."""
    if response.status_code != 422:
        return False
    try:
        return bool(response.json()["error"]["details"].get("field") == "cursor")
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


def _collect(event: Any, report: FuzzReport) -> None:
    if isinstance(event, events.NonFatalError | events.FatalError):
        report.errors.append(str(getattr(event, "value", None) or getattr(event, "exception", event)))
        return
    if not isinstance(event, events.ScenarioFinished):
        return
    recorder = event.recorder
    for case_id, checks in recorder.checks.items():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            failure = info.failure
            report.findings.append(
                Finding(
                    operation=recorder.label,
                    check=check.name,
                    title=failure.title,
                    message=(failure.message or "").strip().replace("\n", " ")[:400],
                    status=response.status_code if response is not None else None,
                    answer=response.content[:300].decode("utf-8", "replace") if response is not None else "",
                    reproduce=info.code_sample,
                )
            )


def target(database: Path) -> tuple[Any, Settings]:
    """The application on a SQLite file (the scheduler off), and its settings."""
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{database}", scheduler_enabled=False)
    return build_app(bootstrap(settings)), settings


@contextmanager
def started(app: Any) -> Iterator[asgi.ASGIClient]:
    """The application with its lifespan running in schemathesis's event loop, stopped afterwards."""
    try:
        with asgi.get_client(app) as client:
            yield client
    finally:
        asgi.shutdown_lifespans()


def fuzz(
    database: Path, *, max_examples: int, stateful: bool, seed: int | None = None, deterministic: bool = False
) -> FuzzReport:
    """Seed the application on ``database``, run every schemathesis phase against it and report.

    Args:
        database: Path of the SQLite file to create.
        max_examples: Generated examples per operation and phase.
        stateful: Also chain operations (create, then read, change and delete what was created).
        seed: The run's seed (a random one when ``None``).
        deterministic: Generate the same requests on every run (with a fixed ``seed``).
    """
    app, settings = target(database)
    token = issue_token(settings, tenant_id="fuzz", roles=["admin"], subject="schemathesis")
    report = FuzzReport()
    with started(app) as client:
        ids = _seed(client, {"Authorization": f"Bearer {token}"})
        config = _config(token, max_examples=max_examples, stateful=stateful, seed=seed, deterministic=deterministic)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
        _install_hooks(schema, ids, report)
        for event in from_schema(schema).execute():
            _collect(event, report)
    return report
