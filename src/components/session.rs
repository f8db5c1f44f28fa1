//! The session's failure above the list.

use super::classes;
use crate::api::ApiError;
use crate::i18n::Msg;
use crate::screen::{Screen, SessionView};
use leptos::prelude::*;

/// An alert with Retry when the token endpoint failed (nothing otherwise).
#[component]
pub fn SessionAlert(#[prop(optional, into)] class: MaybeProp<String>) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let class = classes("tc-session", class);
    move || {
        // The loading note is the line above the list (`SourceList`).
        let SessionView::Failed(error) = screen.session_view() else {
            return None;
        };
        let text = match error {
            ApiError::Timeout => t.get(Msg::SessionTimeout),
            _ => t.get(Msg::SessionError),
        };
        Some(view! {
            <div class=class() data-state="error" role="alert">
                <p class="tc-session__text">{text}</p>
                <button
                    type="button"
                    class="tc-button tc-button--secondary"
                    on:click=move |_| screen.retry_session()
                >
                    {t.get(Msg::SessionRetry)}
                </button>
            </div>
        })
    }
}
