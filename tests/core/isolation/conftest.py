"""Both walks install every module and the example third-party plugin, over two vendors' data."""

import pytest

from tests.core import example_plugin
from tests.core.isolation.walk import Vendor


@pytest.fixture
def portico_extra_plugins():
    return [example_plugin]


@pytest.fixture
def portico_installed():
    """Every installed module (first-party quotes and work orders included) is walked."""
    return None


@pytest.fixture
def vendors(portico_shared) -> tuple[Vendor, Vendor]:
    return portico_shared
