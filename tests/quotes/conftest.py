"""The quotes module's tests install it alone."""

import pytest


@pytest.fixture
def portico_installed() -> tuple[str, ...]:
    return ("quotes",)
