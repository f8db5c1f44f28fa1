//! The views. Thin: they read the screen's state and call its methods.
//!
//! Use [`ConnectScreen`] for the whole screen, or [`ConnectionProvider`] with any of
//! [`ResultMessage`], [`SessionAlert`] and [`SourceList`] to lay the pieces out yourself.
//! Class names (`tc-…`) and `data-state` values are public: the README lists them.
//!
//! For the wasm's size: a choice between two views is an `Either` (or an `Option` of one),
//! never `into_any()`, which links a type-erased copy of the view's code and the `AnyView`
//! machinery (5 KB of gzipped wasm for the three there were; README, "Speed and size").

mod config_errors;
mod list;
mod result;
mod row_actions;
mod screen;
mod search;
mod session;

pub use config_errors::ConfigErrors;
pub use list::{SourceList, SourceMark, SourceRow};
pub use result::ResultMessage;
pub use screen::{ConnectScreen, ConnectionProvider};
pub use session::SessionAlert;

use leptos::prelude::*;

/// Joins a component's own classes with the caller's extra `class`.
fn classes(
    own: &'static str,
    extra: MaybeProp<String>,
) -> impl Fn() -> String + Send + Sync + 'static {
    move || match extra.get() {
        Some(extra) if !extra.trim().is_empty() => format!("{own} {}", extra.trim()),
        _ => own.to_owned(),
    }
}
