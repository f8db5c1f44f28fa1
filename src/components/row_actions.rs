//! A row's buttons and its disconnect confirmation.

use crate::browser;
use crate::catalogue::Source;
use crate::i18n::Msg;
use crate::screen::{RowState, Screen, SessionView};
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;

/// Connect / Disconnect, and the disconnect confirmation.
#[component]
pub(super) fn RowActions(
    source: Source,
    /// The row's state (the row's own memo; a `Signal` would add that type's code for a
    /// component only the row uses).
    state: Memo<RowState>,
) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let id = source.id;
    let name = source.name.clone();
    let row_state = move || state.get();
    let loading_id = screen.id("loading");
    let described_by =
        move || (screen.session_view() == SessionView::Loading).then(|| loading_id.clone());
    let busy = move || matches!(row_state(), RowState::Connecting | RowState::Disconnecting);
    let offers = move || screen.offers(id);
    let disconnect_ref = NodeRef::<html::Button>::new();
    let question_id = screen.id(&format!("confirm-{id}"));

    let cancel = move || {
        screen.cancel_disconnect();
        browser::next_frame(move || {
            // A frame later the row may be gone (the screen removed): then nothing to focus.
            if let Some(button) = disconnect_ref.try_get_untracked().flatten() {
                let _ = button.focus();
            }
        });
    };

    let connect_label = t.format(Msg::ButtonConnectNamed, &[("source", &name)]);
    let reconnect_label = t.format(Msg::ButtonReconnectNamed, &[("source", &name)]);
    let reconnect_text = t.get(Msg::ButtonReconnect);
    let disconnect_label = t.format(Msg::ButtonDisconnectNamed, &[("source", &name)]);
    let confirm_label = t.format(Msg::ConfirmYesNamed, &[("source", &name)]);
    let question = t.format(Msg::ConfirmQuestion, &[("source", &name)]);
    let (connect_text, disconnect_text, yes_text, cancel_text) = (
        t.get(Msg::ButtonConnect),
        t.get(Msg::ButtonDisconnect),
        t.get(Msg::ConfirmYes),
        t.get(Msg::ConfirmCancel),
    );

    // Focus moves into the confirmation each time it opens (in the next frame, as it moves
    // back on cancel: a `NodeRef::on_load` would be another effect's code in the wasm).
    let confirmation = move || {
        let confirm_ref = NodeRef::<html::Button>::new();
        browser::next_frame(move || {
            // Already closed again (a quick answer), or the screen removed: nothing to focus.
            if let Some(button) = confirm_ref.try_get_untracked().flatten() {
                let _ = button.focus();
            }
        });
        view! {
            <div
                class="tc-confirm"
                role="group"
                aria-labelledby=question_id.clone()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        cancel();
                    }
                }
            >
                <p class="tc-confirm__question" id=question_id.clone()>
                    {question.clone()}
                </p>
                <div class="tc-confirm__actions">
                    <button
                        type="button"
                        class="tc-button tc-button--danger"
                        aria-label=confirm_label.clone()
                        node_ref=confirm_ref
                        on:click=move |_| screen.disconnect(id)
                    >
                        {yes_text}
                    </button>
                    <button type="button" class="tc-button tc-button--ghost" on:click=move |_| cancel()>
                        {cancel_text}
                    </button>
                </div>
            </div>
        }
    };
    let buttons = move || {
        let connect = {
            let described_by = described_by.clone();
            let connect_label = connect_label.clone();
            let reconnect_label = reconnect_label.clone();
            move || {
                offers().connect.then(|| {
                    // The status says the connection must be made again.
                    let (label, text) = if screen.needs_reconnect(id) {
                        (reconnect_label.clone(), reconnect_text)
                    } else {
                        (connect_label.clone(), connect_text)
                    };
                    view! {
                        <button
                            type="button"
                            class="tc-button tc-button--primary"
                            aria-label=label
                            aria-describedby=described_by.clone()
                            // Owned, like `aria-describedby`: one attribute type less.
                            aria-busy=move || busy().then(|| "true".to_owned())
                            disabled=move || !screen.can_act()
                            on:click=move |_| screen.connect(id)
                        >
                            <span class="tc-button__spinner" aria-hidden="true"></span>
                            {text}
                        </button>
                    }
                })
            }
        };
        let disconnect = {
            let described_by = described_by.clone();
            let disconnect_label = disconnect_label.clone();
            move || {
                offers().disconnect.then(|| {
                    view! {
                        <button
                            type="button"
                            class="tc-button tc-button--secondary"
                            aria-label=disconnect_label.clone()
                            aria-describedby=described_by.clone()
                            disabled=move || !screen.can_act()
                            node_ref=disconnect_ref
                            on:click=move |_| screen.ask_disconnect(id)
                        >
                            {disconnect_text}
                        </button>
                    }
                })
            }
        };
        (connect, disconnect)
    };

    // The buttons, or the confirmation in their place. A plain closure rather than `<Show>`,
    // whose memo of its own type is more code in the wasm than re-running this when the row's
    // state changes: the same branch again rebuilds onto the same elements.
    view! {
        <div class="tc-source__actions">
            {move || {
                if matches!(row_state(), RowState::Confirming(_)) {
                    Either::Left(confirmation())
                } else {
                    Either::Right(buttons())
                }
            }}
        </div>
    }
}
