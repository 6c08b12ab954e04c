import subprocess
import sys

import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.catalogue import CATALOGUE, get_test

PUBLIC = {
    "ks",
    "psi",
    "chi_squared",
    "wasserstein",
    "jensen_shannon",
    "hellinger",
    "anderson_darling",
    "cramer_von_mises",
    "l_infinity",
    "z_test",
    "energy_distance",
}


def test_catalogue_lists_every_test_with_a_kernel_for_each_feature_kind():
    assert set(CATALOGUE) == PUBLIC
    for name, spec in CATALOGUE.items():
        assert spec.name == name
        assert spec.kind in {"p_value", "distance"}
        if "numerical" in spec.feature_kinds:
            assert spec.sorted_kernel is not None
        if spec.feature_kinds & {"categorical", "binary"}:
            assert spec.counts_kernel is not None


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_kernel_returns_a_result_named_after_its_entry(name):
    spec = get_test(name)
    if spec.sorted_kernel is not None:
        values = np.arange(40, dtype=float)
        result = spec.sorted_kernel(values, values, threshold=spec.default_threshold)
        assert (result.test, result.drift_detected) == (name, False)
        assert (result.p_value is None) == (spec.kind == "distance" and name != "psi")
    if spec.counts_kernel is not None:
        result = spec.counts_kernel(
            np.array([20, 30]), np.array([20, 30]), ["a", "b"], threshold=spec.default_threshold
        )
        assert (result.test, result.drift_detected) == (name, False)


def test_get_test_rejects_unknown_names():
    with pytest.raises(ValidationError) as caught:
        get_test("t_test")
    assert "ks" in caught.value.details["known"]


IMPORT_ORDERS = [
    "import aumos_drift_detector.core.statistical.catalogue",
    "import aumos_drift_detector.core.statistical.ks_test",
    "import aumos_drift_detector.core.statistical",
]


@pytest.mark.parametrize("first", IMPORT_ORDERS)
def test_package_exports_functions_and_catalogue_holds_them_whatever_is_imported_first(first):
    # The package exports functions named like their modules; importing a module later must not replace them.
    script = f"""
{first}
import inspect
import aumos_drift_detector.core.statistical as package
from aumos_drift_detector.core.statistical.catalogue import CATALOGUE
for name in ("ks_test", "psi", "wasserstein", "chi_squared", "energy_distance"):
    assert inspect.isfunction(getattr(package, name)), name
assert CATALOGUE["ks"].function is package.ks_test
assert CATALOGUE["wasserstein"].sorted_kernel.__name__ == "wasserstein_sorted"
"""
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


def test_each_test_module_declares_the_spec_the_catalogue_lists():
    from aumos_drift_detector.core.statistical.ks_test import SPEC as KS_SPEC
    from aumos_drift_detector.core.statistical.psi import SPEC as PSI_SPEC

    assert CATALOGUE["ks"] is KS_SPEC
    assert CATALOGUE["psi"] is PSI_SPEC


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_binned_and_scaled_kernels_take_what_the_profile_precomputed(name):
    spec = get_test(name)
    values = np.arange(40, dtype=float)
    if spec.binned:
        result = spec.sorted_kernel(values, values, threshold=0.1, bins=4, edges=np.array([9.5, 19.5, 29.5]))
        assert result.statistic == 0.0
    if spec.scaled:
        result = spec.sorted_kernel(values, values + 1.0, threshold=0.1, reference_std=2.0)
        assert result.statistic > 0.0
    binned = {name for name, spec in CATALOGUE.items() if spec.binned}
    scaled = {name for name, spec in CATALOGUE.items() if spec.scaled}
    assert binned == {"psi", "jensen_shannon", "hellinger", "l_infinity"}
    assert scaled == {"wasserstein", "energy_distance"}
