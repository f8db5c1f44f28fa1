//! The sandbox's pages as HTML: plain pages without script, styled by its stylesheet. Written
//! with `maud`, whose `html!` escapes every value it puts in, so echoing a request is safe by
//! construction.

use crate::sandbox_pages::{path, AUTHORIZE, REVOKE, STYLESHEET};
use maud::{html, Markup, DOCTYPE};
use thryve_connect_protocol::thryve::{REDIRECT_PARAM, SOURCE_PARAM, TOKEN_PARAM};

/// A sandbox page around `body`.
pub fn page(title: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Thryve sandbox" }
                link rel="stylesheet" href=(path(STYLESHEET));
            }
            body {
                main class="sandbox" {
                    p class="sandbox__brand" {
                        "Thryve sandbox "
                        span { "offline stand-in, no real data" }
                    }
                    (body)
                }
            }
        }
    }
}

/// The consent page of a connect: Allow or Deny, posted to the sandbox's authorize route.
pub fn consent_page(
    source: &str,
    token: &str,
    data_source: &str,
    redirect_uri: Option<&str>,
) -> Markup {
    page(
        html! { "Connect " (source) },
        html! {
            h1 { "Allow Demo App to read your " (source) " data?" }
            p {
                "Demo App will receive your activity, sleep and heart rate data from " (source)
                ". You can disconnect at any time."
            }
            form method="post" action=(path(AUTHORIZE)) {
                input type="hidden" name=(TOKEN_PARAM) value=(token);
                input type="hidden" name=(SOURCE_PARAM) value=(data_source);
                @if let Some(redirect_uri) = redirect_uri {
                    input type="hidden" name=(REDIRECT_PARAM) value=(redirect_uri);
                }
                button type="submit" name="decision" value="allow" class="sandbox__allow" { "Allow" }
                button type="submit" name="decision" value="deny" class="sandbox__deny" { "Deny" }
            }
        },
    )
}

/// The confirmation page of a revoke that is not direct; `fields` are passed on as they came.
pub fn revoke_page(source: &str, fields: &[(&str, &str)]) -> Markup {
    page(
        html! { "Disconnect" },
        html! {
            h1 { "Disconnect " (source) "?" }
            form method="post" action=(path(REVOKE)) {
                @for (name, value) in fields {
                    input type="hidden" name=(name) value=(value);
                }
                button type="submit" class="sandbox__deny" { "Disconnect" }
            }
        },
    )
}

/// Thryve's result page when there is no `redirect_uri` to forward to. `source` is the name of a
/// known source; otherwise the page names the ID.
pub fn result_page(source: Option<&str>, data_source: &str, connected: bool) -> Markup {
    let (title, state) = if connected {
        ("Connected", "is connected.")
    } else {
        ("Not connected", "is not connected.")
    };
    page(
        html! { (title) },
        html! {
            h1 data-connected=(if connected { "true" } else { "false" }) {
                @match source {
                    Some(source) => { (source) }
                    None => { "Data source " (data_source) }
                }
                " " (state)
            }
            p { "You can close this tab and return to the app." }
        },
    )
}

/// The page for a `redirect_uri` the sandbox will not forward to.
pub fn bad_redirect_page() -> Markup {
    page(
        html! { "Bad redirect" },
        html! { h1 { (REDIRECT_PARAM) " must be an http(s) URL on this server" } },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_echo() {
        let html =
            consent_page("Fitbit", "t\"><script>", "1", Some("http://x/?a=1&b=<2>")).into_string();
        assert!(!html.contains("<script>"));
        assert!(html.contains("t&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("a=1&amp;b=&lt;2&gt;"));
        assert!(html.contains("Allow Demo App to read your Fitbit data?"));

        let revoke = revoke_page("Fitbit", &[("token", "\"><b>")]).into_string();
        assert!(revoke.contains(r#"name="token" value="&quot;&gt;&lt;b&gt;""#));
        let result = result_page(None, "<i>", false).into_string();
        assert!(result.contains(
            r#"<h1 data-connected="false">Data source &lt;i&gt; is not connected.</h1>"#
        ));
    }

    #[test]
    fn pages_keep_their_texts_and_fields() {
        let html = consent_page("Strava", "tok", "11", None).into_string();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains("<title>Connect Strava · Thryve sandbox</title>"));
        assert!(html.contains(r#"<link rel="stylesheet" href="/sandbox/sandbox.css">"#));
        assert!(html.contains(r#"<form method="post" action="/sandbox/authorize">"#));
        assert!(html.contains(r#"<input type="hidden" name="dataSource" value="11">"#));
        assert!(!html.contains("redirect_uri"));
        assert!(html.contains(
            r#"<button type="submit" name="decision" value="allow" class="sandbox__allow">Allow</button>"#
        ));
        let connected = result_page(Some("Oura"), "18", true).into_string();
        assert!(connected.contains(r#"<h1 data-connected="true">Oura is connected.</h1>"#));
        let revoke = revoke_page("Oura", &[]).into_string();
        assert!(revoke
            .contains(r#"<h1>Disconnect Oura?</h1><form method="post" action="/sandbox/revoke">"#));
        assert!(bad_redirect_page()
            .into_string()
            .contains("<h1>redirect_uri must be an http(s) URL on this server</h1>"));
    }
}
