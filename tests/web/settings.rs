//! What the host page configures: which sources are listed (web ones by default, native ones on
//! request), JSON settings, the status endpoint, invalid settings, and the language.

use crate::support::*;
use thryve_connect::protocol::endpoint::{SESSION_PATH, STATUS_PATH};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn lists_every_web_source_and_no_native_one() {
    setup();
    token_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    let names: Vec<String> = screen
        .all(".tc-source__name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names.len(), 16);
    for name in [
        "Fitbit",
        "Garmin",
        "Strava",
        "Oura",
        "Withings",
        "FreeStyle Libre",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing");
    }
    for native in ["Apple Health", "Samsung Health", "Health Connect", "ShenAI"] {
        assert!(!names.iter().any(|n| n == native), "{native} shown");
    }
    // No state known yet: both actions offered.
    assert!(screen.button("Disconnect Fitbit").is_some());
    assert_eq!(screen.state(1).as_deref(), Some("unknown"));
    // A monogram stands in for a logo.
    let mark = screen
        .row(1)
        .query_selector(".tc-source__monogram")
        .unwrap()
        .unwrap();
    assert_eq!(mark.text_content().as_deref(), Some("F"));
}

#[wasm_bindgen_test]
async fn native_sources_are_mentioned_without_a_button_when_asked() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-sources", "5,1,44"), ("data-show-native", "true")]);
    ready(&screen).await;
    let apple = screen.row(5);
    assert!(apple
        .text_content()
        .unwrap()
        .contains("Available in our mobile app"));
    assert_eq!(apple.get_attribute("data-state").as_deref(), Some("native"));
    assert!(apple.query_selector("button").unwrap().is_none());
    assert!(screen.button("Connect Apple Health").is_none());
    assert!(screen.button("Connect Health Connect").is_none());
    let order: Vec<String> = screen
        .all("[data-source-id]")
        .iter()
        .map(|e| e.get_attribute("data-source-id").unwrap())
        .collect();
    assert_eq!(order, vec!["5", "1", "44"]);
}

#[wasm_bindgen_test]
async fn json_settings_rename_reorder_and_add_logos() {
    setup();
    token_ok();
    let screen = Fixture::with_json(
        &[],
        Some(
            r#"{"sources":[11,1],"names":{"1":"Fitbit (Google)"},"logos":{"11":"/strava.svg"},"featured":[1]}"#,
        ),
    );
    until("the list", || {
        screen
            .button("Connect Fitbit (Google)")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let names: Vec<String> = screen
        .all(".tc-source__name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names, vec!["Fitbit (Google)", "Strava"]);
    assert!(screen
        .row(1)
        .text_content()
        .unwrap()
        .contains("Recommended"));
    let logo = screen.row(11).query_selector("img").unwrap().unwrap();
    assert_eq!(logo.get_attribute("src").as_deref(), Some("/strava.svg"));
    assert_eq!(logo.get_attribute("alt").as_deref(), Some(""));
}

#[wasm_bindgen_test]
async fn the_status_endpoint_decides_the_state() {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[1,11]}"#.into()]);
    let screen = Fixture::new(&[("data-status-endpoint", STATUS_PATH)]);
    until("Fitbit connected", || {
        screen.state(1).as_deref() == Some("connected")
    })
    .await;
    assert_eq!(screen.state(11).as_deref(), Some("connected"));
    assert_eq!(screen.state(2).as_deref(), Some("not-connected"));
    assert!(
        screen.button("Disconnect Fitbit").is_some() && screen.button("Connect Fitbit").is_none()
    );
    assert!(
        screen.button("Connect Garmin").is_some() && screen.button("Disconnect Garmin").is_none()
    );
    // The line above the list says how many once the session is there (it first says that the
    // session is being prepared).
    until("the count", || {
        screen.text().contains("2 sources connected")
    })
    .await;
}

#[wasm_bindgen_test]
async fn invalid_settings_show_a_configuration_error() {
    setup();
    token_ok();
    let screen = Fixture::new(&[
        ("data-open", "popup"),
        ("data-redirect-uri", "https://elsewhere.example/"),
    ]);
    until("the configuration error", || {
        screen.by_role("alert").is_some()
    })
    .await;
    let text = screen.text_of_role("alert");
    assert!(text.contains("not set up correctly"));
    assert!(
        text.contains("data-open") && text.contains("data-redirect-uri"),
        "{text}"
    );
    assert!(screen.all("button").is_empty());
    assert!(
        requests_to(SESSION_PATH).is_empty(),
        "no session for a broken screen"
    );
}

#[wasm_bindgen_test]
async fn the_hosts_texts_replace_messages_and_follow_updates() {
    setup();
    token_ok();
    let mut screen = Fixture::element(
        None,
        Some(
            r#"{"locale":"de","texts":{"title":"Verbinde deine Wearables","button.connect.named":"{source} koppeln"}}"#,
        ),
    );
    until("the host's button text", || {
        screen.button("Fitbit koppeln").is_some()
    })
    .await;
    assert!(screen.text().contains("Verbinde deine Wearables"));
    assert!(
        screen.text().contains("Wähle"),
        "the rest stays German: {}",
        screen.text()
    );
    screen.update(Some(r#"{"locale":"de","texts":{"title":"Neu"}}"#));
    until("the new title", || screen.text().contains("Neu")).await;
    assert!(screen.button("Fitbit verbinden").is_some());
}

#[wasm_bindgen_test]
async fn counts_take_the_plural_form_the_browser_picks() {
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[1]}"#.into()]);
    let fr = Fixture::new(&[("data-status-endpoint", STATUS_PATH), ("data-locale", "fr")]);
    until("the French count", || {
        fr.text().contains("1 source connectée")
    })
    .await;
    drop(fr);
    setup();
    token_ok();
    stub_route(STATUS_PATH, 200, vec![r#"{"connected":[1,11]}"#.into()]);
    let de = Fixture::new(&[("data-status-endpoint", STATUS_PATH), ("data-locale", "de")]);
    until("the German count", || {
        de.text().contains("2 Quellen verbunden")
    })
    .await;
}

#[wasm_bindgen_test]
async fn polish_counts_take_one_few_and_many() {
    // Intl.PluralRules("pl"): 1 is `one`, 2-4 and 22-24 are `few`, 5-21 are `many`.
    for (connected, expected) in [
        ("[1]", "1 źródło połączone"),
        ("[1,2,3]", "3 źródła połączone"),
        ("[1,2,3,8,11]", "5 źródeł połączonych"),
    ] {
        setup();
        token_ok();
        stub_route(
            STATUS_PATH,
            200,
            vec![format!(r#"{{"connected":{connected}}}"#).into()],
        );
        let pl = Fixture::new(&[
            ("data-status-endpoint", STATUS_PATH),
            ("data-locale", "pl"),
            ("data-sources", "1,2,3,8,11"),
        ]);
        until(expected, || pl.text().contains(expected)).await;
        assert!(pl.button("Odłącz Fitbit").is_some(), "{}", pl.text());
        drop(pl);
    }
}

#[wasm_bindgen_test]
async fn a_language_with_a_region_is_chosen_and_sent_as_written_in_its_file() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-locale", "pt-br")]);
    until("Portuguese buttons", || {
        screen
            .button("Conectar Fitbit")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    assert!(screen.text().contains("Conecte suas fontes de dados"));
    let sent = requests_to(SESSION_PATH);
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"locale":"pt-BR"}"#));
}

#[wasm_bindgen_test]
async fn german_screen_and_locale_sent_to_the_token_endpoint() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-locale", "de")]);
    until("German buttons", || {
        screen
            .button("Fitbit verbinden")
            .is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    assert!(screen.text().contains("Datenquellen verbinden"));
    let sent = requests_to(SESSION_PATH);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"locale":"de"}"#));
}
