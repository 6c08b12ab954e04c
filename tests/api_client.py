"""An HTTP client on the real application, with token helpers, for end-to-end API tests."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.bootstrap import Container, bootstrap, build_app
from aumos_drift_detector.core.clock import Clock, SystemClock
from aumos_drift_detector.settings import Settings, load_settings


def auth(settings: Settings, tenant: str = "acme", role: str = "admin", subject: str = "alice") -> dict[str, str]:
    """Authorization header of a token for one tenant and role."""
    return {"Authorization": f"Bearer {issue_token(settings, tenant_id=tenant, roles=[role], subject=subject)}"}


@asynccontextmanager
async def api(
    database_url: str, *, clock: Clock | None = None, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    """The application on a database, its lifespan running (the scheduler off unless asked)."""
    overrides.setdefault("scheduler_enabled", False)
    settings = load_settings(database_url=database_url, **overrides)
    container = bootstrap(settings, clock=clock or SystemClock())
    app = build_app(container)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
            yield client, container


def csv_bytes(columns: dict[str, Any]) -> bytes:
    """A CSV document of the given columns."""
    sink = io.BytesIO()
    pa_csv.write_csv(pa.table(columns), sink)
    return sink.getvalue()


def churn_rows(rng: np.random.Generator, n: int, *, age_shift: float = 0.0, pro_share: float = 0.3) -> dict[str, Any]:
    """Rows of the churn example: a numerical ``age`` and a categorical ``plan``."""
    plans = rng.choice(["basic", "pro", "team"], size=n, p=[0.7 - pro_share / 2, pro_share, 0.3 - pro_share / 2])
    return {"age": np.round(rng.normal(40 + age_shift, 10, n), 1), "plan": plans}


MINIMAL_MONITOR = {
    "name": "churn",
    "model_id": "churn-model",
    "model_version": "3",
    "features": [{"name": "age", "kind": "numerical"}, {"name": "plan", "kind": "categorical"}],
}
