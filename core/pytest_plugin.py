"""The testing kit's pytest entry point.

Installing Portico registers this module with pytest everywhere; it loads the kit
(:mod:`core.testing`) only where its test dependencies (``portico[test]``) are installed, so a
plain ``pytest`` run in a deployment without them still starts.
"""

import importlib.util

pytest_plugins = ["core.testing"] if all(importlib.util.find_spec(name) for name in ("pytest_asyncio", "httpx")) else []
