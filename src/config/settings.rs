//! The host's settings as given: the text of each data attribute, and the JSON block.

use crate::catalogue::SourceId;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The host's settings as given: each field is the text of the data attribute named beside it.
/// `None` means "not set" (the default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `data-token-endpoint`
    pub token_endpoint: Option<String>,
    /// `data-status-endpoint`
    pub status_endpoint: Option<String>,
    /// `data-thryve-base-url`
    pub thryve_base_url: Option<String>,
    /// `data-redirect-uri`
    pub redirect_uri: Option<String>,
    /// `data-sources`: comma-separated IDs in display order
    pub sources: Option<String>,
    /// `data-open`: `same-tab` | `new-tab`
    pub open: Option<String>,
    /// `data-disconnect`: `background` | `navigate`
    pub disconnect: Option<String>,
    /// `data-locale`
    pub locale: Option<String>,
    /// `data-show-native`: `true` | `false`
    pub show_native: Option<String>,
    /// `data-token-max-age`: seconds
    pub token_max_age: Option<String>,
    /// `data-request-timeout`: seconds
    pub request_timeout: Option<String>,
    /// `data-heading-level`: 1 to 6, the level of the screen's title (2 by default, to sit under
    /// the host page's own `h1`)
    pub heading_level: Option<String>,
    /// The text of a `<script type="application/json">` inside the mount element: see [`Extras`].
    pub json: Option<String>,
}

/// Where a data attribute's text goes in [`Settings`].
pub type SettingsField = fn(&mut Settings) -> &mut Option<String>;

impl Settings {
    /// The data attributes, by name, and the field each fills.
    pub const ATTRIBUTES: &'static [(&'static str, SettingsField)] = &[
        ("data-token-endpoint", |s| &mut s.token_endpoint),
        ("data-status-endpoint", |s| &mut s.status_endpoint),
        ("data-thryve-base-url", |s| &mut s.thryve_base_url),
        ("data-redirect-uri", |s| &mut s.redirect_uri),
        ("data-sources", |s| &mut s.sources),
        ("data-open", |s| &mut s.open),
        ("data-disconnect", |s| &mut s.disconnect),
        ("data-locale", |s| &mut s.locale),
        ("data-show-native", |s| &mut s.show_native),
        ("data-token-max-age", |s| &mut s.token_max_age),
        ("data-request-timeout", |s| &mut s.request_timeout),
        ("data-heading-level", |s| &mut s.heading_level),
    ];

    /// Fills settings from an attribute reader (`Element::get_attribute` in the browser).
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Settings {
        let mut settings = Settings::default();
        for (name, field) in Self::ATTRIBUTES {
            *field(&mut settings) = get(name);
        }
        settings
    }
}

/// What the JSON settings block may hold: what attributes cannot say well.
///
/// ```json
/// { "sources": [11, 1, 18], "names": {"1": "Fitbit"}, "logos": {"1": "/img/fitbit.svg"},
///   "featured": [18], "hidden": [2] }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extras {
    /// Display order; wins over `data-sources` when both are given.
    #[serde(default)]
    pub sources: Option<Vec<SourceId>>,
    /// Display names that replace the catalogue's (and name sources it does not know yet).
    #[serde(default)]
    pub names: BTreeMap<SourceId, String>,
    /// Logo image URLs, by source.
    #[serde(default)]
    pub logos: BTreeMap<SourceId, String>,
    /// Sources shown first and marked as recommended.
    #[serde(default)]
    pub featured: Vec<SourceId>,
    /// Sources never shown.
    #[serde(default)]
    pub hidden: Vec<SourceId>,
}
