//! The standalone build: the library with its JS exports, started by the loader
//! (`thryve-connect.js`), which mounts the page's screens through `mountElement`. This crate only
//! links the exports and writes a panic's message to the console.

// Linked for its exports.
pub use thryve_connect::loader::{add_language_js, language_to_load};
pub use thryve_connect::{mount_by_id, mount_element, MountHandle};

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(message: &str);
}

/// Runs when the loader starts the WebAssembly: a panic's message and place go to the console.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|panic| error(&format!("thryve-connect: {panic}"))));
}
