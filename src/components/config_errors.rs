//! What is wrong with the settings, shown instead of the screen.

use crate::config::{self, ConfigError, Settings};
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
    /// Put before the names of the attributes concerned: `data-` for a `<div>` mount, nothing
    /// for `<thryve-connect>` (the default).
    #[prop(optional)]
    attribute_prefix: &'static str,
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
                                <code>{shown_name(error.setting, attribute_prefix)}</code>
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

/// An attribute's name as written on the mount element; other names ("JSON settings") as they are.
fn shown_name(setting: &str, prefix: &str) -> String {
    if Settings::ATTRIBUTES
        .iter()
        .any(|(name, _)| *name == setting)
    {
        format!("{prefix}{setting}")
    } else {
        setting.to_owned()
    }
}
