//! The connection session token: fetched on load, renewed a little before it turns old (and when
//! the user comes back to the tab), and handed to a click by [`Screen::fresh_token`], which waits
//! for a new one only when the one in hand is too old.

use super::Screen;
use crate::api::{self, ApiError};
use crate::browser::{self, Timer};
use crate::config::{Config, Credentials, Headers};
use crate::events::{ErrorContext, Failure, ScreenEvent, SessionReady};
use crate::token::Session;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

type SessionResult = Result<Session, ApiError>;
type InFlight = Shared<LocalBoxFuture<'static, SessionResult>>;

/// The last session of a mount, handed to the screen that replaces it when the host changes the
/// settings (`update`), so that a new language list or open mode costs no new session.
#[derive(Clone, Default)]
pub(crate) struct SessionCarry(Arc<Mutex<Option<Carried>>>);

struct Carried {
    /// What the session was asked for with: endpoint, language, credentials, headers.
    asked: Asked,
    session: Session,
}

type Asked = (
    thryve_connect_protocol::address::Url,
    &'static str,
    Credentials,
    Headers,
);

fn asked(config: &Config) -> Asked {
    (
        config.token_endpoint.clone(),
        config.locale,
        config.credentials,
        config.headers.clone(),
    )
}

impl SessionCarry {
    fn keep(&self, config: &Config, session: &Session) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(Carried {
                asked: asked(config),
                session: session.clone(),
            });
        }
    }

    /// The kept session, when it was asked for the same way (endpoint, language, credentials
    /// and headers: other headers may be another signed-in user).
    fn take(&self, config: &Config) -> Option<Session> {
        let carried = self.0.lock().ok()?.take()?;
        (carried.asked == asked(config)).then_some(carried.session)
    }
}

/// The session's state, as the user sees it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SessionView {
    Loading,
    Ready,
    Failed(ApiError),
}

/// The token's reactive state. `Copy`: handles only.
#[derive(Clone, Copy)]
pub(super) struct SessionState {
    /// The last answer; kept while a renewal is on its way.
    last: RwSignal<Option<SessionResult>>,
    /// Whether a request is on its way.
    pending: RwSignal<bool>,
}

/// What the session keeps that no view reacts to (in the screen's [`super::Kept`]).
#[derive(Default)]
pub(super) struct Kept {
    /// The request on its way, shared by everyone who waits for it.
    in_flight: RefCell<Option<InFlight>>,
    /// The renewal before the token turns old.
    pub(super) refresh: RefCell<Option<Timer>>,
}

impl SessionState {
    pub(super) fn new() -> SessionState {
        SessionState {
            last: RwSignal::new(None),
            pending: RwSignal::new(false),
        }
    }
}

impl Screen {
    /// Read from the two signals each time rather than kept in a memo: its readers are a few
    /// attributes that set nothing when their value stays, and a memo of its own type is more
    /// code in the wasm than the reads it saves.
    pub fn session_view(&self) -> SessionView {
        let pending = self.session.pending.get();
        self.session.last.with(|value| match value {
            Some(Ok(_)) => SessionView::Ready,
            Some(Err(error)) if !pending => SessionView::Failed(error.clone()),
            _ => SessionView::Loading,
        })
    }

    /// "Try again" after the token endpoint failed.
    pub fn retry_session(&self) {
        self.renew_session();
    }

    /// The token in hand, when it is still fresh enough to use.
    pub(super) fn token_if_fresh(&self) -> Option<String> {
        let max_age = self.with_config(|c| c.token_max_age_ms);
        let now = browser::now_ms();
        self.session.last.with_untracked(|value| match value {
            Some(Ok(session)) if session.is_fresh(now, max_age) => Some(session.token.clone()),
            _ => None,
        })
    }

    /// Whether a token arrived at some point (fresh or not).
    pub(super) fn has_session(&self) -> bool {
        self.session
            .last
            .with_untracked(|value| matches!(value, Some(Ok(_))))
    }

    /// A token fresh enough to use: the one in hand, or the next one from the token endpoint.
    pub(super) async fn fresh_token(self) -> Result<String, ApiError> {
        if let Some(token) = self.token_if_fresh() {
            return Ok(token);
        }
        self.request_session().await.map(|session| session.token)
    }

    /// Asks for a new session unless one is already on its way.
    pub(super) fn renew_session(&self) {
        drop(self.request_session());
    }

    /// [`Screen::renew_session`], returning the request to wait for.
    fn request_session(&self) -> InFlight {
        if let Some(in_flight) = self
            .browser(|k| k.session.in_flight.borrow().clone())
            .flatten()
        {
            return in_flight;
        }
        let config = self.config();
        let cancel = self.requests_signal();
        let screen = *self;
        // The bookkeeping runs inside the shared request, so it is done once, before any waiter
        // (a click) goes on with the token.
        let get_session = self.browser(|k| k.host.get_session.clone()).flatten();
        let request = async move {
            let result = match get_session {
                Some(get) => {
                    api::host_session(
                        &get,
                        config.locale,
                        config.request_timeout_ms,
                        cancel.as_ref(),
                    )
                    .await
                }
                None => {
                    api::fetch_session(
                        &config.token_endpoint,
                        &api::Access::of(&config),
                        config.locale,
                        config.request_timeout_ms,
                        cancel.as_ref(),
                    )
                    .await
                }
            };
            if screen.alive() {
                screen.browser(|k| k.session.in_flight.replace(None));
                screen.on_session(result.clone());
            }
            result
        }
        .boxed_local()
        .shared();
        self.browser(|k| k.session.in_flight.replace(Some(request.clone())));
        self.session.pending.set(true);
        leptos::task::spawn_local(request.clone().map(|_| ()));
        request
    }

    /// A new answer: shown, told to the host, and (when it is a token) renewed before it turns old.
    fn on_session(&self, result: SessionResult) {
        self.session.last.set(Some(result.clone()));
        self.session.pending.set(false);
        match result {
            Ok(session) => {
                let config = self.config();
                self.browser(|k| {
                    if let Some(carry) = &k.carry {
                        carry.keep(&config, &session);
                    }
                });
                self.use_user_key(session.user.as_deref());
                self.emit(ScreenEvent::SessionReady(SessionReady {
                    locale: self.with_config(|c| c.locale),
                }));
                self.schedule_refresh(&session);
            }
            Err(error) => self.emit(ScreenEvent::Error(Failure {
                context: ErrorContext::Session,
                kind: error.kind(),
                message: error.to_string(),
                source: None,
            })),
        }
    }

    /// Takes over the session of the screen this one replaces (same mount, new settings), when it
    /// was fetched for the same endpoint and language and is still fresh. Returns whether it did.
    pub(super) fn take_carried_session(&self) -> bool {
        let config = self.config();
        let carried = self
            .browser(|k| k.carry.as_ref().and_then(|carry| carry.take(&config)))
            .flatten();
        match carried {
            Some(session) if session.is_fresh(browser::now_ms(), config.token_max_age_ms) => {
                self.on_session(Ok(session));
                true
            }
            _ => false,
        }
    }

    /// Renews the session a little before it turns old (at nine tenths of its allowed age).
    fn schedule_refresh(&self, session: &Session) {
        let max_age = self.with_config(|c| c.token_max_age_ms);
        let wait = session.ms_until_stale(browser::now_ms(), max_age - max_age / 10);
        self.cancel_refresh();
        let screen = *self;
        let timer = Timer::after(wait, move || {
            // A hidden tab refreshes when it becomes visible again instead.
            if screen.alive() && browser::is_visible() {
                screen.renew_session();
            }
        });
        self.browser(|k| k.session.refresh.replace(timer));
    }

    pub(super) fn cancel_refresh(&self) {
        super::cancel_timer(self, |k| &k.session.refresh);
    }
}
