"""The bundled simulator of the API, for notebooks and tests without a Webex token."""
from __future__ import annotations

# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

from . import _native
from ._client import AsyncClient, Client


class Simulator:
    """A stateful simulator of the 26 operations on 127.0.0.1, with fault injection.

    ``with Simulator(size=1000) as sim: client = sim.client()``
    """

    token: str = _native.DEFAULT_SIM_TOKEN

    def __init__(self, seed: int = 42, size: int = 200, faults: Optional[Dict[str, Any]] = None, *,
                 port: int = 0, tokens: Optional[List[str]] = None, expose_headers: bool = True,
                 redsky: bool = False) -> None:
        self._sim = _native.NativeSimulator(seed, size, faults, port, tokens, expose_headers, redsky)
        self.base_url: str = self._sim.base_url

    def client(self, **options: Any) -> Client:
        """A blocking client of this simulator."""
        options.setdefault("token", self.token)
        return Client(base_url=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """An asyncio client of this simulator."""
        options.setdefault("token", self.token)
        return AsyncClient(base_url=self.base_url, **options)

    def directory(self, limit: int = 1000) -> Dict[str, Any]:
        """IDs of the seeded organization: orgId, locations, people, workspaces, virtualLines, huntGroups."""
        return self._sim.directory(limit)  # type: ignore[no-any-return]

    def expected_findings(self) -> List[Dict[str, Any]]:
        """The findings an audit of the seeded organization must give now, from the simulator's own
        state: ``{rule, entityKind, entityId}`` sorted by entity ID, then rule."""
        return self._sim.expected_findings()  # type: ignore[no-any-return]

    def set_faults(self, faults: Dict[str, Any]) -> None:
        """Replaces the fault settings (``{"script": [{"status": 429, "retryAfter": "1"}], "rate5xx": 0.1}``)."""
        self._sim.set_faults(faults)

    def journal(self) -> List[Dict[str, Any]]:
        """Every request received since the last reset (without the token)."""
        return self._sim.journal()  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Re-seeds the organization and clears journal and faults."""
        self._sim.reset()

    def set_tokens(self, tokens: List[str]) -> None:
        """Sets the accepted bearer tokens."""
        self._sim.set_tokens(tokens)

    def set_expose_headers(self, on: bool) -> None:
        """Whether Retry-After, trackingid and Link are exposed to browsers."""
        self._sim.set_expose_headers(on)

    def stop(self) -> None:
        """Stops the server."""
        self._sim.stop()

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Simulator(base_url={self.base_url!r})"
