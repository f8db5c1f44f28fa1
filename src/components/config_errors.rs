//! What is wrong with the settings, shown instead of the screen.

use crate::config::{self, ConfigError};
use crate::i18n::{Messages, Msg};
use leptos::prelude::*;

/// Shown instead of the screen when the settings are invalid: what is wrong, for the developer.
#[component]
pub fn ConfigErrors(
    /// What is wrong.
    errors: Vec<ConfigError>,
    /// The language of the heading (`data-locale`); the page's and browser's languages decide
    /// when it is not given or not available. The details stay in English: they are for the
    /// developer.
    #[prop(optional, into)]
    locale: MaybeProp<String>,
) -> impl IntoView {
    let locale = locale.get_untracked();
    let code = config::choose_locale(locale.as_deref(), &crate::browser::preferred_languages());
    let messages = Messages::new(code);
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
