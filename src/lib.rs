//! thryve-connect: a custom Thryve data source connection screen, as a Leptos (CSR) library and
//! a standalone app.
//!
//! - Mount the whole screen into a page element configured by data attributes with [`mount`]
//!   (or [`mount_by_id`] from JavaScript).
//! - In another Leptos app, validate [`Settings`] into a [`Config`] ([`config_for_page`]) and
//!   render [`ConnectScreen`], or [`ConnectionProvider`] with the pieces in your own layout.
//! - The screen reports what happens as [`ScreenEvent`]s (DOM events and an `on_event`
//!   callback); [`events`] documents each `detail`.
//!
//! Inside, pure rules (catalogue, config, outcome, status, languages) are tested on the host;
//! `api` holds the network, `browser` every other effect on the page, `screen` the state, and
//! `components` the views. The facts shared with the reference server are in the
//! [`protocol`] crate.

#![warn(missing_docs)]

mod api;
mod browser;
mod catalogue;
mod components;
mod config;
pub mod events;
mod i18n;
mod outcome;
mod screen;
mod status;
mod token;

pub use thryve_connect_protocol as protocol;

pub use api::ApiError;
pub use catalogue::{Kind, Selection, SelectionError, Source, SourceId};
pub use components::{
    ConfigErrors, ConnectScreen, ConnectionProvider, ResultMessage, SessionAlert, SourceList,
    SourceMark, SourceRow,
};
pub use config::{Config, ConfigError, DisconnectMode, Extras, OpenMode, Settings};
pub use events::ScreenEvent;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The ID of the element the standalone page mounts into.
pub const MOUNT_ID: &str = "thryve-connect";

/// Reads the settings of a mount element: its data attributes, and the JSON of a
/// `<script type="application/json">` inside it.
pub fn settings_of(element: &web_sys::Element) -> Settings {
    let mut settings = Settings::from_attributes(|name| element.get_attribute(name));
    settings.json = element
        .query_selector(r#"script[type="application/json"]"#)
        .ok()
        .flatten()
        .and_then(|script| script.text_content());
    settings
}

/// Validates an element's settings for the current page.
pub fn config_of(element: &web_sys::Element) -> Result<Config, Vec<ConfigError>> {
    config_for_page(&settings_of(element))
}

/// Validates settings for the current page: relative endpoints resolve against its address,
/// and the language follows `locale`, else the page's `<html lang>`, else the browser's.
pub fn config_for_page(settings: &Settings) -> Result<Config, Vec<ConfigError>> {
    let languages = browser::preferred_languages();
    let page = browser::current_url().ok_or_else(|| {
        vec![ConfigError {
            setting: "page",
            problem: "the page's address cannot be read".into(),
        }]
    })?;
    Config::from_settings(settings, &page, &languages)
}

/// A mounted screen. Dropping it unmounts the screen; [`Mounted::forget`] keeps it for the
/// page's lifetime.
#[must_use = "dropping a Mounted unmounts the screen; call .forget() to keep it"]
pub struct Mounted(leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>);

impl Mounted {
    /// Keeps the screen mounted for the rest of the page's life.
    pub fn forget(self) {
        self.0.forget();
    }
}

/// Mounts the screen into `element`, configured by its data attributes. Invalid settings show a
/// configuration error there instead. The element's previous content (a loading placeholder)
/// is replaced; a JSON settings block stays.
pub fn mount(element: web_sys::HtmlElement) -> Mounted {
    let config = config_of(&element);
    let children = element.children();
    for i in (0..children.length()).rev() {
        if let Some(child) = children.item(i) {
            if child.tag_name() != "SCRIPT" {
                child.remove();
            }
        }
    }
    let target: web_sys::EventTarget = element.clone().unchecked_into();
    let locale = element.get_attribute("data-locale");
    Mounted(leptos::mount::mount_to(element, move || match config {
        Ok(config) => view! { <ConnectScreen config events_target=target /> }.into_any(),
        Err(errors) => view! { <ConfigErrors errors locale /> }.into_any(),
    }))
}

/// Mounts into the element with this ID. Returns `false` (and logs) when there is none.
#[wasm_bindgen(js_name = mountById)]
pub fn mount_by_id(id: &str) -> bool {
    match browser::element_by_id(id) {
        Some(element) => {
            mount(element).forget();
            true
        }
        None => {
            leptos::logging::error!("thryve-connect: no element with id \"{id}\" to mount into");
            false
        }
    }
}

/// Hooks for this crate's own browser tests. Not part of the public API: it may change in any
/// release.
#[doc(hidden)]
pub mod testing {
    pub use crate::browser::{intercept_navigation, stop_intercepting, Navigation};
    pub use crate::outcome::ATTEMPT_PARAM;
    pub use crate::screen::{ATTEMPT_KEY, STATES_KEY};
}
