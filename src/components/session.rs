//! The session's state above the list.

use super::classes;
use crate::api::ApiError;
use crate::i18n::Msg;
use crate::screen::{Screen, SessionView};
use leptos::prelude::*;

/// The session's state: a loading note, or an alert with Retry when the token endpoint failed.
#[component]
pub fn SessionAlert(#[prop(optional, into)] class: MaybeProp<String>) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let loading_id = screen.id("loading");
    let class = classes("tc-session", class);
    move || match screen.session_view() {
        SessionView::Ready => ().into_any(),
        SessionView::Loading => view! {
            <p class=class() data-state="loading" id=loading_id.clone()>
                <span class="tc-spinner" aria-hidden="true"></span>
                {t.get(Msg::SessionLoading)}
            </p>
        }
        .into_any(),
        SessionView::Failed(error) => {
            let text = match error {
                ApiError::Timeout => t.get(Msg::SessionTimeout),
                _ => t.get(Msg::SessionError),
            };
            view! {
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
            }
            .into_any()
        }
    }
}
