//! The facts thryve-connect's two halves share: the screen in the browser and the token
//! endpoint on the server. No Leptos, no axum, no I/O: plain data and pure functions, tested on
//! the host.
//!
//! - [`address`]: URLs (the browser's parser in the browser, the `url` crate elsewhere) and form
//!   encoding.
//! - [`catalogue`]: Thryve's data sources, which a browser may connect, which are retired.
//! - [`thryve`]: Thryve's direct connect/revoke URLs and their parameter names, and reading
//!   the connection session token out of Thryve's widget answer.
//! - [`ids`]: a map and a set keyed by source ID (sorted vectors: small code in the wasm).
//! - [`endpoint`]: the token and status endpoints the screen calls: paths, the trusted user
//!   header's default name, and the JSON each side sends.
//! - [`json`]: the small JSON reader and writer the browser build uses instead of `serde_json`.
//! - [`timestamp`]: RFC 3339 times (the status endpoint's) to and from epoch milliseconds.
//! - [`LOCALES`], [`LOCALE_FILES`] and [`ENGLISH_FILE`]: the screen's languages, one
//!   `locales/*.txt` each.

#![warn(missing_docs)]

pub mod address;
pub mod catalogue;
pub mod endpoint;
pub mod ids;
pub mod json;
pub mod thryve;
pub mod timestamp;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

pub use catalogue::{DataSource, Kind, SourceId};
pub use ids::{IdMap, IdSet};
pub use thryve::Action;
