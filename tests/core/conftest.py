"""The kernel's tests run the kernel alone (plus the plugins a test adds itself), so the modules
installed beside it cannot change what they count. The isolation walk overrides this: it proves
every installed module's routes."""

import pytest


@pytest.fixture
def portico_installed() -> tuple[str, ...]:
    return ()
