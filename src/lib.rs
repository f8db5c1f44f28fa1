//! thryve-connect: a custom Thryve data source connection screen, as a Leptos library (CSR, or
//! SSR with hydration) and a standalone app.
//!
//! - From any web page, the loader `thryve-connect.js` defines the `<thryve-connect>` element
//!   and a JS `mount()`; both hold a [`MountHandle`] ([`mount_element`]).
//! - Mount the whole screen into a page element configured by data attributes with [`mount`]
//!   (or [`mount_by_id`] from JavaScript).
//! - In another Leptos app, build a [`Config`] ([`Config::builder`], or [`config_for_page`] from
//!   [`Settings`]) and render [`ConnectScreen`], or [`ConnectionProvider`] with the pieces in
//!   your own layout. Under `ssr` the components render the loading state; everything that
//!   touches the browser starts once they run there.
//! - The screen reports what happens as [`ScreenEvent`]s (DOM events and an `on_event`
//!   callback); [`events`] documents each `detail`.
//!
//! Inside, pure rules (catalogue, config, outcome, status, languages) are tested on the host;
//! `api` holds the network, `browser` every other effect on the page, `screen` the state, and
//! `components` the views. The facts shared with the reference server are in the
//! [`protocol`] crate.

#![warn(missing_docs)]
// The views' types are deep; building them for hydration (`hydrate`) needs more than the default.
#![recursion_limit = "256"]

mod api;
mod browser;
mod catalogue;
mod components;
mod config;
mod confirm;
pub mod events;
mod host;
mod i18n;
mod js_host;
mod mount;
mod outcome;
mod screen;
mod status;
mod token;

pub use thryve_connect_protocol as protocol;
/// A parsed URL: the browser's own parser in the browser, the `url` crate elsewhere (what
/// [`Config::builder`] takes and [`Config`]'s endpoints are).
pub use thryve_connect_protocol::address::Url;
/// A map and a set keyed by source ID, in ID order: what [`Extras`]' names and logos and
/// [`HostStatus`]' connected sources are.
pub use thryve_connect_protocol::ids::{IdMap, IdSet};

pub use api::ApiError;
pub use catalogue::{Kind, Selection, SelectionError, Source, SourceId};
pub use components::{
    ConfigErrors, ConnectScreen, ConnectionProvider, ResultMessage, SessionAlert, SourceList,
    SourceMark, SourceRow,
};
pub use config::{
    Config, ConfigBuilder, ConfigError, Credentials, DisconnectMode, Extras, Headers, OpenMode,
    Settings, Theme,
};
pub use events::ScreenEvent;
pub use host::{GetSession, GetStatus, HostApi, HostSession, HostStatus, SessionAsk};
pub use i18n::{add_language, has_language};
pub use mount::{
    builder_for_page, config_for_page, config_of, language_of, mount, mount_by_id, mount_element,
    settings_of, MountHandle, Mounted, ELEMENT_NAME, MOUNT_ID,
};

/// The page's language (`<html lang>`) and then the browser's, most preferred first: what
/// [`ConfigBuilder::languages`] wants in the browser.
pub fn preferred_languages() -> Vec<String> {
    browser::preferred_languages()
}

/// What the loader (`thryve-connect.js`) calls besides the mount functions: the languages a
/// build without `bundled-languages` fetches. Linked by the standalone build.
#[doc(hidden)]
pub mod loader {
    pub use crate::mount::{add_language_js, language_to_load};
}

/// Hooks for this crate's own browser tests. Not part of the public API: it may change in any
/// release.
#[doc(hidden)]
pub mod testing {
    pub use crate::browser::{intercept_navigation, stop_intercepting, Navigation};
    pub use crate::outcome::ATTEMPT_PARAM;
    pub use crate::screen::{scale_confirm_delays, ATTEMPT_KEY, STATES_KEY};
}
