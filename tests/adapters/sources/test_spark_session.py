"""The service's Spark session: started on first use only, once under concurrent first uses, stopped if ours.

The starter is a fake here (a real start takes seconds and Spark allows one context per process); the
real session is exercised by ``tests/adapters/api/test_spark_source_monitors_api.py``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from aumos_drift_detector.adapters.sources.opener import EngineSourceOpener
from aumos_drift_detector.adapters.sources.spark_session import DEFAULT_MASTER, LazySparkSession
from aumos_drift_detector.bootstrap import bootstrap
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from aumos_drift_detector.settings import SettingsError, load_settings


class FakeSession:
    def __init__(self) -> None:
        self.stopped = 0

    def stop(self) -> None:
        self.stopped += 1


class Starter:
    """Counts starts; each start takes ``seconds`` (to widen a race) and may fail ``failures`` times first."""

    def __init__(self, *, owned: bool = True, seconds: float = 0.0, failures: int = 0) -> None:
        self.owned, self.seconds, self.failures = owned, seconds, failures
        self.masters: list[str] = []
        self.sessions: list[FakeSession] = []
        self._lock = threading.Lock()

    def __call__(self, master: str) -> tuple[Any, bool]:
        with self._lock:
            self.masters.append(master)
        time.sleep(self.seconds)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("Java gateway process exited before sending its port number\n\tat ...")
        session = FakeSession()
        self.sessions.append(session)
        return session, self.owned


def test_nothing_starts_until_a_session_is_asked_for_then_it_is_reused() -> None:
    starter = Starter()
    holder = LazySparkSession("local[2]", start=starter)
    assert starter.masters == []
    first = holder.get()
    assert holder.get() is first
    assert starter.masters == ["local[2]"]


def test_concurrent_first_uses_start_one_session() -> None:
    starter = Starter(seconds=0.2)
    holder = LazySparkSession(start=starter)
    with ThreadPoolExecutor(max_workers=8) as pool:
        sessions = list(pool.map(lambda _: holder.get(), range(8)))
    assert starter.masters == [DEFAULT_MASTER]
    assert all(session is sessions[0] for session in sessions)


def test_stop_stops_a_session_it_started_once_and_a_later_use_starts_another() -> None:
    starter = Starter()
    holder = LazySparkSession(start=starter)
    holder.stop()  # nothing started: nothing to stop
    first = holder.get()
    holder.stop()
    holder.stop()
    assert starter.sessions[0].stopped == 1
    assert holder.get() is not first
    assert len(starter.masters) == 2


def test_a_session_the_process_already_had_is_used_and_left_running() -> None:
    starter = Starter(owned=False)
    holder = LazySparkSession(start=starter)
    holder.get()
    holder.stop()
    assert starter.sessions[0].stopped == 0


def test_a_session_that_cannot_start_is_a_reason_and_the_next_use_tries_again() -> None:
    starter = Starter(failures=1)
    holder = LazySparkSession("spark://nowhere:7077", start=starter)
    with pytest.raises(ValidationError) as caught:
        holder.get()
    assert caught.value.message == (
        "cannot start a Spark session on master 'spark://nowhere:7077': "
        "Java gateway process exited before sending its port number"
    )
    assert holder.get() is starter.sessions[0]


def test_the_opener_counts_a_spark_option_with_the_session_it_was_given() -> None:
    starter = Starter()
    opener = EngineSourceOpener(spark=LazySparkSession("local[3]", start=starter))
    duckdb = parse(SourceOption, {"engine": "duckdb", "paths": ["a.parquet"]})
    opener.open(duckdb)
    assert starter.masters == []  # only a spark source starts Spark
    source = opener.open(parse(SourceOption, {"engine": "spark", "paths": ["a.parquet"]}))
    assert starter.masters == ["local[3]"]
    assert source._session is starter.sessions[0]  # type: ignore[attr-defined]


async def test_the_composition_root_passes_the_master_setting_and_stops_the_session_on_close() -> None:
    container = bootstrap(load_settings(spark_master="spark://spark-master:7077"), storage=InMemoryStorage())
    assert container.spark is not None
    assert container.spark.master == "spark://spark-master:7077"
    starter = Starter()
    container.spark._start = starter  # type: ignore[attr-defined] # a fake in place of a JVM
    container.sources.open(parse(SourceOption, {"engine": "spark", "paths": ["a.parquet"]}))
    assert starter.masters == ["spark://spark-master:7077"]
    await container.close()
    assert starter.sessions[0].stopped == 1


def test_the_master_defaults_to_local_and_takes_cluster_urls() -> None:
    assert load_settings().spark_master == "local[*]"
    for master in ("local", "local[4]", "local[*,2]", "spark://h:7077", "k8s://https://k8s.example:443", "yarn"):
        assert load_settings(spark_master=master).spark_master == master


@pytest.mark.parametrize("master", ["sc://h:15002", "local[0]", "h:7077", "local[*] "])
def test_a_value_that_is_not_a_master_names_the_variable(master: str) -> None:
    with pytest.raises(SettingsError, match=r"^AUMOS_DRIFT_SPARK_MASTER: must be a Spark master"):
        load_settings(spark_master=master)
