//! The token endpoint accepts exactly the languages the screen speaks: one per `locales/*.txt`
//! of the frontend crate, so adding a language there needs nothing here.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("../locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut codes: Vec<String> = fs::read_dir(&dir)
        .expect("../locales exists (the server builds inside the thryve-connect workspace)")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "txt").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    codes.sort();
    let list: Vec<String> = codes.iter().map(|c| format!("{c:?}")).collect();
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("locales.rs");
    fs::write(
        out,
        format!(
            "/// Locales the token endpoint accepts: the screen's languages (`locales/*.txt`).\npub const LOCALES: &[&str] = &[{}];\n",
            list.join(", ")
        ),
    )
    .expect("OUT_DIR is writable");
}
