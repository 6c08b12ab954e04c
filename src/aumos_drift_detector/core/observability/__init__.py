"""What the service reports about its monitors to dashboards: the stored drift state and the events as they happen.

* :mod:`.model`: the state read back from storage at scrape time (each monitor's last statistical run with
  its largest feature effects, the open alerts, the oldest due run);
* :mod:`.ports`: :class:`~.ports.DriftStateReader` (storage reads that state) and
  :class:`~.ports.DriftTelemetry` (use cases tell it about detections and ingested rows as they happen),
  with :class:`~.ports.NoTelemetry` for when nobody listens.

Nothing here knows Prometheus; the adapter in ``adapters/observability`` turns both into metrics.
"""
