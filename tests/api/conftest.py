import pytest

from tests.api.contract.world import build_world


@pytest.fixture
def world(app, client, factory):
    """A seller's shop with products, orders, a batch and a claim, and an admin who shops there."""
    return build_world(app, client, factory)
