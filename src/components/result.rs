//! The message above the list: a result, a tab opened, a tab blocked.

use super::classes;
use crate::i18n::{Messages, Msg};
use crate::screen::{Notice, Screen};
use leptos::prelude::*;
use thryve_connect_protocol::thryve::Action;

/// The outcome of the last connect or disconnect (`role="status"`), with Try again / Dismiss.
#[component]
pub fn ResultMessage(#[prop(optional, into)] class: MaybeProp<String>) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let state = move || match screen.notice() {
        None => "empty",
        Some(Notice::Outcome(outcome)) if outcome.success => "success",
        Some(Notice::Outcome(_)) | Some(Notice::PopupBlocked(..)) => "failure",
        Some(Notice::TabOpened(_)) => "info",
    };
    view! {
        <div class=classes("tc-result", class) data-state=state role="status">
            {move || screen.notice().map(|notice| notice_view(screen, &t, notice))}
        </div>
    }
}

fn notice_view(screen: Screen, t: &Messages, notice: Notice) -> impl IntoView {
    let (msg, source, retry) = match &notice {
        Notice::Outcome(o) => match (o.action, o.success) {
            (Action::Connect, true) => (Msg::ConnectSuccess, o.source, false),
            (Action::Connect, false) => (Msg::ConnectFailure, o.source, true),
            (Action::Disconnect, true) => (Msg::DisconnectSuccess, o.source, false),
            (Action::Disconnect, false) => (Msg::DisconnectFailure, o.source, true),
        },
        Notice::TabOpened(source) => (Msg::TabOpened, *source, false),
        Notice::PopupBlocked(_, source) => (Msg::PopupBlocked, *source, true),
    };
    let name = screen.source_name(source);
    let text = t.format(msg, &[("source", &name)]);
    let text_id = screen.id("result-text");
    let retry_text = t.get(Msg::ResultRetry);
    view! {
        <p class="tc-result__text" id=text_id.clone()>{text}</p>
        <div class="tc-result__actions">
            {retry
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="tc-button tc-button--primary"
                            aria-describedby=text_id
                            disabled=move || !screen.can_act()
                            on:click=move |_| screen.retry_outcome()
                        >
                            {retry_text}
                        </button>
                    }
                })}
            <button
                type="button"
                class="tc-button tc-button--ghost"
                on:click=move |_| screen.dismiss_notice()
            >
                {t.get(Msg::ResultDismiss)}
            </button>
        </div>
    }
}
