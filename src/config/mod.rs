//! The screen's settings: the raw strings a host gives ([`Settings`], from data attributes or
//! code) and their validated form ([`Config`]). Every rule about what is allowed lives in this
//! module: `settings` (what may be given), `rules` (how each value is checked), and here (how
//! they combine).

mod builder;
mod rules;
mod settings;

pub use builder::ConfigBuilder;

pub use rules::choose_locale;
use rules::*;
pub(crate) use settings::scalar_text;
pub use settings::{Extras, Settings, DATA_PREFIX};

use crate::catalogue::{Selection, Source, SourceId};
use std::fmt;
use thryve_connect_protocol::address::Url;

/// The token endpoint used when none is set: the reference server's.
pub const DEFAULT_TOKEN_ENDPOINT: &str = thryve_connect_protocol::endpoint::SESSION_PATH;
/// Thryve's direct connection pages.
pub const DEFAULT_THRYVE_BASE_URL: &str = thryve_connect_protocol::thryve::DEFAULT_CONNECT_BASE;
pub const DEFAULT_TOKEN_MAX_AGE_SECS: u64 = 5 * 60;
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 10;

/// How a connect (and a navigating disconnect) is opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpenMode {
    /// Navigate this window; Thryve sends the user back to `redirect_uri`.
    #[default]
    SameTab,
    /// Open a new tab without `redirect_uri`; the user closes it on Thryve's result page.
    NewTab,
}

/// How a disconnect is carried out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DisconnectMode {
    /// A background GET of the revoke URL; the page stays.
    #[default]
    Background,
    /// Open the revoke URL like a connect.
    Navigate,
}

/// What requests to the token and status endpoints carry (`credentials`), as in `fetch`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Credentials {
    /// Cookies for this page's origin only (an endpoint on the same origin).
    #[default]
    SameOrigin,
    /// Cookies also for another origin (that endpoint must allow them with CORS).
    Include,
    /// No cookies at all.
    Omit,
}

impl Credentials {
    /// The setting's value, as `fetch` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Credentials::SameOrigin => "same-origin",
            Credentials::Include => "include",
            Credentials::Omit => "omit",
        }
    }
}

/// Extra request headers, by name. Their values may be secrets: `Debug` shows only the names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| format!("{name}: …")))
            .finish()
    }
}

/// A theme forced by the host (`theme`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Light colours whatever the system prefers.
    Light,
    /// Dark colours whatever the system prefers.
    Dark,
}

impl Theme {
    /// The value of the screen's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// One thing wrong with the settings, named after the attribute it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The attribute concerned, without the `data-` prefix (`sources`, …), or "JSON settings"
    /// (the JSON block), or "settings" (the settings object).
    pub setting: &'static str,
    /// What is wrong with it, for the developer (English).
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Validated settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The host's token endpoint (`POST`), absolute.
    pub token_endpoint: Url,
    /// The host's status endpoint (`GET`), absolute, if there is one.
    pub status_endpoint: Option<Url>,
    /// Ends with `/`.
    pub thryve_base: Url,
    /// The configured redirect; without one, same-tab flows come back to the current page.
    pub redirect_uri: Option<Url>,
    /// The list to show, in order.
    pub sources: Vec<Source>,
    /// How a connect is opened.
    pub open: OpenMode,
    /// How a disconnect is carried out.
    pub disconnect: DisconnectMode,
    /// A code from [`i18n::available`].
    pub locale: &'static str,
    /// How long a session token is used before a new one is fetched.
    pub token_max_age_ms: u64,
    /// The deadline of every request.
    pub request_timeout_ms: u32,
    /// 1 to 6.
    pub heading_level: u8,
    /// A forced theme; the system's when `None`.
    pub theme: Option<Theme>,
    /// What requests to the token and status endpoints carry.
    pub credentials: Credentials,
    /// Extra request headers for the token and status endpoints (from the settings object or
    /// the builder only).
    pub headers: Headers,
    /// The host's own wording for messages, by key (see [`Extras::texts`]).
    pub texts: Vec<(String, String)>,
    /// Whether the loader sends the first session and status requests before the app arrives
    /// (read by the loader; kept here so that it is checked like every other setting).
    pub prefetch: bool,
    /// Tells several screens on one page apart: a result coming back from Thryve is shown only
    /// by the screen with the key that started the attempt. The mount functions use the
    /// element's `id`, else its position among the page's screens; empty by default.
    pub screen_key: String,
}

impl Config {
    /// Validates settings for a page at `page`, whose preferred languages (the page's `lang`,
    /// then the browser's) are `languages`. Returns every problem at once.
    pub fn from_settings(
        settings: &Settings,
        page: &Url,
        languages: &[String],
    ) -> Result<Config, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut checker = Checker(&mut errors);

        let mut extras = match non_empty(&settings.json) {
            Some(text) => checker.check("JSON settings", Extras::from_json(text)),
            None => Some(Extras::default()),
        };
        let given = settings;
        let mut settings = given.clone();
        if let (Some(text), Some(extras)) = (non_empty(&given.object), extras.as_mut()) {
            if let Err(problems) = settings::apply_object(text, &mut settings, extras) {
                for problem in problems {
                    checker.check::<()>("settings", Err(problem));
                }
            }
        }
        let settings = &settings;

        // Each field is replaced by its setting's checked value (the value here is the default
        // for the optional ones, a stand-in for the others: the page's address for the two URLs,
        // 0 for the two times); returned only when no check failed, so no stand-in is left.
        let mut config = Config {
            token_endpoint: page.clone(),
            status_endpoint: None,
            thryve_base: page.clone(),
            redirect_uri: None,
            sources: Vec::new(),
            open: OpenMode::default(),
            disconnect: DisconnectMode::default(),
            locale: crate::i18n::DEFAULT_LOCALE,
            token_max_age_ms: 0,
            request_timeout_ms: 0,
            heading_level: 2,
            theme: None,
            credentials: Credentials::default(),
            headers: Headers::default(),
            texts: Vec::new(),
            prefetch: true,
            screen_key: String::new(),
        };
        checker.set(
            "token-endpoint",
            &mut config.token_endpoint,
            http_url(
                page,
                non_empty(&settings.token_endpoint).unwrap_or(DEFAULT_TOKEN_ENDPOINT),
            ),
        );
        if let Some(value) = non_empty(&settings.status_endpoint) {
            checker.set(
                "status-endpoint",
                &mut config.status_endpoint,
                http_url(page, value).map(Some),
            );
        }
        checker.set(
            "thryve-base-url",
            &mut config.thryve_base,
            thryve_base(
                page,
                non_empty(&settings.thryve_base_url).unwrap_or(DEFAULT_THRYVE_BASE_URL),
            ),
        );
        if let Some(value) = non_empty(&settings.redirect_uri) {
            checker.set(
                "redirect-uri",
                &mut config.redirect_uri,
                redirect(page, value).map(Some),
            );
        }
        checker.set(
            "open",
            &mut config.open,
            choice(
                &settings.open,
                ["same-tab", "new-tab"],
                [OpenMode::SameTab, OpenMode::NewTab],
            ),
        );
        checker.set(
            "disconnect",
            &mut config.disconnect,
            choice(
                &settings.disconnect,
                ["background", "navigate"],
                [DisconnectMode::Background, DisconnectMode::Navigate],
            ),
        );
        let show_native = checker.check(
            "show-native",
            choice(&settings.show_native, ["false", "true"], [false, true]),
        );
        checker.set(
            "token-max-age",
            &mut config.token_max_age_ms,
            number(
                &settings.token_max_age,
                DEFAULT_TOKEN_MAX_AGE_SECS,
                1..=24 * 60 * 60,
                " of seconds",
            )
            .map(|seconds| seconds * 1000),
        );
        checker.set(
            "request-timeout",
            &mut config.request_timeout_ms,
            number(
                &settings.request_timeout,
                DEFAULT_REQUEST_TIMEOUT_SECS,
                1..=120,
                " of seconds",
            )
            .map(|seconds| seconds as u32 * 1000),
        );
        checker.set(
            "heading-level",
            &mut config.heading_level,
            number(&settings.heading_level, 2, 1..=6, "").map(|level| level as u8),
        );
        checker.set(
            "locale",
            &mut config.locale,
            locale(settings.locale.as_deref(), languages),
        );
        let order = checker.check("sources", source_list(settings.sources.as_deref()));
        checker.set(
            "theme",
            &mut config.theme,
            choice(
                &settings.theme,
                ["light", "dark"],
                [Some(Theme::Light), Some(Theme::Dark)],
            ),
        );
        checker.set(
            "prefetch",
            &mut config.prefetch,
            choice(
                &settings.prefetch,
                ["true", "false"],
                [Some(true), Some(false)],
            )
            .map(|prefetch| prefetch.unwrap_or(true)),
        );
        checker.set(
            "credentials",
            &mut config.credentials,
            choice(
                &settings.credentials,
                ["same-origin", "include", "omit"],
                [
                    Credentials::SameOrigin,
                    Credentials::Include,
                    Credentials::Omit,
                ],
            ),
        );
        if let (Some(order), Some(extras), Some(show_native)) = (order, extras, show_native) {
            config.headers = Headers(extras.headers);
            config.texts = extras.texts;
            checker.set(
                "sources",
                &mut config.sources,
                Selection {
                    order: extras.sources.or(order),
                    hidden: extras.hidden,
                    featured: extras.featured,
                    names: extras.names,
                    logos: extras.logos,
                    show_native,
                }
                .resolve()
                .map_err(|e| e.to_string()),
            );
        }

        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Where Thryve should send the user back to, seen from the page at `current`: the configured
    /// redirect, else the current page without result parameters.
    pub fn redirect_for(&self, current: &Url) -> Url {
        self.redirect_uri.clone().unwrap_or_else(|| {
            crate::outcome::clean_address(current).unwrap_or_else(|| current.clone())
        })
    }

    /// The source with this ID, if the screen shows it.
    pub fn source(&self, id: SourceId) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
