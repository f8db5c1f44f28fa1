//! The standalone build: the library with its JS exports, started by the loader
//! (`thryve-connect.js`), which mounts the page's screens through `mountElement`. This crate only
//! makes panics readable in the console.

// Linked for its exports.
pub use thryve_connect::loader::{add_language_js, language_to_load};
pub use thryve_connect::{mount_by_id, mount_element, MountHandle};

/// Runs when the loader starts the WebAssembly.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
