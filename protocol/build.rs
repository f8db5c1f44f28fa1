//! Finds the message tables in `locales/` so that adding a language is adding one file.
//!
//! Writes `$OUT_DIR/locales.rs` with two sorted lists, `LOCALES` (the codes) and `LOCALE_FILES`
//! (`(code, text)` pairs, each text included from `locales/{code}.txt`), and `ENGLISH_FILE`
//! (English alone). The format and the completeness rules are in the frontend's `i18n` module.

use std::{env, fs, path::PathBuf};

/// `de` or `pt-BR`: 2-3 lowercase letters, then optionally `-` and two uppercase letters.
fn is_locale_code(code: &str) -> bool {
    let (language, region) = match code.split_once('-') {
        Some((language, region)) => (language, Some(region)),
        None => (code, None),
    };
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut locales: Vec<(String, PathBuf)> = fs::read_dir(&dir)
        .expect("locales/ exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let code = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "txt").then_some((code, path))
        })
        .collect();
    locales.sort();
    for (code, path) in &locales {
        assert!(
            is_locale_code(code),
            "locale file names are a lowercase ISO 639-1 code, with an uppercase region if the \
             language has one (\"de\", \"pt-BR\"): {}",
            path.display()
        );
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let codes: String = locales
        .iter()
        .map(|(code, _)| format!("{code:?}, "))
        .collect();
    let files: String = locales
        .iter()
        .map(|(code, path)| {
            format!(
                "    ({code:?}, include_str!({:?})),\n",
                path.display().to_string()
            )
        })
        .collect();
    let english = locales
        .iter()
        .find(|(code, _)| code == "en")
        .map(|(_, path)| path.display().to_string())
        .expect("locales/en.txt exists: English is the reference and the fallback");
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("locales.rs");
    fs::write(
        out,
        format!(
            "/// The screen's languages: one code per `locales/*.txt`, sorted.\n\
             pub const LOCALES: &[&str] = &[{codes}];\n\
             /// Every `locales/*.txt` as `(code, text)`, sorted by code.\n\
             pub const LOCALE_FILES: &[(&str, &str)] = &[\n{files}];\n\
             /// `locales/en.txt` alone, for a build that fetches the other languages when needed.\n\
             pub const ENGLISH_FILE: &str = include_str!({english:?});\n"
        ),
    )
    .expect("OUT_DIR is writable");
}
