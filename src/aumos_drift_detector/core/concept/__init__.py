"""Streaming concept-drift detectors sharing one contract (see :mod:`.base`).

Detectors watch a stream of prediction errors (or any real-valued signal) and raise drift and
warning flags; every detector validates its input against its declared domain, round-trips through
a JSON state and processes batches with ``update_many``.

Public API (everything in ``__all__``):

* **Detectors** (River's names, parameters and defaults): :class:`ADWIN`, :class:`KSWIN`,
  :class:`PageHinkley` (real values), :class:`DDM`, :class:`EDDM`, :class:`RDDM` (binary errors),
  :class:`HDDM_A`, :class:`HDDM_W` (errors or bounded losses in ``[0, 1]``).
* **Contract**: :class:`DriftDetector`, their base class (``update``, ``update_many``, ``reset``,
  ``to_state`` / ``from_state``, ``input_domain``, ``stream_kind``); :class:`StreamKind`.
* **Parameters**: each detector's ``Params`` model, subclass of :class:`DetectorParams`.
* **Results**: :class:`UpdateManyResult` (one per batch) and :class:`DriftEvent` (one per drift).
"""

from aumos_drift_detector.core.concept.adwin import ADWIN
from aumos_drift_detector.core.concept.base import DriftDetector, StreamKind
from aumos_drift_detector.core.concept.ddm import DDM
from aumos_drift_detector.core.concept.eddm import EDDM
from aumos_drift_detector.core.concept.hddm_a import HDDM_A
from aumos_drift_detector.core.concept.hddm_w import HDDM_W
from aumos_drift_detector.core.concept.kswin import KSWIN
from aumos_drift_detector.core.concept.page_hinkley import PageHinkley
from aumos_drift_detector.core.concept.params import DetectorParams
from aumos_drift_detector.core.concept.rddm import RDDM
from aumos_drift_detector.core.concept.results import DriftEvent, UpdateManyResult

__all__ = [
    "ADWIN",
    "DDM",
    "EDDM",
    "HDDM_A",
    "HDDM_W",
    "KSWIN",
    "RDDM",
    "DetectorParams",
    "DriftDetector",
    "DriftEvent",
    "PageHinkley",
    "StreamKind",
    "UpdateManyResult",
]
