//! The example app mounts, shows thryve-connect's pieces in its own layout, and receives events.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::wasm_bindgen::JsCast;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_pieces_render_in_the_host_layout_and_events_reach_the_callback() {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(host.clone(), leptos_app_example::App);

    let names: Vec<String> = {
        let list = host
            .query_selector_all(".acme-sources .tc-source__name")
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(names, vec!["Strava", "Fitbit", "Oura Ring"]);
    let result = host
        .query_selector(r#".acme-banner [role="status"]"#)
        .unwrap()
        .unwrap();
    assert_eq!(
        result.get_attribute("class").as_deref(),
        Some("tc-result acme-result")
    );
    assert!(host
        .query_selector("h1")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
        .contains("Acme Health"));

    // There is no token endpoint in this test page: the session fails, and the app hears it.
    let log = host
        .query_selector(r#"[data-testid="event-log"]"#)
        .unwrap()
        .unwrap();
    for _ in 0..200 {
        if log.text_content().unwrap().contains("thryve-connect:error") {
            break;
        }
        sleep(10).await;
    }
    assert!(log.text_content().unwrap().contains("thryve-connect:error"));
    assert!(host.query_selector(r#"[role="alert"]"#).unwrap().is_some());
}
