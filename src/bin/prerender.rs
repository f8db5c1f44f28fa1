//! Build step: writes the screen's first frame into a built page, so that a phone shows the title,
//! the intro and the list (buttons disabled, "Preparing a secure connection…") while the wasm is
//! still downloading. The markup comes from the same components the app renders (Leptos's server
//! rendering), with the settings written on the page's mount element; when the app starts it
//! replaces it with the live screen in one step, so nothing moves.
//!
//! ```text
//! cargo run --features prerender --bin thryve-connect-prerender -- dist/index.html
//! ```
//!
//! A mount is left as it is when the frame could differ from the app's first one: no language
//! given by the page (`locale` or `<html lang>`; the browser's own preference is only known in the
//! browser), settings the app would refuse, or content already inside it.

use leptos::prelude::*;
use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, text, RewriteStrSettings};
use std::cell::RefCell;
use std::process::ExitCode;
use thryve_connect::protocol::LOCALES;
use thryve_connect::Url;
use thryve_connect::{Config, ConnectScreen, Settings, ELEMENT_NAME, MOUNT_ID};

/// What the page says about one mount, read in document order.
#[derive(Default)]
struct Mount {
    attributes: Vec<(String, String)>,
    element: bool,
    json: Option<String>,
    /// Whether the text being read belongs to the first JSON block.
    reading_json: bool,
    has_content: bool,
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: thryve-connect-prerender PAGE.html");
        return ExitCode::from(2);
    };
    let page = match std::fs::read_to_string(&path) {
        Ok(page) => page,
        Err(err) => {
            eprintln!("prerender: cannot read {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    match prerender(&page) {
        Ok((html, notes)) => {
            for note in notes {
                eprintln!("prerender: {path}: {note}");
            }
            if let Err(err) = std::fs::write(&path, html) {
                eprintln!("prerender: cannot write {path}: {err}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("prerender: {path}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The page with each mount's first frame inside it, and a note for each mount left alone.
fn prerender(page: &str) -> Result<(String, Vec<String>), String> {
    let selector = format!("#{MOUNT_ID}, {ELEMENT_NAME}");
    let mounts = RefCell::new(Vec::<Mount>::new());
    let lang = RefCell::new(None::<String>);
    // First pass: the settings of every mount, and the page's language.
    rewrite_str(
        page,
        RewriteStrSettings {
            element_content_handlers: vec![
                element!("html[lang]", |html| {
                    *lang.borrow_mut() = html.get_attribute("lang");
                    Ok(())
                }),
                element!(&selector, |mount| {
                    mounts.borrow_mut().push(Mount {
                        attributes: mount
                            .attributes()
                            .iter()
                            .map(|a| (a.name(), a.value()))
                            .collect(),
                        element: mount.tag_name().eq_ignore_ascii_case(ELEMENT_NAME),
                        ..Mount::default()
                    });
                    Ok(())
                }),
                element!(&format!("#{MOUNT_ID} > *, {ELEMENT_NAME} > *"), |child| {
                    let settings = child.tag_name().eq_ignore_ascii_case("script")
                        && child.get_attribute("type").as_deref() == Some("application/json");
                    if let Some(mount) = mounts.borrow_mut().last_mut() {
                        // The first JSON block is the one the app reads.
                        if settings && mount.json.is_none() {
                            mount.json = Some(String::new());
                            mount.reading_json = true;
                        } else if settings {
                            mount.reading_json = false;
                        } else {
                            mount.has_content = true;
                        }
                    }
                    Ok(())
                }),
                text!(
                    &format!("#{MOUNT_ID} > script, {ELEMENT_NAME} > script"),
                    |chunk| {
                        if let Some(mount) = mounts.borrow_mut().last_mut() {
                            if let (true, Some(json)) = (mount.reading_json, mount.json.as_mut()) {
                                json.push_str(chunk.as_str());
                            }
                        }
                        Ok(())
                    }
                ),
            ],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|err| format!("cannot read the page: {err}"))?;

    let lang = lang.into_inner();
    let mut notes = Vec::new();
    let frames: Vec<Option<String>> = mounts
        .into_inner()
        .iter()
        .map(|mount| match frame(mount, lang.as_deref()) {
            Ok(html) => Some(html),
            Err(why) => {
                notes.push(format!("a mount left empty: {why}"));
                None
            }
        })
        .collect();
    if frames.is_empty() {
        notes.push("no mount on this page".to_owned());
    }

    // Second pass: each frame into its mount.
    let next = RefCell::new(frames.into_iter());
    let html = rewrite_str(
        page,
        RewriteStrSettings {
            element_content_handlers: vec![element!(&selector, |mount| {
                if let Some(Some(html)) = next.borrow_mut().next() {
                    mount.prepend(&html, ContentType::Html);
                }
                Ok(())
            })],
            ..RewriteStrSettings::new()
        },
    )
    .map_err(|err| format!("cannot write the page: {err}"))?;
    Ok((html, notes))
}

/// One mount's first frame, or why there is none.
fn frame(mount: &Mount, lang: Option<&str>) -> Result<String, String> {
    if mount.has_content {
        return Err("it has content of its own".to_owned());
    }
    let prefix = if mount.element { "" } else { "data-" };
    let mut settings = Settings::from_attributes(prefix, |name| {
        mount
            .attributes
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    });
    settings.json = mount.json.clone();
    // Only the markup matters here: relative URLs resolve against any page address.
    let page = Url::parse("https://prerender.invalid/").map_err(|e| e.to_string())?;
    // In the browser the language is `locale`, else the page's `lang`, else the browser's own
    // preference: the frame is only sure of it when no browser preference could change it.
    let config_with = |browser: &str| {
        let languages: Vec<String> = lang
            .into_iter()
            .chain([browser])
            .map(str::to_owned)
            .collect();
        Config::from_settings(&settings, &page, &languages)
    };
    let (first, last) = (LOCALES[0], LOCALES[LOCALES.len() - 1]);
    let config = config_with(first).map_err(|errors| {
        let names: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("its settings are not valid ({})", names.join("; "))
    })?;
    if config_with(last).map(|c| c.locale) != Ok(config.locale) {
        return Err(
            "no language of the screen's on the page (`locale` or `<html lang>`)".to_owned(),
        );
    }
    let owner = Owner::new();
    Ok(owner.with(|| view! { <ConnectScreen config /> }.into_any().to_html()))
}

#[cfg(test)]
mod tests {
    use super::prerender;

    const PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head></head><body><main><div id="thryve-connect" data-token-endpoint="/api/connection-session" data-sources="1,11" data-heading-level="1"></div></main></body></html>"#;

    #[test]
    fn the_list_is_in_the_page_before_the_app_starts() {
        let (html, notes) = prerender(PAGE).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert!(
            html.contains(r#"data-heading-level="1"><section"#),
            "{html}"
        );
        assert!(html.contains("<h1"), "{html}");
        for text in ["Fitbit", "Strava", "Preparing a secure connection"] {
            assert!(html.contains(text), "{text}: {html}");
        }
        assert_eq!(html.matches(" disabled").count(), 2, "{html}");
    }

    #[test]
    fn the_page_language_decides_the_frame_language() {
        let (html, _) = prerender(&PAGE.replace(r#"lang="en""#, r#"lang="de""#)).unwrap();
        assert!(html.contains("Datenquellen verbinden"), "{html}");
        // `locale` wins over the page's language, as in the app.
        let page = PAGE.replace(r#"data-heading-level="1""#, r#"data-locale="fr""#);
        let (html, _) = prerender(&page).unwrap();
        assert!(html.contains(r#"lang="fr""#), "{html}");
    }

    #[test]
    fn the_json_settings_and_the_element_form_are_read() {
        let page = r#"<html lang="en"><body><thryve-connect token-endpoint="/s"><script type="application/json">{"names": {"1": "My Fitbit"}}</script><script type="application/json">{"names": {"1": "Not read"}}</script></thryve-connect></body></html>"#;
        let (html, notes) = prerender(page).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert!(html.contains("My Fitbit"), "{html}");
        assert!(
            html.contains(r#"<script type="application/json">{"names""#),
            "{html}"
        );
    }

    #[test]
    fn mounts_that_could_differ_in_the_browser_are_left_empty() {
        for (page, why) in [
            (PAGE.replace(r#" lang="en""#, ""), "no language"),
            // A language without messages: the browser's preference decides in the app.
            (PAGE.replace(r#"lang="en""#, r#"lang="xx""#), "no language"),
            (
                PAGE.replace(r#"data-sources="1,11""#, r#"data-sources="12""#),
                "not valid",
            ),
            (
                PAGE.replace("></div>", "><p>Loading</p></div>"),
                "content of its own",
            ),
        ] {
            let (html, notes) = prerender(&page).unwrap();
            assert!(!html.contains("<section"), "{html}");
            assert!(notes.iter().any(|n| n.contains(why)), "{why}: {notes:?}");
        }
    }
}
