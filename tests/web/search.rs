//! Finding a source: the search field above a long list filters it as the user types, says how
//! many match, and offers a way back.

use crate::support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

/// The search field, found by its label.
fn search_field(screen: &Fixture) -> Option<HtmlInputElement> {
    let label = screen
        .all("label")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default() == "Search data sources")?;
    let id = label.get_attribute("for")?;
    document()
        .get_element_by_id(&id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
}

/// Types `text` into the field as a user would (the value, then an `input` event).
async fn type_into(field: &HtmlInputElement, text: &str) {
    field.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    field.dispatch_event(&event).unwrap();
    tick().await;
}

async fn press(field: &HtmlInputElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    field.dispatch_event(&event).unwrap();
    tick().await;
}

/// The names of the rows a user can see.
fn visible_names(screen: &Fixture) -> Vec<String> {
    screen
        .all(".tc-source")
        .into_iter()
        .filter(|row| !row.has_attribute("hidden"))
        .filter_map(|row| row.query_selector(".tc-source__name").ok().flatten())
        .map(|name: Element| name.text_content().unwrap_or_default())
        .collect()
}

/// The live count under the field, and whether it is a status now.
fn count(screen: &Fixture) -> (String, bool) {
    let count = screen.all(".tc-search__count").into_iter().next().unwrap();
    (
        count.text_content().unwrap_or_default(),
        count.get_attribute("role").as_deref() == Some("status"),
    )
}

#[wasm_bindgen_test]
async fn typing_filters_the_list_and_says_how_many_match() {
    setup();
    token_ok();
    let screen = Fixture::new(&[]);
    ready(&screen).await;
    let field = search_field(&screen).expect("a search field above 16 sources");
    assert_eq!(
        count(&screen),
        (String::new(), false),
        "silent until the user types"
    );

    type_into(&field, "gar").await;
    assert_eq!(visible_names(&screen), vec!["Garmin"]);
    assert_eq!(count(&screen), ("1 source matches".into(), true));

    type_into(&field, "Google").await;
    assert_eq!(
        visible_names(&screen),
        vec!["Fitbit"],
        "by alias; Google Fit is retired"
    );

    type_into(&field, "o").await;
    assert!(visible_names(&screen).len() > 1);
    assert!(count(&screen).0.ends_with("sources match"));

    type_into(&field, "zzz").await;
    assert!(visible_names(&screen).is_empty());
    assert_eq!(count(&screen).0, "No data source matches “zzz”.");

    // The way back: Clear, which returns focus to the field.
    screen.click("Clear search").await;
    assert_eq!(visible_names(&screen).len(), 16);
    assert_eq!(field.value(), "");
    assert_eq!(count(&screen), (String::new(), false));
    assert!(document()
        .active_element()
        .is_some_and(|e| e.id() == field.id()));

    // Escape clears too.
    type_into(&field, "oura").await;
    assert_eq!(visible_names(&screen), vec!["Oura"]);
    press(&field, "Escape").await;
    assert_eq!(visible_names(&screen).len(), 16);
}

#[wasm_bindgen_test]
async fn featured_sources_stay_on_top_and_short_lists_have_no_field() {
    setup();
    token_ok();
    let screen = Fixture::with_json(&[], Some(r#"{"featured":[18]}"#));
    ready(&screen).await;
    let field = search_field(&screen).unwrap();
    type_into(&field, "u").await;
    let names = visible_names(&screen);
    assert_eq!(names[0], "Oura", "featured first: {names:?}");
    assert!(names.contains(&"Suunto".to_owned()));
    drop(screen);

    setup();
    token_ok();
    let short = Fixture::new(&[("data-sources", "1,2,3,8,11,16,17")]);
    ready(&short).await;
    assert!(search_field(&short).is_none(), "seven sources: no search");
}

#[wasm_bindgen_test]
async fn the_search_speaks_the_screens_language() {
    setup();
    token_ok();
    let screen = Fixture::new(&[("data-locale", "de")]);
    until("the German list", || {
        screen.button("Garmin verbinden").is_some()
    })
    .await;
    let input = screen.all(".tc-search__input").into_iter().next().unwrap();
    assert_eq!(
        input.get_attribute("placeholder").as_deref(),
        Some("Datenquellen durchsuchen")
    );
    let field: HtmlInputElement = input.unchecked_into();
    type_into(&field, "gar").await;
    assert_eq!(count(&screen).0, "1 Quelle gefunden");
}
