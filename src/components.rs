//! The views. Thin: they read [`Screen`] and call its methods.
//!
//! Use [`ConnectScreen`] for the whole screen, or [`ConnectionProvider`] with any of
//! [`ResultMessage`], [`SessionAlert`] and [`SourceList`] to lay the pieces out yourself.
//! Class names (`tc-…`) and `data-state` values are public: the README lists them.

use crate::catalogue::Source;
use crate::config::{Config, ConfigError};
use crate::events::ScreenEvent;
use crate::i18n::{Messages, Msg};
use crate::screen::{Notice, RowState, Screen, SessionView};
use crate::status::Knowledge;
use crate::urls::Action;
use leptos::html;
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

/// The whole connection screen: heading, result message, session state and the source list.
#[component]
pub fn ConnectScreen(
    /// The validated settings.
    config: Config,
    /// Extra classes for the root element.
    #[prop(optional, into)]
    class: MaybeProp<String>,
    /// Called with every event the screen reports.
    #[prop(optional, into)]
    on_event: Option<Callback<ScreenEvent>>,
    /// Where DOM events are dispatched (bubbling); the screen's root element when not given.
    #[prop(optional)]
    events_target: Option<web_sys::EventTarget>,
) -> impl IntoView {
    let screen = Screen::new(config, events_target, on_event);
    let t = screen.messages();
    let root = NodeRef::<html::Section>::new();
    root.on_load(move |section| screen.attach_events(section.into()));
    let title_id = screen.id("title");
    let labelled_by = title_id.clone();
    view! {
        <section
            class=classes("tc-screen", class)
            data-state=move || match screen.session_view() {
                SessionView::Loading => "loading",
                SessionView::Ready => "ready",
                SessionView::Failed(_) => "error",
            }
            aria-labelledby=labelled_by
            lang=t.code()
            node_ref=root
        >
            <header class="tc-screen__header">
                {heading(screen.config().heading_level, title_id, t.get(Msg::Title))}
                <p class="tc-screen__intro">{t.get(Msg::Intro)}</p>
            </header>
            <ResultMessage />
            <SessionAlert />
            <SourceList />
        </section>
    }
}

/// The screen's title at the configured level (`data-heading-level`).
fn heading(level: u8, id: String, text: &'static str) -> AnyView {
    let class = "tc-screen__title";
    match level {
        1 => view! { <h1 class=class id=id>{text}</h1> }.into_any(),
        3 => view! { <h3 class=class id=id>{text}</h3> }.into_any(),
        4 => view! { <h4 class=class id=id>{text}</h4> }.into_any(),
        5 => view! { <h5 class=class id=id>{text}</h5> }.into_any(),
        6 => view! { <h6 class=class id=id>{text}</h6> }.into_any(),
        _ => view! { <h2 class=class id=id>{text}</h2> }.into_any(),
    }
}

/// Provides a [`Screen`] to the pieces inside it, for custom layouts.
#[component]
pub fn ConnectionProvider(
    config: Config,
    #[prop(optional, into)] on_event: Option<Callback<ScreenEvent>>,
    #[prop(optional)] events_target: Option<web_sys::EventTarget>,
    children: Children,
) -> impl IntoView {
    Screen::new(config, events_target, on_event);
    children()
}

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
                crate::api::ApiError::Timeout => t.get(Msg::SessionTimeout),
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

/// The list of data sources with their state and actions.
#[component]
pub fn SourceList(#[prop(optional, into)] class: MaybeProp<String>) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let sources = screen.config().sources.clone();
    let summary = {
        let t = t.clone();
        move || {
            let count = screen.connected_count();
            (count > 0).then(|| t.count(Msg::SummaryOne, Msg::SummaryOther, count, &[]))
        }
    };
    view! {
        <div class=classes("tc-sources", class)>
            <p class="tc-sources__summary">{summary}</p>
            {move || {
                screen
                    .status_failed()
                    .then(|| {
                        view! { <p class="tc-sources__note">{t.get(Msg::StatusError)}</p> }
                    })
            }}
            <ul class="tc-list" aria-label=screen.messages().get(Msg::ListLabel)>
                {sources
                    .into_iter()
                    .map(|source| view! { <SourceRow source /> })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// One source: its mark, name and state, and the actions it offers.
#[component]
pub fn SourceRow(
    source: Source,
    #[prop(optional, into)] class: MaybeProp<String>,
) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let id = source.id;
    let web = source.is_web();
    // One memo per row: its closures re-run only when this row's state changes.
    let state = Memo::new(move |_| screen.row_state(id, web));
    let state = move || state.get();
    let state_text = {
        let t = t.clone();
        let name = source.name.clone();
        move || match state() {
            RowState::Known(Knowledge::Connected) => t.get(Msg::StateConnected).to_owned(),
            RowState::Known(Knowledge::NotConnected) => t.get(Msg::StateNotConnected).to_owned(),
            RowState::Known(Knowledge::Unknown) | RowState::Confirming => {
                t.get(Msg::StateUnknown).to_owned()
            }
            RowState::Connecting => t.format(Msg::StateConnecting, &[("source", &name)]),
            RowState::Disconnecting => t.get(Msg::StateDisconnecting).to_owned(),
            RowState::Native => t.get(Msg::StateNative).to_owned(),
        }
    };
    // A confirming row keeps showing what it knew.
    let shown_state = move || match state() {
        RowState::Confirming => screen.knowledge(id).as_str(),
        other => other.as_str(),
    };
    let actions = source
        .is_web()
        .then(|| view! { <RowActions source=source.clone() /> });
    view! {
        <li
            class=classes("tc-source", class)
            data-state=shown_state
            data-source-id=id.to_string()
            data-testid=format!("source-{id}")
        >
            <SourceMark source=source.clone() />
            <div class="tc-source__body">
                <span class="tc-source__name">{source.name.clone()}</span>
                {source
                    .featured
                    .then(|| {
                        view! { <span class="tc-source__badge">{t.get(Msg::Featured)}</span> }
                    })}
                <span class="tc-source__state">{state_text}</span>
            </div>
            {actions}
        </li>
    }
}

/// A logo when one is configured, else a monogram. Decorative: the name is next to it.
#[component]
pub fn SourceMark(source: Source) -> impl IntoView {
    match source.logo.clone() {
        Some(logo) => view! {
            <img class="tc-source__logo" src=logo alt="" width="40" height="40" loading="lazy" />
        }
        .into_any(),
        None => view! {
            <span class="tc-source__monogram" data-tint=(source.id % 6).to_string() aria-hidden="true">
                {source.monogram()}
            </span>
        }
        .into_any(),
    }
}

/// Connect / Disconnect, and the disconnect confirmation.
#[component]
fn RowActions(source: Source) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let id = source.id;
    let name = source.name.clone();
    let row_state = Memo::new(move |_| screen.row_state(id, true));
    let row_state = move || row_state.get();
    let loading_id = screen.id("loading");
    let described_by =
        move || (screen.session_view() == SessionView::Loading).then(|| loading_id.clone());
    let busy = move || matches!(row_state(), RowState::Connecting | RowState::Disconnecting);
    let offers = move || screen.knowledge(id).offers();
    let disconnect_ref = NodeRef::<html::Button>::new();
    let question_id = screen.id(&format!("confirm-{id}"));

    let cancel = move || {
        screen.cancel_disconnect();
        request_animation_frame(move || {
            if let Some(button) = disconnect_ref.get_untracked() {
                let _ = button.focus();
            }
        });
    };

    let connect_label = t.format(Msg::ButtonConnectNamed, &[("source", &name)]);
    let disconnect_label = t.format(Msg::ButtonDisconnectNamed, &[("source", &name)]);
    let confirm_label = t.format(Msg::ConfirmYesNamed, &[("source", &name)]);
    let question = t.format(Msg::ConfirmQuestion, &[("source", &name)]);
    let (connect_text, disconnect_text, yes_text, cancel_text) = (
        t.get(Msg::ButtonConnect),
        t.get(Msg::ButtonDisconnect),
        t.get(Msg::ConfirmYes),
        t.get(Msg::ConfirmCancel),
    );

    view! {
        <div class="tc-source__actions">
            <Show
                when=move || row_state() != RowState::Confirming
                fallback=move || {
                    // Focus moves into the confirmation each time it opens.
                    let confirm_ref = NodeRef::<html::Button>::new();
                    confirm_ref.on_load(|button| {
                        let _ = button.focus();
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
                                <button
                                    type="button"
                                    class="tc-button tc-button--ghost"
                                    on:click=move |_| cancel()
                                >
                                    {cancel_text}
                                </button>
                            </div>
                        </div>
                    }
                }
            >
                {
                    let described_by = described_by.clone();
                    let connect_label = connect_label.clone();
                    move || {
                        offers()
                            .connect
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="tc-button tc-button--primary"
                                        aria-label=connect_label.clone()
                                        aria-describedby=described_by.clone()
                                        aria-busy=move || busy().then_some("true")
                                        disabled=move || !screen.can_act()
                                        on:click=move |_| screen.connect(id)
                                    >
                                        <span class="tc-button__spinner" aria-hidden="true"></span>
                                        {connect_text}
                                    </button>
                                }
                            })
                    }
                }
                {
                    let described_by = described_by.clone();
                    let disconnect_label = disconnect_label.clone();
                    move || {
                        offers()
                            .disconnect
                            .then(|| {
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
                }
            </Show>
        </div>
    }
}

/// Shown instead of the screen when the settings are invalid: what is wrong, for the developer.
#[component]
pub fn ConfigErrors(errors: Vec<ConfigError>, messages: Messages) -> impl IntoView {
    view! {
        <div class="tc-screen tc-config-error" data-state="config-error" role="alert">
            <p class="tc-config-error__title">{messages.get(Msg::ConfigErrorTitle)}</p>
            <ul class="tc-config-error__list" lang="en">
                {errors
                    .into_iter()
                    .map(|error| {
                        view! {
                            <li>
                                <code>{error.setting}</code>
                                ": "
                                {error.problem}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
