"""The marker plugins put on their hook implementations: ``@core.hookimpl``."""

import pluggy

hookimpl = pluggy.HookimplMarker("portico")
