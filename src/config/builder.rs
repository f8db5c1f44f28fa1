//! A typed way for Rust callers to give the settings, checked by the same rules as the
//! attributes (it is turned into the same settings object a script would pass).

use super::{Config, ConfigError, Credentials, DisconnectMode, OpenMode, Settings, Theme};
use crate::catalogue::SourceId;
use std::time::Duration;
use thryve_connect_protocol::address::Url;
use thryve_connect_protocol::json::Json;

/// Builds a [`Config`] from typed values: `Config::builder(page).sources([11, 1, 18])
/// .open(OpenMode::NewTab).build()?`. Anything not set takes its default.
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the Config"]
pub struct ConfigBuilder {
    page: Url,
    languages: Vec<String>,
    object: Json,
    screen_key: String,
}

impl Config {
    /// A builder for a screen on the page at `page` (relative URLs resolve against it).
    pub fn builder(page: Url) -> ConfigBuilder {
        ConfigBuilder {
            page,
            languages: Vec::new(),
            object: Json::Object(Vec::new()),
            screen_key: String::new(),
        }
    }
}

impl ConfigBuilder {
    fn set(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.object.set(key, value.into());
        self
    }

    /// Sets `name` in the object-valued setting `key` (`headers`, `texts`), creating it.
    fn set_member(self, key: &str, name: &str, value: String) -> Self {
        let mut members = self
            .object
            .get(key)
            .cloned()
            .unwrap_or(Json::Object(Vec::new()));
        members.set(name, Json::String(value));
        self.set(key, members)
    }

    /// The host's token endpoint (absolute, or relative to the page).
    pub fn token_endpoint(self, url: impl Into<String>) -> Self {
        self.set("tokenEndpoint", url.into())
    }

    /// The host's status endpoint.
    pub fn status_endpoint(self, url: impl Into<String>) -> Self {
        self.set("statusEndpoint", url.into())
    }

    /// Thryve's connection pages (the sandbox's in tests).
    pub fn thryve_base_url(self, url: impl Into<String>) -> Self {
        self.set("thryveBaseUrl", url.into())
    }

    /// Where Thryve sends the user back to (same origin as the page).
    pub fn redirect_uri(self, url: impl Into<String>) -> Self {
        self.set("redirectUri", url.into())
    }

    /// The sources to show, in this order.
    pub fn sources(self, ids: impl IntoIterator<Item = SourceId>) -> Self {
        let ids: Vec<SourceId> = ids.into_iter().collect();
        self.set("sources", ids)
    }

    /// How a connect is opened.
    pub fn open(self, mode: OpenMode) -> Self {
        self.set(
            "open",
            match mode {
                OpenMode::SameTab => "same-tab",
                OpenMode::NewTab => "new-tab",
            },
        )
    }

    /// How a disconnect is carried out.
    pub fn disconnect(self, mode: DisconnectMode) -> Self {
        self.set(
            "disconnect",
            match mode {
                DisconnectMode::Background => "background",
                DisconnectMode::Navigate => "navigate",
            },
        )
    }

    /// The language (a tag such as `de` or `en-GB`); without it the `languages` decide.
    pub fn locale(self, tag: impl Into<String>) -> Self {
        self.set("locale", tag.into())
    }

    /// The page's and the browser's preferred languages, in order (see
    /// [`crate::preferred_languages`]).
    pub fn languages(mut self, languages: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.languages = languages.into_iter().map(Into::into).collect();
        self
    }

    /// Whether sources that connect through the mobile SDK are listed too.
    pub fn show_native(self, show: bool) -> Self {
        self.set("showNative", show)
    }

    /// How long a session token is used (whole seconds, 1 s to 24 h).
    pub fn token_max_age(self, age: Duration) -> Self {
        self.set("tokenMaxAge", age.as_secs())
    }

    /// The deadline of every request (whole seconds, 1 s to 120 s).
    pub fn request_timeout(self, timeout: Duration) -> Self {
        self.set("requestTimeout", timeout.as_secs())
    }

    /// The level of the screen's title, 1 to 6.
    pub fn heading_level(self, level: u8) -> Self {
        self.set("headingLevel", u32::from(level))
    }

    /// Forces a theme.
    pub fn theme(self, theme: Theme) -> Self {
        self.set("theme", theme.as_str())
    }

    /// Display names that replace the catalogue's (and name sources it does not know yet).
    pub fn names<N: Into<String>>(self, names: impl IntoIterator<Item = (SourceId, N)>) -> Self {
        self.set("names", by_source(names))
    }

    /// Logo image URLs, by source.
    pub fn logos<L: Into<String>>(self, logos: impl IntoIterator<Item = (SourceId, L)>) -> Self {
        self.set("logos", by_source(logos))
    }

    /// Sources shown first and marked as recommended.
    pub fn featured(self, ids: impl IntoIterator<Item = SourceId>) -> Self {
        self.set("featured", ids.into_iter().collect::<Vec<_>>())
    }

    /// Sources never shown.
    pub fn hidden(self, ids: impl IntoIterator<Item = SourceId>) -> Self {
        self.set("hidden", ids.into_iter().collect::<Vec<_>>())
    }

    /// What requests to the token and status endpoints carry.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.set("credentials", credentials.as_str())
    }

    /// An extra request header for the token and status endpoints (e.g. `Authorization`).
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_member("headers", &name.into(), value.into())
    }

    /// The host's own wording for a message, in the screen's language: `"title"`, `"intro"`,
    /// `"button.connect"`, `"summary.connected.other"`, … (the keys of `locales/en.txt`).
    pub fn text(self, key: impl Into<String>, text: impl Into<String>) -> Self {
        self.set_member("texts", &key.into(), text.into())
    }

    /// Tells this screen apart from others on the page (see [`Config::screen_key`]).
    pub fn screen_key(mut self, key: impl Into<String>) -> Self {
        self.screen_key = key.into();
        self
    }

    /// Checks everything (the rules of the attributes) and returns every problem at once.
    pub fn build(self) -> Result<Config, Vec<ConfigError>> {
        let settings = Settings {
            object: Some(self.object.to_string()),
            ..Settings::default()
        };
        let mut config = Config::from_settings(&settings, &self.page, &self.languages)?;
        config.screen_key = self.screen_key;
        Ok(config)
    }
}

fn by_source<T: Into<String>>(entries: impl IntoIterator<Item = (SourceId, T)>) -> Json {
    Json::Object(
        entries
            .into_iter()
            .map(|(id, value)| (id.to_string(), Json::String(value.into())))
            .collect(),
    )
}
