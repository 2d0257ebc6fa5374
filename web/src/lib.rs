//! static-build's checker page: a Yew app and its Web Worker in one WebAssembly module. The page
//! (`app_main`) queues files; the worker (`worker_inspect`) reads each through `File.slice` with
//! static-build-core's inspector; the page shows the report. Design: `web/DESIGN.md`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
pub mod files;
pub mod protocol;
pub mod state;
pub mod view;
pub mod worker;

use wasm_bindgen::prelude::*;

/// Start the page (called by `boot.js` once the module is loaded).
#[wasm_bindgen]
pub fn app_main() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            // Replace the "loading" text that index.html shows until now.
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
