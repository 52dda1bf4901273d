"""Validated, fast client for the Webex Calling Emergency Services Settings API (Rust core)."""
from ._audit import AuditReport, Entity, Finding, Place
from ._client import (AsyncClient, AsyncHuntGroups, AsyncLocations, AsyncNotifications, AsyncPeople,
                      AsyncRedSky, AsyncVirtualLines, AsyncWorkspaces, Client, HuntGroups, Locations,
                      Notifications, People, RedSky, VirtualLines, Workspaces)
from ._errors import (AbortError, APIError, APITimeoutError, AuthenticationError, ConfigError, ConflictError,
                      DecodeError, NotFoundError, PermissionDeniedError, RateLimitError, ServerError,
                      TransportError, ValidationError, WebexError)
from ._models import (Account, BulkResult, BulkResults, ComplianceStatus, Ecbn, EcbnDependencies,
                      EcbnInfo, LocationNotification, LocationParameters, LocationsStatus,
                      LocationStatusUpdate, LoginResult, Model, ModelList, OrgNotification,
                      PreparedRequest, RedSkyLocation)
from ._sheet import SheetResults, SheetRow
from ._simulator import Simulator

__all__ = [
    "Client", "AsyncClient", "Simulator",
    "People", "Workspaces", "VirtualLines", "HuntGroups", "Notifications", "RedSky", "Locations",
    "AsyncPeople", "AsyncWorkspaces", "AsyncVirtualLines", "AsyncHuntGroups", "AsyncNotifications",
    "AsyncRedSky", "AsyncLocations", "AuditReport", "Finding", "Entity", "Place",
    "WebexError", "ConfigError", "ValidationError", "APIError", "AuthenticationError",
    "PermissionDeniedError", "NotFoundError", "ConflictError", "RateLimitError", "ServerError",
    "TransportError", "APITimeoutError", "AbortError", "DecodeError",
    "Model", "ModelList", "Ecbn", "EcbnInfo", "EcbnDependencies", "OrgNotification",
    "LocationNotification", "Account", "RedSkyLocation", "LocationsStatus", "ComplianceStatus",
    "LocationStatusUpdate", "LoginResult", "LocationParameters", "PreparedRequest", "BulkResult",
    "BulkResults", "SheetResults", "SheetRow",
]
