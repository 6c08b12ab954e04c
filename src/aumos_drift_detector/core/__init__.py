"""The domain, one package per concept, and the two drift-algorithm libraries.

* ``monitors``, ``detections``, ``alerts``, ``retraining``, ``events``, ``ingest``, ``outcomes``,
  ``scheduling``: each holds its model, its use cases, its ports (``ports.py``) and in-memory fakes of
  them (``in_memory.py``);
* ``statistical`` (two-sample tests, reference profiles, the one-pass engine) and ``concept``
  (streaming concept-drift detectors): pure algorithms that import nothing else of ``core`` but its
  errors and its kernel compiler;
* shared pieces: ``errors`` (the error tree), ``validation`` (how outside data is parsed), ``severity``,
  ``clock``, ``paging``, ``principal`` (who calls), ``health`` and ``unit_of_work`` (ports).

Nothing in this package imports a web framework, a database driver, a Kafka client or a cron library;
import-linter contracts keep it so.
"""
