"""The registry of benchmark measurements: each entry is a page path or an in-process callable."""

import pytest

from devdata.bench.measurements import Measurement


def test_a_measurement_needs_exactly_one_of_path_or_run():
    with pytest.raises(ValueError, match="exactly one"):
        Measurement("broken", "neither")
