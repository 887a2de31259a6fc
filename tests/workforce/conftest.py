import pytest


@pytest.fixture
def desk_in_utc(settings):
    """The settings the synthetic histories of tests/workforce/history.py are built for."""
    settings.TIME_ZONE = "UTC"
    settings.STAFFING_HISTORY_WEEKS = 4
    settings.STAFFING_SHRINKAGE = 0.0
    settings.STAFFING_DEFAULT_AHT_SECONDS = 360
