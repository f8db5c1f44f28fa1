//! The list of sources and its rows.

use super::classes;
use super::row_actions::RowActions;
use super::search::{SourceSearch, SEARCH_FROM};
use crate::catalogue::Source;
use crate::i18n::Msg;
use crate::screen::{RowState, Screen, SessionView};
use crate::status::Knowledge;
use leptos::either::Either;
use leptos::prelude::*;

/// The list of data sources with their state and actions; from eight sources up, with a search
/// field above it.
#[component]
pub fn SourceList(#[prop(optional, into)] class: MaybeProp<String>) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let sources = screen.config().sources.clone();
    // One line above the list, the same height in every state (so nothing below it moves when
    // the session arrives): the loading note first, then how many sources are connected.
    let loading_id = screen.id("loading");
    let line = {
        let t = t.clone();
        move || match screen.session_view() {
            SessionView::Loading => Either::Left(view! {
                <span class="tc-sources__loading" id=loading_id.clone()>
                    <span class="tc-spinner" aria-hidden="true"></span>
                    {t.get(Msg::SessionLoading)}
                </span>
            }),
            _ => {
                let count = screen.connected_count();
                Either::Right((count > 0).then(|| t.count(Msg::Summary, count, &[])))
            }
        }
    };
    let query = RwSignal::new(String::new());
    let list_id = screen.id("list");
    let search = (sources.len() >= SEARCH_FROM).then(|| {
        let sources = sources.clone();
        let matching = move || query.with(|q| sources.iter().filter(|s| s.matches(q)).count());
        view! { <SourceSearch query matching list_id=list_id.clone() /> }
    });
    view! {
        <div class=classes("tc-sources", class)>
            {search}
            <p class="tc-sources__summary">{line}</p>
            {move || {
                screen
                    .status_failed()
                    .then(|| {
                        // An owned text, as the rows' notes are: a `&str` child here would be
                        // another view type's code in the wasm.
                        let text = t.get(Msg::StatusError).to_owned();
                        view! { <p class="tc-sources__note">{text}</p> }
                    })
            }}
            <ul class="tc-list" id=list_id aria-label=screen.messages().get(Msg::ListLabel)>
                {sources
                    .into_iter()
                    .map(|source| {
                        let shown = source.clone();
                        let hidden = Signal::derive(move || !query.with(|q| shown.matches(q)));
                        view! { <SourceRow source hidden /> }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// One source: its mark, name and state, and the actions it offers.
#[component]
pub fn SourceRow(
    /// The source.
    source: Source,
    /// Extra classes for the row.
    #[prop(optional, into)]
    class: MaybeProp<String>,
    /// Whether the row is hidden (a search that does not find it).
    #[prop(optional, into)]
    hidden: Signal<bool>,
) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let id = source.id;
    let web = source.is_web();
    // One memo per row: its closures (and its buttons') re-run only when this row's state changes.
    let state = Memo::new(move |_| screen.row_state(id, web));
    let state_text = {
        let t = t.clone();
        let name = source.name.clone();
        move || match state.get() {
            // A confirming row keeps telling what it knew.
            RowState::Known(knowledge) | RowState::Confirming(knowledge) => {
                // What the status said about a connection, when it said more than "connected".
                let connection = screen.connection(id);
                if connection.is_some_and(|c| c.needs_reconnect) {
                    return t.get(Msg::StateNeedsReconnect).to_owned();
                }
                if let Some(since) = connection.and_then(|c| c.since_ms) {
                    let date = t.date(since, false);
                    return t.format(Msg::StateSince, &[("date", &date)]);
                }
                t.get(match knowledge {
                    Knowledge::Connected => Msg::StateConnected,
                    Knowledge::NotConnected => Msg::StateNotConnected,
                    Knowledge::Unknown => Msg::StateUnknown,
                })
                .to_owned()
            }
            RowState::Connecting => t.format(Msg::StateConnecting, &[("source", &name)]),
            RowState::Disconnecting => t.get(Msg::StateDisconnecting).to_owned(),
            RowState::Native => t.get(Msg::StateNative).to_owned(),
        }
    };
    let note = {
        let t = t.clone();
        let name = source.name.clone();
        move || {
            screen.is_unconfirmed(id).then(|| {
                view! {
                    <span class="tc-source__note">
                        {t.format(Msg::StateUnconfirmed, &[("source", &name)])}
                    </span>
                }
            })
        }
    };
    let last_data = {
        let t = t.clone();
        move || {
            let settled = matches!(state.get(), RowState::Known(_) | RowState::Confirming(_));
            let last = screen.connection(id).and_then(|c| c.last_data_ms)?;
            settled.then(|| {
                let date = t.date(last, true);
                view! {
                    <span class="tc-source__detail">
                        {t.format(Msg::StateLastData, &[("date", &date)])}
                    </span>
                }
            })
        }
    };
    let actions = source
        .is_web()
        .then(|| view! { <RowActions source=source.clone() state /> });
    view! {
        <li
            class=classes("tc-source", class)
            data-state=move || state.get().as_str()
            data-reconnect=move || screen.needs_reconnect(id).then(|| "true".to_owned())
            data-source-id=id.to_string()
            data-testid=format!("source-{id}")
            hidden=move || hidden.get()
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
                {last_data}
                {note}
            </div>
            {actions}
        </li>
    }
}

/// A logo when one is configured, else a monogram. Decorative: the name is next to it.
#[component]
pub fn SourceMark(source: Source) -> impl IntoView {
    match source.logo.clone() {
        Some(logo) => Either::Left(view! {
            <img class="tc-source__logo" src=logo alt="" width="40" height="40" loading="lazy" />
        }),
        None => Either::Right(view! {
            <span class="tc-source__monogram" data-tint=(source.id % 6).to_string() aria-hidden="true">
                {source.monogram()}
            </span>
        }),
    }
}
