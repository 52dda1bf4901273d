//! Typed, validated client for the Webex Calling *Emergency Services Settings* API.
//!
//! Every operation is a method of a resource (`client.people()`, `client.redsky()`, ...) that
//! returns a [`Call`]: `.await` it to send it, or [`Call::dry_run`] to see what would be sent.
//! Requests are validated before anything is sent; answers keep fields and enum values this
//! version does not know.
#![warn(missing_docs)]

pub mod bulk;
pub mod call;
pub mod client;
pub mod dynamic;
pub mod ecbn;
pub mod error;
pub mod http;
pub mod ids;
pub mod models;
pub mod notifications;
pub mod ops;
pub mod redsky;
pub mod rt;
mod transport;
pub mod validate;

pub use bulk::{BulkItem, BulkOptions, BulkProgress};
pub use call::{Call, PreparedRequest};
pub use client::{Client, ClientBuilder, RetryPolicy, TokenProvider};
pub use ecbn::*;
pub use error::{
    ApiError, ApiErrorItem, ApiErrorKind, DecodeError, Error, FieldError, TransportError,
    TransportKind, ValidationErrors,
};
pub use models::{NoContent, Secret};
pub use notifications::*;
pub use redsky::*;
