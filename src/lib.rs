//! thryve-connect: a custom Thryve data source connection screen, as a Leptos (CSR) library and
//! a standalone app.
//!
//! - Pure rules, tested on the host: [`catalogue`], [`config`], [`token`], [`urls`], [`outcome`],
//!   [`status`], [`events`], [`i18n`].
//! - The browser: [`api`] (network), [`browser`] (every other effect), [`screen`] (state and
//!   actions), [`components`] (views).
//! - Entry points: [`mount`] for a page element configured by data attributes, or the
//!   components with a [`Config`] in another Leptos app.

pub mod api;
pub mod browser;
pub mod catalogue;
pub mod components;
pub mod config;
pub mod events;
pub mod i18n;
pub mod outcome;
pub mod screen;
pub mod status;
pub mod token;
pub mod urls;

pub use components::{
    ConfigErrors, ConnectScreen, ConnectionProvider, ResultMessage, SessionAlert, SourceList,
    SourceMark, SourceRow,
};
pub use config::{Config, ConfigError, Settings};
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
    let settings = settings_of(element);
    let languages = browser::preferred_languages();
    let page = browser::current_url().ok_or_else(|| {
        vec![ConfigError {
            setting: "page",
            problem: "the page's address cannot be read".into(),
        }]
    })?;
    Config::from_settings(&settings, &page, &languages)
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
        Err(errors) => {
            let code = config::choose_locale(locale.as_deref(), &browser::preferred_languages());
            view! { <ConfigErrors errors messages=i18n::Messages::new(code) /> }.into_any()
        }
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
