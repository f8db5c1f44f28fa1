//! Host tests of the settings rules.
use super::settings::camel_case;
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
    let blank = Settings::from_attributes(DATA_PREFIX, |_| Some("  ".to_owned()));
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
        ("token-endpoint", "https://api.example.com/session"),
        ("status-endpoint", "/api/status"),
        ("thryve-base-url", "http://127.0.0.1:3000/sandbox"),
        ("redirect-uri", "/settings/done#x"),
        ("sources", " 11, 1,5 ,"),
        ("open", "new-tab"),
        ("disconnect", "NAVIGATE"),
        ("locale", "de-CH"),
        ("show-native", "true"),
        ("token-max-age", "60"),
        ("request-timeout", "3"),
        ("heading-level", "1"),
        ("theme", "Dark"),
        ("prefetch", "false"),
    ]);
    // A <div> mount: each attribute with the data- prefix.
    let settings = Settings::from_attributes(DATA_PREFIX, |name| {
        let name = name.strip_prefix(DATA_PREFIX)?;
        attributes.get(name).map(|v| v.to_string())
    });
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
    assert_eq!(config.theme, Some(Theme::Dark));
    assert!(!config.prefetch);
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
        theme: Some("sepia".into()),
        prefetch: Some("maybe".into()),
        credentials: Some("always".into()),
        json: None,
        object: None,
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
    assert_eq!(err[0].setting, "redirect-uri");
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
        vec!["sources"]
    );
    assert_eq!(
        errors_for(Settings {
            sources: Some("77".into()),
            ..Settings::default()
        }),
        vec!["sources"]
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
        pick(Some("sv")),
        "fr",
        "unsupported explicit locale falls through"
    );
    assert_eq!(pick(Some("pt-br")), "pt-BR");
    assert_eq!(
        pick(Some("pt-PT")),
        "pt-BR",
        "the language in another region"
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
        values in proptest::collection::vec(proptest::option::of(".{0,40}"), 17)
    ) {
        let mut settings = Settings::default();
        for ((_, field), value) in Settings::ATTRIBUTES.iter().zip(&values) {
            *field(&mut settings) = value.clone();
        }
        settings.json = values[15].clone();
        settings.object = values[16].clone();
        let _ = Config::from_settings(&settings, &page(), &["de".to_owned()]);
    }
}

#[test]
fn the_element_takes_the_attributes_without_prefix() {
    let settings = Settings::from_attributes("", |name| match name {
        "sources" => Some("11,1".to_owned()),
        "open" => Some("new-tab".to_owned()),
        _ => None,
    });
    let config = config(settings).unwrap();
    let ids: Vec<_> = config.sources.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![11, 1]);
    assert_eq!(config.open, OpenMode::NewTab);
    assert_eq!(camel_case("thryve-base-url"), "thryveBaseUrl");
}

#[test]
fn the_settings_object_wins_over_attributes_and_json() {
    let config = config(Settings {
        sources: Some("1,2".into()),
        open: Some("new-tab".into()),
        heading_level: Some("1".into()),
        json: Some(r#"{"names":{"1":"From the block"},"hidden":[18]}"#.into()),
        object: Some(
            r#"{"sources":[18,1],"open":null,"headingLevel":3,"showNative":false,
                "names":{"1":"From the object"},"theme":"light"}"#
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
    // The object's names replace the block's; the block's `hidden` stays.
    assert_eq!(shown, vec![(1, "From the object")]);
    assert_eq!(
        config.open,
        OpenMode::NewTab,
        "null is not given: the attribute applies"
    );
    assert_eq!(config.heading_level, 3);
    assert_eq!(config.theme, Some(Theme::Light));

    let also_text = config_of_object(r#"{"sources":"11, 1"}"#).unwrap();
    assert_eq!(also_text.sources.len(), 2);
    assert!(
        config_of_object(r#"{"headers":null,"names":null,"hidden":null,"getSession":null}"#)
            .is_ok(),
        "null is never an error"
    );
}

fn config_of_object(object: &str) -> Result<Config, Vec<ConfigError>> {
    config(Settings {
        object: Some(object.into()),
        ..Settings::default()
    })
}

#[test]
fn every_problem_of_the_settings_object_is_named() {
    let errors =
        config_of_object(r#"{"colour":"red","open":{"a":1},"featured":"18","headingLevel":9}"#)
            .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 4, "{text:?}");
    assert!(text
        .iter()
        .any(|t| t.starts_with("settings: \"colour\" is not a setting")));
    assert!(text.iter().any(|t| t.contains("\"open\" must be a string")));
    assert!(text.iter().any(|t| t.contains("\"featured\" is not valid")));
    assert!(text.iter().any(|t| t.starts_with("heading-level:")));
    assert_eq!(
        errors_for(Settings {
            object: Some("[1]".into()),
            ..Settings::default()
        }),
        vec!["settings"]
    );
}

#[test]
fn the_builder_applies_the_same_rules() {
    let config = Config::builder(page())
        .token_endpoint("/session")
        .sources([11, 1, 18])
        .open(OpenMode::NewTab)
        .disconnect(DisconnectMode::Navigate)
        .names([(1, "Fitbit (work)")])
        .logos([(11, "/img/withings.svg")])
        .featured([18])
        .token_max_age(std::time::Duration::from_secs(90))
        .heading_level(3)
        .theme(Theme::Dark)
        .languages(["de-AT"])
        .screen_key("settings")
        .build()
        .unwrap();
    assert_eq!(
        config.token_endpoint.as_str(),
        "https://app.example.com/session"
    );
    let ids: Vec<_> = config.sources.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![18, 11, 1], "featured first");
    assert_eq!(config.sources[2].name, "Fitbit (work)");
    assert_eq!(config.sources[1].logo.as_deref(), Some("/img/withings.svg"));
    assert_eq!(config.open, OpenMode::NewTab);
    assert_eq!(config.disconnect, DisconnectMode::Navigate);
    assert_eq!(config.token_max_age_ms, 90_000);
    assert_eq!(config.locale, "de");
    assert_eq!(config.screen_key, "settings");

    let errors = Config::builder(page())
        .sources([12, 77])
        .heading_level(0)
        .redirect_uri("https://elsewhere.example.net/")
        .build()
        .unwrap_err();
    let mut names: Vec<_> = errors.iter().map(|e| e.setting).collect();
    names.sort_unstable();
    assert_eq!(names, vec!["heading-level", "redirect-uri", "sources"]);
}

#[test]
fn credentials_and_headers_for_an_api_on_another_origin() {
    let config = config(Settings {
        credentials: Some("include".into()),
        object: Some(r#"{"headers":{"Authorization":"Bearer s3cret","X-App":"1"}}"#.into()),
        ..Settings::default()
    })
    .unwrap();
    assert_eq!(config.credentials, Credentials::Include);
    assert_eq!(
        config.headers.0,
        vec![
            ("Authorization".to_owned(), "Bearer s3cret".to_owned()),
            ("X-App".to_owned(), "1".to_owned())
        ]
    );
    assert!(
        !format!("{config:?}").contains("s3cret"),
        "Debug never shows a header's value"
    );
    assert_eq!(
        Config::builder(page())
            .credentials(Credentials::Omit)
            .header("Authorization", "Bearer b")
            .build()
            .unwrap()
            .headers
            .0,
        vec![("Authorization".to_owned(), "Bearer b".to_owned())]
    );

    // Never from markup: the JSON block has no `headers`.
    assert_eq!(
        errors_for(Settings {
            json: Some(r#"{"headers":{"Authorization":"Bearer s3cret"}}"#.into()),
            ..Settings::default()
        }),
        vec!["JSON settings"]
    );
    let errors =
        config_of_object(r#"{"headers":{"Bad Name":"x","Authorization":"a\nb"}}"#).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        !errors[0].problem.contains("a\nb"),
        "a value is never echoed"
    );
    assert_eq!(
        errors_for(Settings {
            credentials: Some("cookies".into()),
            ..Settings::default()
        }),
        vec!["credentials"]
    );
}

#[test]
fn the_hosts_texts_are_checked_and_kept() {
    let config = config_of_object(
        r#"{"texts":{"title":"Link your wearables","button.connect.named":"Link {source}"}}"#,
    )
    .unwrap();
    assert_eq!(config.texts[0].1, "Link your wearables");
    assert_eq!(config.texts.len(), 2);
    let block = Config::from_settings(
        &Settings {
            json: Some(r#"{"texts":{"intro":"Pick one."}}"#.into()),
            ..Settings::default()
        },
        &page(),
        &[],
    )
    .unwrap();
    assert_eq!(block.texts[0].1, "Pick one.");

    let errors =
        config_of_object(r#"{"texts":{"colour":"red","title":"Hi {source}"}}"#).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("\"texts\"") && t.contains("colour")),
        "{text:?}"
    );
    assert!(config_of_object(r#"{"texts":["title"]}"#).is_err());

    let built = Config::builder(page())
        .text("title", "Yours")
        .build()
        .unwrap();
    assert_eq!(built.texts[0].1, "Yours");
}
