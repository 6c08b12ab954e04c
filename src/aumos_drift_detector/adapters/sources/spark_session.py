"""The service's Spark session: started on the first run of a ``spark`` source, shared, stopped at shutdown.

Starting a session takes seconds (a JVM, and on a cluster an application), so :class:`LazySparkSession`
starts one only when a run first needs it, under a lock (runs count in worker threads, and two first
runs at once must not both start one), and every later run reuses it. The master is the operator's
``AUMOS_DRIFT_SPARK_MASTER`` setting: ``local[*]`` runs Spark inside the service's host, a cluster URL
sends the counting to the cluster.

PySpark is optional (the ``spark`` extra) and imported here only when a session is started, so the
service starts without it; a run of a ``spark`` source then fails, saying what to install.
Spark allows one running context per process: when the process already has one (a notebook, a test
session), that session is used and left running, and :meth:`LazySparkSession.stop` stops only a
session this object started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

from aumos_drift_detector.core.errors import ValidationError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = structlog.get_logger(__name__)

DEFAULT_MASTER = "local[*]"
APP_NAME = "aumos-drift-detector"
PYSPARK_MISSING = "pyspark is not installed in the service; install the 'spark' extra"

#: Starts (or finds) the session of a master; returns it and whether this call started it.
SessionStarter = Callable[[str], "tuple[SparkSession, bool]"]


def start_session(master: str) -> tuple[SparkSession, bool]:
    """The process's Spark session on ``master``: the running one if there is one, else a new one.

    Returns:
        The session, and whether this call started it (``False``: it was already running).

    Raises:
        ValidationError: PySpark is not installed.
    """
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError as error:
        logger.warning("spark_unavailable", error=str(error))
        raise ValidationError(PYSPARK_MISSING) from None
    running = SparkContext._active_spark_context is not None
    builder = SparkSession.builder.master(master).appName(APP_NAME)
    session = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()  # no bars in the service's log
    return session, not running


class LazySparkSession:
    """One Spark session for the whole service, started on first use.

    Args:
        master: Where Spark runs: ``local[*]``, ``local[N]``, ``spark://host:7077``, ``k8s://…``, ``yarn``.
        start: How a session is started (tests give a fake); :func:`start_session` by default.
    """

    def __init__(self, master: str = DEFAULT_MASTER, *, start: SessionStarter = start_session) -> None:
        self._master = master
        self._start = start
        self._lock = threading.Lock()
        self._session: SparkSession | None = None
        self._owned = False

    @property
    def master(self) -> str:
        """The master the session is (or will be) started on."""
        return self._master

    def get(self) -> SparkSession:
        """The session, started on the first call (blocks for seconds then; call it from a worker thread).

        Raises:
            ValidationError: PySpark is not installed, or the session cannot start (no Java, an
                unreachable master); the next call tries again.
        """
        with self._lock:
            if self._session is None:
                self._session, self._owned = self._started()
            return self._session

    def _started(self) -> tuple[SparkSession, bool]:
        logger.info("spark_session_starting", master=self._master)
        try:
            session, owned = self._start(self._master)
        except ValidationError:
            raise
        except Exception as error:  # the JVM or the master refused: a reason for the run, not a crash
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            logger.warning("spark_session_failed", master=self._master, error=reason)
            raise ValidationError(f"cannot start a Spark session on master {self._master!r}: {reason}") from error
        logger.info("spark_session_started", master=self._master, owned=owned)
        return session, owned

    def stop(self) -> None:
        """Stop the session if this object started it (a session the process already had is left running)."""
        with self._lock:
            session, owned = self._session, self._owned
            self._session, self._owned = None, False
        if session is not None and owned:
            session.stop()
            logger.info("spark_session_stopped", master=self._master)
