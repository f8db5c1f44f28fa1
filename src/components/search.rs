//! Finding a source in a long list: a search field above it, the number of matches, and a way
//! back to the whole list.

use crate::i18n::Msg;
use crate::screen::Screen;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// From this many sources up, the list gets a search field.
pub(super) const SEARCH_FROM: usize = 8;

/// The search field. `query` is what the user typed; `matching` how many sources it finds.
#[component]
pub(super) fn SourceSearch(
    /// What the user typed.
    query: RwSignal<String>,
    /// How many sources match it (a closure: a `Signal<usize>` would add that type's code for
    /// one reader).
    matching: impl Fn() -> usize + Send + Sync + 'static,
    /// The ID of the list it filters.
    list_id: String,
) -> impl IntoView {
    let screen = Screen::expect();
    let t = screen.messages();
    let input_id = screen.id("search");
    let count_id = screen.id("search-count");
    // Empties the query and puts the focus back in the field, found from the element the event
    // came from (a `NodeRef` would add its element type's code to the wasm for this one use).
    // `target`, not `current_target`: with Leptos' event delegation on (a host app may turn it
    // on) the handler runs from a listener on the window.
    let clear = move |ev: &web_sys::Event| {
        query.set(String::new());
        let input = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest(".tc-search__field").ok().flatten())
            .and_then(|field| field.query_selector(".tc-search__input").ok().flatten())
            .and_then(|input| input.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
        }
    };
    let searching = move || !query.with(|q| q.trim().is_empty());
    let count_text = {
        let t = t.clone();
        move || {
            if !searching() {
                return String::new();
            }
            match matching() {
                0 => t.format(Msg::SearchNone, &[("query", query.get().trim())]),
                n => t.count(Msg::SearchCount, n, &[]),
            }
        }
    };
    let label = t.get(Msg::SearchLabel);
    let clear_text = t.get(Msg::SearchClear);
    view! {
        <div class="tc-search" role="search">
            <label class="tc-search__label" for=input_id.clone()>{label}</label>
            <div class="tc-search__field">
                <input
                    class="tc-search__input"
                    id=input_id
                    type="search"
                    autocomplete="off"
                    placeholder=label
                    aria-controls=list_id
                    aria-describedby=count_id.clone()
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" && searching() {
                            ev.prevent_default();
                            clear(&ev);
                        }
                    }
                />
                <button
                    type="button"
                    class="tc-button tc-button--ghost tc-search__clear"
                    hidden=move || !searching()
                    on:click=move |ev| clear(&ev)
                >
                    {clear_text}
                </button>
            </div>
            // A live region from the start (so its first message is announced); a status only
            // while there is something to say, so it is never an empty second status.
            <p
                class="tc-search__count"
                id=count_id
                aria-live="polite"
                role=move || searching().then_some("status")
            >
                {count_text}
            </p>
        </div>
    }
}
