"""Import Whoosh without the two modules it loads for nothing.

Whoosh-Reloaded's ``whoosh.compat`` imports ``urllib.request`` (for an ``urlretrieve`` no Whoosh module calls),
which pulls in ``http.client``, ``email`` and ``ssl``; ``whoosh.reading`` takes ``cached_property`` from the
package of that name, which imports ``asyncio``. Together that is 20-35 ms of every ``kliping search`` process,
a tenth of its budget, spent before the search starts.

:func:`import_whoosh` imports Whoosh once with two stand-ins in ``sys.modules``: ``functools.cached_property``,
which does the same job (the value cached in the instance's ``__dict__``), and an ``urlretrieve`` that imports
the real one when called. The stand-ins are removed as soon as Whoosh is in, so any later ``import
urllib.request`` or ``import cached_property`` gets the real module. It only does so while the process has a
single thread, so no other thread can import either name meanwhile; otherwise Whoosh is imported as it is.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
from typing import Any


def import_whoosh() -> None:
    """Import Whoosh (its modules that import the two names) lightly, if that is still to do and safe."""
    if "whoosh.compat" in sys.modules or threading.active_count() > 1:
        return
    stand_ins = {name: module for name, module in _stand_ins().items() if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _stand_ins() -> dict[str, types.ModuleType]:
    properties = types.ModuleType("cached_property", "functools.cached_property, standing in while Whoosh loads")
    properties.cached_property = functools.cached_property  # type: ignore[attr-defined]
    request = types.ModuleType("urllib.request", "a lazy urlretrieve, standing in while Whoosh loads")
    request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    return {"cached_property": properties, "urllib.request": request}


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)
