//! The host's own code as the source of sessions and states: for hosts whose API the screen
//! cannot call itself (its own auth, another origin, a client library). When given, the screen
//! never calls the token (or status) endpoint; renewal, retry and every error state stay the same.

use futures::future::LocalBoxFuture;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use thryve_connect_protocol::ids::IdSet;

/// What the host is asked for a session.
#[derive(Clone, Debug)]
pub struct SessionAsk {
    /// The screen's language: ask Thryve for a session in it (the token endpoint gets it as
    /// `{"locale":"de"}`).
    pub locale: &'static str,
    /// Aborted when the answer is no longer wanted (the deadline passed, or the screen was
    /// removed): pass it on to your own request.
    pub signal: Option<web_sys::AbortSignal>,
}

/// The host's answer for a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostSession {
    /// The connection session token itself.
    Token(String),
    /// Thryve's widget answer (or the short form), as JSON text, as the token endpoint would
    /// return it; may carry the `"user"` key.
    Answer(String),
}

/// The host's answer for the connected sources.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostStatus {
    /// The IDs of the connected sources.
    Connected(IdSet),
    /// The connected sources with what the host knows about them (since when, last data,
    /// whether to reconnect), as the status endpoint's richer answer says it.
    Detailed(thryve_connect_protocol::endpoint::StatusAnswer),
    /// The status endpoint's answer, as JSON text (`{"connected":[1,11]}`).
    Answer(String),
}

type SessionFn = dyn Fn(SessionAsk) -> LocalBoxFuture<'static, Result<HostSession, String>>;
type StatusFn =
    dyn Fn(Option<web_sys::AbortSignal>) -> LocalBoxFuture<'static, Result<HostStatus, String>>;

/// Gets a connection session from the host's code (`getSession` in JavaScript). An `Err` (a
/// rejected promise) shows as the token endpoint being down, with Try again; its text goes to
/// the error event.
#[derive(Clone)]
pub struct GetSession(Rc<SessionFn>);

impl GetSession {
    /// Wraps an async function.
    pub fn new<F, Fut>(get: F) -> GetSession
    where
        F: Fn(SessionAsk) -> Fut + 'static,
        Fut: Future<Output = Result<HostSession, String>> + 'static,
    {
        GetSession(Rc::new(move |ask| Box::pin(get(ask))))
    }

    pub(crate) fn call(
        &self,
        ask: SessionAsk,
    ) -> LocalBoxFuture<'static, Result<HostSession, String>> {
        (self.0)(ask)
    }
}

impl fmt::Debug for GetSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GetSession(..)")
    }
}

/// Gets the connected sources from the host's code (`getStatus` in JavaScript), called with a
/// signal aborted when the answer is no longer wanted. An `Err` shows as the status endpoint
/// failing.
#[derive(Clone)]
pub struct GetStatus(Rc<StatusFn>);

impl GetStatus {
    /// Wraps an async function.
    pub fn new<F, Fut>(get: F) -> GetStatus
    where
        F: Fn(Option<web_sys::AbortSignal>) -> Fut + 'static,
        Fut: Future<Output = Result<HostStatus, String>> + 'static,
    {
        GetStatus(Rc::new(move |signal| Box::pin(get(signal))))
    }

    pub(crate) fn call(
        &self,
        signal: Option<web_sys::AbortSignal>,
    ) -> LocalBoxFuture<'static, Result<HostStatus, String>> {
        (self.0)(signal)
    }
}

impl fmt::Debug for GetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GetStatus(..)")
    }
}

/// The host's sources of sessions and states, when it has its own.
#[derive(Clone, Debug, Default)]
pub struct HostApi {
    /// Replaces the token endpoint.
    pub get_session: Option<GetSession>,
    /// Replaces the status endpoint.
    pub get_status: Option<GetStatus>,
}
