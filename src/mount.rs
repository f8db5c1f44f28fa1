//! Mounting the screen into page elements: the `<div id="thryve-connect" data-…>` mount, the
//! `<thryve-connect>` element and the JS API's `mount()` (both through the loader,
//! `thryve-connect.js`, which holds a [`MountHandle`] per element).

use crate::browser;
use crate::components::{ConfigErrors, ConnectScreen};
use crate::config::{Config, ConfigBuilder, ConfigError, Settings, DATA_PREFIX};
use crate::host::HostApi;
use crate::js_host::JsCallbacks;
use crate::screen::SessionCarry;
use leptos::either::Either;
use leptos::prelude::*;
use thryve_connect_protocol::json::Json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The ID of the element the standalone page mounts into.
pub const MOUNT_ID: &str = "thryve-connect";

/// The custom element's name; it takes the settings as attributes without the `data-` prefix.
pub const ELEMENT_NAME: &str = "thryve-connect";

/// Set on every element a screen is mounted in, to tell the page's screens apart.
const MOUNTED_MARK: &str = "data-tc-mounted";

/// The prefix of the settings' attributes on this element: none on `<thryve-connect>`,
/// `data-` on any other element.
fn prefix_of(element: &web_sys::Element) -> &'static str {
    if element.tag_name().eq_ignore_ascii_case(ELEMENT_NAME) {
        ""
    } else {
        DATA_PREFIX
    }
}

/// Reads the settings of a mount element: its attributes (`sources` on `<thryve-connect>`,
/// `data-sources` on any other element), and the JSON of a `<script type="application/json">`
/// inside it.
pub fn settings_of(element: &web_sys::Element) -> Settings {
    let mut settings =
        Settings::from_attributes(prefix_of(element), |name| element.get_attribute(name));
    settings.json = element
        .query_selector(r#"script[type="application/json"]"#)
        .ok()
        .flatten()
        .and_then(|script| script.text_content());
    settings
}

/// Validates an element's settings for the current page.
pub fn config_of(element: &web_sys::Element) -> Result<Config, Vec<ConfigError>> {
    checked(settings_of(element), screen_key(element))
}

fn checked(settings: Settings, key: String) -> Result<Config, Vec<ConfigError>> {
    let mut config = config_for_page(&settings)?;
    config.screen_key = key;
    Ok(config)
}

/// A [`ConfigBuilder`] for the current page: relative URLs resolve against its address, and the
/// language follows `locale`, else the page's `<html lang>`, else the browser's.
///
/// ```no_run
/// # use thryve_connect::{builder_for_page, OpenMode};
/// let config = builder_for_page()
///     .and_then(|page| page.sources([11, 1, 18]).open(OpenMode::NewTab).build());
/// ```
pub fn builder_for_page() -> Result<ConfigBuilder, Vec<ConfigError>> {
    let page = browser::current_url().ok_or_else(|| {
        vec![ConfigError {
            setting: "page",
            problem: "the page's address cannot be read".into(),
        }]
    })?;
    Ok(Config::builder(page).languages(browser::preferred_languages()))
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

/// The language a screen in `element` shows with these settings (`object`: the settings object
/// as JSON): the configured one ([`Config::locale`]), which also words the error message of
/// invalid settings.
pub fn language_of(element: &web_sys::Element, object: Option<String>) -> &'static str {
    shown_language(given_locale(element, object.as_deref()).as_deref())
}

/// The language shown for a `locale` setting on this page (its `lang`, the browser's languages).
fn shown_language(locale: Option<&str>) -> &'static str {
    crate::config::choose_locale(locale, &browser::preferred_languages())
}

/// The `locale` setting of a screen in `element`: the settings object's (`object`, JSON) when it
/// has one, else the attribute's. Read alone, without checking the other settings: the language
/// is known before the screen (the loader asks before every mount and update).
fn given_locale(element: &web_sys::Element, object: Option<&str>) -> Option<String> {
    // Read as the settings' check reads a scalar (a number or a boolean as its text); what it
    // refuses is left to that check.
    let from_object = object
        .and_then(|text| Json::parse(text).ok())
        .and_then(|json| json.get("locale").cloned())
        .and_then(|value| crate::config::scalar_text(value).ok().flatten());
    from_object.or_else(|| element.get_attribute(&format!("{}locale", prefix_of(element))))
}

/// For the loader: the language a screen in `element` shows with these settings, when the app
/// does not have its messages yet ([`language_of`], [`crate::has_language`]).
#[wasm_bindgen(js_name = languageToLoad)]
pub fn language_to_load(element: &web_sys::Element, object: Option<String>) -> Option<String> {
    let code = language_of(element, object);
    (!crate::i18n::has_language(code)).then(|| code.to_owned())
}

/// [`crate::add_language`], for the loader: adds a language's table (its file's text) before a
/// screen in that language is mounted. Throws when the table is refused.
#[wasm_bindgen(js_name = addLanguage)]
pub fn add_language_js(code: &str, text: &str) -> Result<(), JsError> {
    crate::i18n::add_language(code, text).map_err(|problem| JsError::new(&problem))
}

/// The element's `id`, else its place in the document among the page's screens (`#0`, `#1`,
/// …), taken when it is mounted and kept for its life.
fn screen_key(element: &web_sys::Element) -> String {
    let id = element.id();
    if !id.is_empty() {
        return id;
    }
    let _ = element.set_attribute(MOUNTED_MARK, "");
    let position = element
        .owner_document()
        .and_then(|document| {
            document
                .query_selector_all(&format!("{ELEMENT_NAME}, [{MOUNTED_MARK}]"))
                .ok()
        })
        .and_then(|all| {
            (0..all.length()).find(|i| {
                all.item(*i)
                    .is_some_and(|node| node.is_same_node(Some(element)))
            })
        })
        .unwrap_or(0);
    format!("#{position}")
}

/// A mounted screen. Dropping it unmounts the screen; [`Mounted::forget`] keeps it for the
/// page's lifetime.
#[must_use = "dropping a Mounted unmounts the screen; call .forget() to keep it"]
pub struct Mounted(Box<dyn std::any::Any>);

impl Mounted {
    /// Keeps the screen mounted for the rest of the page's life.
    pub fn forget(self) {
        // What `UnmountHandle::forget` does: the handle is never dropped, so never unmounts.
        std::mem::forget(self.0);
    }
}

/// Mounts the screen into `element`, configured by its attributes. Invalid settings show a
/// configuration error there instead. The element's previous content (a loading placeholder)
/// is replaced; a JSON settings block stays.
pub fn mount(element: web_sys::HtmlElement) -> Mounted {
    let config = config_of(&element);
    let locale = given_locale(&element, None);
    render(
        element,
        config,
        locale,
        SessionCarry::default(),
        HostApi::default(),
    )
}

fn render(
    element: web_sys::HtmlElement,
    config: Result<Config, Vec<ConfigError>>,
    locale: Option<String>,
    carry: SessionCarry,
    host: HostApi,
) -> Mounted {
    let children = element.children();
    for i in (0..children.length()).rev() {
        if let Some(child) = children.item(i) {
            if child.tag_name() != "SCRIPT" {
                child.remove();
            }
        }
    }
    let target: web_sys::EventTarget = element.clone().unchecked_into();
    let prefix = prefix_of(&element);
    // The handle's type names the view's, which cannot be written: kept behind `Any`.
    Mounted(Box::new(leptos::mount::mount_to(element, move || {
        provide_context(carry);
        match config {
            Ok(config) => {
                let HostApi {
                    get_session,
                    get_status,
                } = host;
                Either::Left(view! {
                    <ConnectScreen
                        config
                        events_target=target
                        get_session=get_session
                        get_status=get_status
                    />
                })
            }
            Err(errors) => Either::Right(view! {
                <ConfigErrors errors locale attribute_prefix=prefix />
            }),
        }
    })))
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

/// What a handle shows: the checked settings, which of the host's functions are given, and
/// whether the messages of the screen's language were at hand (a screen shown in English while
/// they were not is shown again once they are).
type Shown = (Result<Config, Vec<ConfigError>>, [bool; 2], bool);

/// A screen mounted from JavaScript (the loader's `mount()` and each `<thryve-connect>`):
/// settings can change while it is shown, and it is removed completely by
/// [`MountHandle::unmount`].
#[wasm_bindgen]
pub struct MountHandle {
    element: web_sys::HtmlElement,
    shown: Option<Shown>,
    mounted: Option<Mounted>,
    carry: SessionCarry,
    callbacks: JsCallbacks,
    key: String,
}

#[wasm_bindgen]
impl MountHandle {
    /// Reads the settings again (the attributes, the JSON block and `object`, the settings
    /// object as JSON) and, when they changed, shows the screen with them. `callbacks` holds the
    /// settings' functions (`getSession`, `getStatus`), which JSON cannot carry; new functions
    /// are used from the next call on, without a new screen. A session still fresh is kept when
    /// the token endpoint and the language stay the same.
    pub fn update(&mut self, object: Option<String>, callbacks: JsValue) {
        if self.callbacks.replace(&callbacks) {
            // Another `getSession` may be another signed-in user: no session is carried over.
            self.carry = SessionCarry::default();
            self.mounted = None;
        }
        let locale = given_locale(&self.element, object.as_deref());
        let mut settings = settings_of(&self.element);
        settings.object = object;
        let config = checked(settings, self.key.clone());
        let messages = crate::i18n::has_language(match &config {
            Ok(config) => config.locale,
            Err(_) => shown_language(locale.as_deref()),
        });
        let shown = (config, self.callbacks.present(), messages);
        if self.mounted.is_some() && self.shown.as_ref() == Some(&shown) {
            return;
        }
        // The old screen goes first: its cleanup must not run after the new one started.
        self.mounted = None;
        let host = self.callbacks.host_api();
        self.mounted = Some(render(
            self.element.clone(),
            shown.0.clone(),
            locale,
            self.carry.clone(),
            host,
        ));
        self.shown = Some(shown);
    }

    /// Removes the screen: its requests are cancelled, its timers and listeners stopped, and it
    /// sends no event afterwards. The element's own content (a JSON block) stays.
    pub fn unmount(&mut self) {
        self.mounted = None;
        self.shown = None;
        let _ = self.element.remove_attribute(MOUNTED_MARK);
    }
}

/// Mounts the screen into `element` with the settings of its attributes, JSON block and
/// `object` (the settings object as JSON), and the settings' functions in `callbacks`; the
/// loader calls this.
#[wasm_bindgen(js_name = mountElement)]
pub fn mount_element(
    element: web_sys::HtmlElement,
    object: Option<String>,
    callbacks: JsValue,
) -> MountHandle {
    let key = screen_key(&element);
    let mut handle = MountHandle {
        element,
        shown: None,
        mounted: None,
        carry: SessionCarry::default(),
        callbacks: JsCallbacks::default(),
        key,
    };
    handle.update(object, callbacks);
    handle
}
