//! Browser tests: the real components, mounted in headless Chromium, with `fetch` replaced by a
//! scripted stub (tests/support/fetch_stub.js) and navigation observed through the browser seam.
//! Elements are found the way a user finds them: by role, accessible name and visible text.
//!
//! `support` holds the fixture and helpers; every other module covers one area of the screen.
//! Tests wait for states with `support::until`; a fixed wait only proves that something does
//! not happen, and says so where it is used.
#![cfg(target_arch = "wasm32")]

mod support;

mod connect;
mod details;
mod disconnect;
mod embedding;
mod events;
mod host;
mod privacy;
mod returns;
mod search;
mod session;
mod settings;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
