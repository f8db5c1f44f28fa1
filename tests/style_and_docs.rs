//! Checks that keep the styling contract and the docs honest: every design value is a custom
//! property, every property is documented, and the loader (web/thryve-connect.js) knows the same languages as `protocol/locales/` and the
//! same attributes as the library.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

const CSS: &str = include_str!("../style/thryve-connect.css");
const README: &str = include_str!("../README.md");
const LOADER: &str = include_str!("../web/thryve-connect.js");
const TYPES: &str = include_str!("../web/thryve-connect.d.ts");

/// Every `--tc-…` name in the text, defined (`--tc-x:`) or used (`var(--tc-x)`).
fn properties(text: &str, defined: bool) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("--tc-") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let after = text[i + name.len()..].trim_start();
        if after.starts_with(':') == defined {
            found.insert(name);
        }
    }
    found
}

fn without_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn every_used_property_is_defined() {
    let css = without_comments(CSS);
    let defined = properties(&css, true);
    let used = properties(&css, false);
    let missing: Vec<_> = used.difference(&defined).collect();
    assert!(missing.is_empty(), "used but never defined: {missing:?}");
    assert!(
        defined.len() > 40,
        "the design tokens are where they should be"
    );
}

#[test]
fn design_values_live_only_in_custom_properties() {
    let css = without_comments(CSS);
    for (number, line) in css.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("--tc-") {
            continue;
        }
        let colour = line.contains('#') && !line.starts_with('#') && !line.contains("#thryve")
            || ["rgb(", "rgba(", "hsl(", "light-dark("]
                .iter()
                .any(|f| line.contains(f));
        assert!(
            !colour,
            "line {}: a colour outside a custom property: {line}",
            number + 1
        );
        if let Some((property, value)) = line.split_once(':') {
            let sized = value.contains("px") || value.contains("rem") || value.contains("em;");
            // Layout proportions (flex bases, the phone breakpoint) are not design values.
            let allowed = ["flex", "animation-duration"]
                .iter()
                .any(|p| property.trim() == *p)
                || line.starts_with("@media");
            assert!(
                !sized || allowed,
                "line {}: a size outside a custom property: {line}",
                number + 1
            );
        }
    }
}

#[test]
fn every_property_is_documented() {
    for name in properties(&without_comments(CSS), true) {
        // A range in the README ("`--tc-space-1` … `--tc-space-5`") documents its members.
        let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let in_range = base.ends_with('-') && README.contains(&format!("`{base}1` …"))
            || README.contains(&format!("`{base}0` …"));
        assert!(
            README.contains(&format!("`{name}`")) || in_range,
            "{name} is not documented in the README's styling table"
        );
    }
}

/// The quoted strings of the loader's `const NAME = [...]`.
fn loader_list(name: &str) -> Vec<String> {
    let list = LOADER
        .split(&format!("const {name} = ["))
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("the loader declares {name}"));
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_loader_knows_the_same_languages() {
    let mut in_loader = loader_list("LOCALES");
    in_loader.sort();
    let available: Vec<String> = thryve_connect::protocol::LOCALES
        .iter()
        .map(|code| (*code).to_owned())
        .collect();
    assert_eq!(
        in_loader, available,
        "update LOCALES in web/thryve-connect.js"
    );
}

#[test]
fn the_types_know_the_same_languages() {
    let line = include_str!("../web/thryve-connect.d.ts")
        .lines()
        .find(|l| l.starts_with("export type ThryveConnectLocale ="))
        .expect("the types declare ThryveConnectLocale");
    let mut in_types: Vec<String> = line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    in_types.sort();
    let available: Vec<String> = thryve_connect::protocol::LOCALES
        .iter()
        .map(|code| (*code).to_owned())
        .collect();
    assert_eq!(
        in_types, available,
        "update ThryveConnectLocale in web/thryve-connect.d.ts"
    );
}

#[test]
fn the_loader_knows_the_attempts_parameter() {
    let param = thryve_connect::testing::ATTEMPT_PARAM;
    assert!(
        LOADER.contains(&format!("[?&#]{param}=/")),
        "the loader recognises a return by {param} (web/thryve-connect.js)"
    );
}

#[test]
fn the_loader_and_the_types_know_every_attribute() {
    let attributes: Vec<String> = thryve_connect::Settings::ATTRIBUTES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        loader_list("ATTRIBUTES"),
        attributes,
        "update ATTRIBUTES in web/thryve-connect.js"
    );
    for name in &attributes {
        let attributes_type = TYPES
            .split("interface ThryveConnectAttributes")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .expect("the types declare ThryveConnectAttributes");
        assert!(
            attributes_type.contains(&format!("\"{name}\"?:"))
                || attributes_type.contains(&format!(" {name}?:")),
            "{name} is missing from ThryveConnectAttributes in web/thryve-connect.d.ts"
        );
    }
}

#[test]
fn every_data_attribute_is_documented() {
    for (name, _) in thryve_connect::Settings::ATTRIBUTES {
        assert!(
            README.contains(&format!("| `{name}` |")),
            "{name} is missing from the README's table"
        );
    }
}

#[test]
fn the_styles_use_logical_directions_so_right_to_left_pages_mirror() {
    let physical = [
        "margin-left",
        "margin-right",
        "margin-top",
        "margin-bottom",
        "padding-left",
        "padding-right",
        "padding-top",
        "padding-bottom",
        "border-left",
        "border-right",
        "border-top",
        "border-bottom",
        "text-align: left",
        "text-align: right",
        "float:",
    ];
    for (number, line) in CSS.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("/*") || line.starts_with('*') {
            continue;
        }
        for word in physical {
            assert!(
                !line.contains(word),
                "style/thryve-connect.css:{}: `{line}` uses a physical direction ({word}); use the logical one",
                number + 1
            );
        }
        for edge in ["left:", "right:", "top:", "bottom:"] {
            assert!(
                !line.starts_with(edge),
                "style/thryve-connect.css:{}: `{line}` positions by a physical edge; use inset-inline/inset-block",
                number + 1
            );
        }
    }
}
