//! Typed, validated client for the Webex Calling *Emergency Services Settings* API.
//!
//! Every operation is a method of a resource (`client.people()`, `client.redsky()`, ...) that
//! returns a [`Call`]: `.await` it to send it, or [`Call::dry_run`] to see what would be sent.
//! Requests are validated before anything is sent; answers keep fields and enum values this
//! version does not know.
//!
//! Natively, calls run on a Tokio runtime with its time and I/O drivers enabled (`#[tokio::main]`,
//! or a runtime built with `enable_all()`): they use Tokio's timers and sockets, so polling one
//! on another executor (`futures::executor::block_on`) panics.
//!
//! Layers, each using only those above it in this list: [`platform`] (timers, clock, random
//! numbers), [`sync`] (waiting between tasks), [`wire`] (JSON names, reading and writing, field
//! kinds), [`error`], [`ids`],
//! [`validate`], [`api`] (models, rules and operation declarations per area), `transport`,
//! [`pace`] (the client's pacer under rate limits), [`client`], [`retry`], [`call`], [`bulk`], [`paging`], [`resources`] (typed facades),
//! [`bindings_api`] (the JSON entry point of the bindings) and [`sheet`] (bulk changes from CSV).
#![warn(missing_docs)]
// The browser build is single-threaded: what its `Arc`s share may hold `Cell`s (see `sync`).
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]

/// A JSON object from `"key" => value` pairs (each value through `Value::from`). Used instead of
/// `serde_json::json!`, whose `to_value(..).unwrap()` keeps serde_json's error texts in the
/// browser package (1.7 kB gzipped, measured with twiggy).
macro_rules! object {
    ($($key:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = serde_json::Map::new();
        $(map.insert($key.into(), serde_json::Value::from($value));)*
        serde_json::Value::Object(map)
    }};
}

pub mod platform;
pub mod sync;
pub mod wire;
pub mod error;
pub mod ids;
pub mod keyed;
pub mod validate;
pub mod api;
mod transport;
pub mod pace;
pub mod client;
pub mod retry;
pub mod call;
pub mod bulk;
pub mod paging;
pub mod resources;
pub mod audit;
pub mod bindings_api;
pub mod sheet;

pub use api::directory::{
    Location, LocationAddress, LocationList, LocationRef, Person, PersonList, PersonPhoneNumber, VirtualLine,
    VirtualLineList, VirtualLineNumber, Workspace, WorkspaceCalling, WorkspaceList,
};
pub use api::location_ecbn::{LocationEcbn, LocationEcbnSelection, LocationEcbnUpdate, LocationNumberInfo};
pub use api::ecbn::{
    CallbackSelection, Ecbn, EcbnDependencies, EcbnInfo, EcbnQuality, EcbnSelection, EffectiveLevel, MemberType,
    PersonEcbnUpdate, VirtualLineEcbnUpdate, WorkspaceEcbnUpdate,
};
pub use api::notifications::{LocationNotification, LocationNotificationUpdate, OrgNotification, OrgNotificationUpdate};
pub use api::redsky::{
    Account, AccountCreate, Address, BuildingCreate, BuildingUpdate, ComplianceStage, ComplianceStatus,
    ComplianceStatusUpdate, ComplianceStatusValue, LocationParameters, LocationState, LocationStatusUpdate,
    LocationsStatus, Login, LoginResult, OrgPrefix, OrgStatus, RedSkyLocation, ServiceSettingsUpdate,
};
pub use api::{Method, Op, Operation};
pub use audit::report::{Entity, EntityKind, Finding, Report, Severity};
pub use audit::{AuditOptions, AuditProgress};
pub use bulk::{BulkItem, BulkOptions, BulkProgress};
pub use call::{Call, PreparedRequest};
pub use pace::Pacing;
pub use client::{AttemptLog, AttemptLogFn, Client, ClientBuilder, RetryPolicy, TokenProvider, MAX_RETRIES, MAX_WAIT};
pub use error::{
    ApiError, ApiErrorItem, ApiErrorKind, Cause, DecodeError, Error, FieldError, ProviderFailure, TransportError,
    TransportKind, ValidationErrors,
};
pub use resources::{HuntGroups, Locations, Notifications, People, RedSky, VirtualLines, Workspaces};
pub use validate::ApiEnum;
pub use wire::{Json, NoContent, Secret};
