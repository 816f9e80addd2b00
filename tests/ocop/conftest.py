import shutil

import pytest

from tests.conftest import DATA_DIR


@pytest.fixture(autouse=True)
def _no_certificates_left():
    """Each test starts without certificate files (the shared fixture empties public media only)."""
    shutil.rmtree(DATA_DIR / "private", ignore_errors=True)
    yield
    shutil.rmtree(DATA_DIR / "private", ignore_errors=True)
