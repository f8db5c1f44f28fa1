//! The screen's settings: the raw strings a host gives ([`Settings`], from data attributes or
//! code) and their validated form ([`Config`]). Every rule about what is allowed lives in this
//! module: `settings` (what may be given), `rules` (how each value is checked), and here (how
//! they combine).

mod rules;
mod settings;

pub use rules::choose_locale;
use rules::*;
pub use settings::{Extras, Settings};

use crate::catalogue::{Selection, Source, SourceId};
use std::fmt;
use url::Url;

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

/// One thing wrong with the settings, named after the attribute it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The attribute (`data-sources`, …) or JSON field concerned.
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

        let token_endpoint = checker.check(
            "data-token-endpoint",
            http_url(
                page,
                non_empty(&settings.token_endpoint).unwrap_or(DEFAULT_TOKEN_ENDPOINT),
            ),
        );
        let status_endpoint = match non_empty(&settings.status_endpoint) {
            Some(value) => checker
                .check("data-status-endpoint", http_url(page, value))
                .map(Some),
            None => Some(None),
        };
        let thryve_base = checker.check(
            "data-thryve-base-url",
            thryve_base(
                page,
                non_empty(&settings.thryve_base_url).unwrap_or(DEFAULT_THRYVE_BASE_URL),
            ),
        );
        let redirect_uri = match non_empty(&settings.redirect_uri) {
            Some(value) => checker
                .check("data-redirect-uri", redirect(page, value))
                .map(Some),
            None => Some(None),
        };
        let open = checker.check(
            "data-open",
            choice(
                &settings.open,
                &[
                    ("same-tab", OpenMode::SameTab),
                    ("new-tab", OpenMode::NewTab),
                ],
            ),
        );
        let disconnect = checker.check(
            "data-disconnect",
            choice(
                &settings.disconnect,
                &[
                    ("background", DisconnectMode::Background),
                    ("navigate", DisconnectMode::Navigate),
                ],
            ),
        );
        let show_native = checker.check(
            "data-show-native",
            choice(&settings.show_native, &[("false", false), ("true", true)]),
        );
        let token_max_age = checker.check(
            "data-token-max-age",
            number(
                &settings.token_max_age,
                DEFAULT_TOKEN_MAX_AGE_SECS,
                1..=24 * 60 * 60,
                " of seconds",
            ),
        );
        let request_timeout = checker.check(
            "data-request-timeout",
            number(
                &settings.request_timeout,
                DEFAULT_REQUEST_TIMEOUT_SECS,
                1..=120,
                " of seconds",
            ),
        );
        let heading_level = checker.check(
            "data-heading-level",
            number(&settings.heading_level, 2, 1..=6, ""),
        );
        let locale = checker.check("data-locale", locale(settings.locale.as_deref(), languages));
        let order = checker.check("data-sources", source_list(settings.sources.as_deref()));
        let extras = match non_empty(&settings.json) {
            Some(text) => checker.check(
                "JSON settings",
                serde_json::from_str::<Extras>(text).map_err(|e| e.to_string()),
            ),
            None => Some(Extras::default()),
        };
        let sources = match (order, extras, show_native) {
            (Some(order), Some(extras), Some(show_native)) => checker.check(
                "data-sources",
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
            ),
            _ => None,
        };

        match (
            token_endpoint,
            status_endpoint,
            thryve_base,
            redirect_uri,
            open,
            disconnect,
            token_max_age,
            request_timeout,
            locale,
            sources,
            heading_level,
        ) {
            (
                Some(token_endpoint),
                Some(status_endpoint),
                Some(thryve_base),
                Some(redirect_uri),
                Some(open),
                Some(disconnect),
                Some(token_max_age),
                Some(request_timeout),
                Some(locale),
                Some(sources),
                Some(heading_level),
            ) if errors.is_empty() => Ok(Config {
                token_endpoint,
                status_endpoint,
                thryve_base,
                redirect_uri,
                sources,
                open,
                disconnect,
                locale,
                token_max_age_ms: token_max_age * 1000,
                request_timeout_ms: (request_timeout * 1000) as u32,
                heading_level: heading_level as u8,
            }),
            _ => Err(errors),
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn page() -> Url {
        Url::parse("https://app.example.com/settings/sources?tab=health").unwrap()
    }

    fn config(settings: Settings) -> Result<Config, Vec<ConfigError>> {
        Config::from_settings(&settings, &page(), &[])
    }

    fn errors_for(settings: Settings) -> Vec<&'static str> {
        config(settings)
            .unwrap_err()
            .iter()
            .map(|e| e.setting)
            .collect()
    }

    #[test]
    fn defaults() {
        let config = config(Settings::default()).unwrap();
        assert_eq!(
            config.token_endpoint.as_str(),
            "https://app.example.com/api/connection-session"
        );
        assert_eq!(config.status_endpoint, None);
        assert_eq!(config.thryve_base.as_str(), DEFAULT_THRYVE_BASE_URL);
        assert_eq!(config.redirect_uri, None);
        assert_eq!(config.open, OpenMode::SameTab);
        assert_eq!(config.disconnect, DisconnectMode::Background);
        assert_eq!(config.locale, "en");
        assert_eq!(config.token_max_age_ms, 300_000);
        assert_eq!(config.request_timeout_ms, 10_000);
        assert_eq!(config.heading_level, 2);
        assert_eq!(config.sources.len(), 16);
        assert!(config.sources.iter().all(|s| s.is_web()));
    }

    #[test]
    fn empty_attributes_mean_the_default() {
        let blank = Settings::from_attributes(|_| Some("  ".to_owned()));
        let config = config(blank).unwrap();
        assert_eq!(
            config.token_endpoint.as_str(),
            "https://app.example.com/api/connection-session"
        );
        assert_eq!(
            config,
            super::Config::from_settings(&Settings::default(), &page(), &[]).unwrap()
        );
    }

    #[test]
    fn reads_every_attribute() {
        let attributes = BTreeMap::from([
            ("data-token-endpoint", "https://api.example.com/session"),
            ("data-status-endpoint", "/api/status"),
            ("data-thryve-base-url", "http://127.0.0.1:3000/sandbox"),
            ("data-redirect-uri", "/settings/done#x"),
            ("data-sources", " 11, 1,5 ,"),
            ("data-open", "new-tab"),
            ("data-disconnect", "NAVIGATE"),
            ("data-locale", "de-CH"),
            ("data-show-native", "true"),
            ("data-token-max-age", "60"),
            ("data-request-timeout", "3"),
            ("data-heading-level", "1"),
        ]);
        let settings =
            Settings::from_attributes(|name| attributes.get(name).map(|v| v.to_string()));
        let config = config(settings).unwrap();
        assert_eq!(
            config.token_endpoint.as_str(),
            "https://api.example.com/session"
        );
        assert_eq!(
            config.status_endpoint.unwrap().as_str(),
            "https://app.example.com/api/status"
        );
        assert_eq!(
            config.thryve_base.as_str(),
            "http://127.0.0.1:3000/sandbox/"
        );
        assert_eq!(
            config.redirect_uri.unwrap().as_str(),
            "https://app.example.com/settings/done#x"
        );
        let ids: Vec<_> = config.sources.iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![11, 1, 5]);
        assert_eq!(config.open, OpenMode::NewTab);
        assert_eq!(config.disconnect, DisconnectMode::Navigate);
        assert_eq!(config.locale, "de");
        assert_eq!(config.token_max_age_ms, 60_000);
        assert_eq!(config.request_timeout_ms, 3_000);
        assert_eq!(config.heading_level, 1);
    }

    #[test]
    fn every_bad_setting_is_named_at_once() {
        let settings = Settings {
            token_endpoint: Some("ftp://x/".into()),
            status_endpoint: Some("javascript:alert(1)".into()),
            thryve_base_url: Some("https://service2.und-gesund.de/?x=1".into()),
            redirect_uri: Some("https://evil.example.net/".into()),
            sources: Some("1,two".into()),
            open: Some("popup".into()),
            disconnect: Some("never".into()),
            locale: Some("klingon!".into()),
            show_native: Some("yes".into()),
            token_max_age: Some("0".into()),
            request_timeout: Some("-1".into()),
            heading_level: Some("7".into()),
            json: None,
        };
        let errors = errors_for(settings);
        for attribute in Settings::ATTRIBUTES.iter().map(|(name, _)| *name) {
            assert!(
                errors.contains(&attribute),
                "{attribute} not reported: {errors:?}"
            );
        }
    }

    #[test]
    fn redirect_must_be_same_origin() {
        let err = config(Settings {
            redirect_uri: Some("https://other.example.com/back".into()),
            ..Settings::default()
        })
        .unwrap_err();
        assert_eq!(err[0].setting, "data-redirect-uri");
        assert!(err[0].problem.contains("another origin"));
        assert!(config(Settings {
            redirect_uri: Some("https://app.example.com/back".into()),
            ..Settings::default()
        })
        .is_ok());
    }

    #[test]
    fn end_of_life_and_unknown_sources_are_config_errors() {
        assert_eq!(
            errors_for(Settings {
                sources: Some("1,12".into()),
                ..Settings::default()
            }),
            vec!["data-sources"]
        );
        assert_eq!(
            errors_for(Settings {
                sources: Some("77".into()),
                ..Settings::default()
            }),
            vec!["data-sources"]
        );
    }

    #[test]
    fn json_block_customises_the_list() {
        let config = config(Settings {
            sources: Some("1,2".into()),
            json: Some(
                r#"{"sources":[18,1,77],"names":{"77":"Newcomer"},"logos":{"1":"/f.svg"},"featured":[1],"hidden":[18]}"#
                    .into(),
            ),
            ..Settings::default()
        })
        .unwrap();
        let shown: Vec<_> = config
            .sources
            .iter()
            .map(|s| (s.id, s.name.as_str()))
            .collect();
        assert_eq!(shown, vec![(1, "Fitbit"), (77, "Newcomer")]);
        assert_eq!(config.sources[0].logo.as_deref(), Some("/f.svg"));
        assert!(config.sources[0].featured);

        assert_eq!(
            errors_for(Settings {
                json: Some(r#"{"colour":"red"}"#.into()),
                ..Settings::default()
            }),
            vec!["JSON settings"]
        );
        assert_eq!(
            errors_for(Settings {
                json: Some("{".into()),
                ..Settings::default()
            }),
            vec!["JSON settings"]
        );
    }

    #[test]
    fn locale_preference_order() {
        let languages = vec!["fr-FR".to_owned(), "de".to_owned()];
        let pick = |locale: Option<&str>| {
            Config::from_settings(
                &Settings {
                    locale: locale.map(str::to_owned),
                    ..Settings::default()
                },
                &page(),
                &languages,
            )
            .unwrap()
            .locale
        };
        assert_eq!(pick(Some("es")), "es");
        assert_eq!(
            pick(Some("it")),
            "fr",
            "unsupported explicit locale falls through"
        );
        assert_eq!(pick(None), "fr");
        assert_eq!(pick(Some("")), "fr");
    }

    #[test]
    fn default_redirect_is_the_current_page_without_results() {
        let config = config(Settings::default()).unwrap();
        let current =
            Url::parse("https://app.example.com/s?tab=a&connected=true&dataSource=1#f").unwrap();
        assert_eq!(
            config.redirect_for(&current).as_str(),
            "https://app.example.com/s?tab=a#f"
        );
        let plain = Url::parse("https://app.example.com/s").unwrap();
        assert_eq!(config.redirect_for(&plain), plain);
    }

    proptest! {
        #[test]
        fn arbitrary_settings_never_panic(
            values in proptest::collection::vec(proptest::option::of(".{0,40}"), 13)
        ) {
            let mut settings = Settings::default();
            for ((_, field), value) in Settings::ATTRIBUTES.iter().zip(&values) {
                *field(&mut settings) = value.clone();
            }
            settings.json = values[12].clone();
            let _ = Config::from_settings(&settings, &page(), &["de".to_owned()]);
        }
    }
}
