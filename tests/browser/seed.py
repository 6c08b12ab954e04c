"""Data for the dashboard's browser tests, sent through the API as a user would: a drifting monitor with runs,
alerts and a concept drift, and another tenant's monitor that must stay out of sight."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import httpx
import numpy as np

_PLANS = np.array(["basic", "pro", "team"], dtype=object)


def _csv(age: np.ndarray, income: np.ndarray, plan: np.ndarray) -> bytes:
    buffer = io.StringIO()
    buffer.write("age,income,plan\n")
    for row in zip(age, income, plan, strict=True):
        buffer.write(f"{row[0]:.2f},{row[1]:.1f},{'' if row[2] is None else row[2]}\n")
    return buffer.getvalue().encode()


def _rows(rng: np.random.Generator, n: int, *, age_shift: float, new_plan: bool) -> bytes:
    plans = rng.choice(_PLANS, size=n, p=[0.5, 0.3, 0.2])
    if new_plan:
        plans = rng.choice(np.array(["basic", "pro", "enterprise", None], dtype=object), size=n, p=[0.4, 0.3, 0.2, 0.1])
    return _csv(rng.normal(40 + age_shift, 8, n), rng.normal(50, 5, n), plans)


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the seed made."""

    monitor_id: str
    other_tenant_monitor_id: str
    runs: int


def _monitor(api: httpx.Client, name: str, *, concept: bool) -> str:
    body: dict[str, object] = {
        "name": name,
        "model_id": f"{name}-model",
        "model_version": "3",
        "features": [
            {"name": "age", "kind": "numerical"},
            {"name": "income", "kind": "numerical"},
            {"name": "plan", "kind": "categorical"},
        ],
    }
    if concept:
        body["concept"] = {"detector": "ADWIN"}
    answer = api.post("/monitors", json=body)
    answer.raise_for_status()
    monitor_id: str = answer.json()["id"]
    return monitor_id


def _upload(api: httpx.Client, monitor_id: str, rows: bytes) -> None:
    headers = {"Content-Type": "text/csv", "Idempotency-Key": uuid.uuid4().hex}
    api.post(f"/monitors/{monitor_id}/observations", content=rows, headers=headers).raise_for_status()


def seed(api: httpx.Client, other_tenant: httpx.Client) -> Seeded:
    """A monitor whose data drifts more run after run, with a concept drift; one monitor of another tenant."""
    rng = np.random.default_rng(2026)
    monitor_id = _monitor(api, "churn", concept=True)
    reference = _rows(rng, 2000, age_shift=0.0, new_plan=False)
    api.put(
        f"/monitors/{monitor_id}/reference", content=reference, headers={"Content-Type": "text/csv"}
    ).raise_for_status()
    shifts = [(0.0, False), (0.5, False), (4.0, True), (8.0, True)]
    for shift, new_plan in shifts:
        _upload(api, monitor_id, _rows(rng, 800, age_shift=shift, new_plan=new_plan))
        api.post(f"/monitors/{monitor_id}/runs").raise_for_status()
    errors = np.concatenate([rng.random(600) < 0.1, rng.random(600) < 0.45]).astype(int).tolist()
    api.post(f"/monitors/{monitor_id}/outcomes", json={"values": errors}).raise_for_status()
    other = _monitor(other_tenant, "globex-secret", concept=False)
    return Seeded(monitor_id=monitor_id, other_tenant_monitor_id=other, runs=len(shifts))
