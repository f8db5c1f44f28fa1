//! The network: the host's token and status endpoints (or its own code in their place), and
//! Thryve's background revoke.
//!
//! One error type for all of it. Every request has a deadline; a non-2xx answer is an error
//! before its body is read.

use crate::browser::Timer;
use crate::config::{Config, Credentials};
use crate::events::ErrorKind;
use crate::host::{GetSession, GetStatus, HostSession, HostStatus, SessionAsk};
use crate::token::Session;
use futures::future::{select, Either, LocalBoxFuture};
use std::fmt;
use thryve_connect_protocol::address::Url;
use thryve_connect_protocol::endpoint::{user_key_of, SessionRequest, StatusAnswer};
use thryve_connect_protocol::json::Json;
use thryve_connect_protocol::thryve::{token_of, validate, TokenError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, RequestCredentials, RequestInit, RequestMode, Response,
};

/// Why a request gave no usable answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The request did not get an answer (offline, DNS, CORS, refused).
    Network(String),
    /// No answer within the deadline.
    Timeout,
    /// An answer with a non-2xx status.
    Status(u16),
    /// A 2xx answer without a usable token.
    Token(TokenError),
    /// A 2xx status answer that is not `{"connected":[...]}`.
    BadStatusBody,
    /// The host's `getSession` or `getStatus` failed (its promise was rejected).
    Rejected(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(detail) => write!(f, "network error: {detail}"),
            ApiError::Timeout => f.write_str("no answer in time"),
            ApiError::Status(code) => write!(f, "HTTP status {code}"),
            ApiError::Token(error) => error.fmt(f),
            ApiError::BadStatusBody => f.write_str(
                "the status endpoint's answer is not {\"connected\":[...]} with source IDs or \
                 {\"id\", \"since\", \"lastData\", \"needsReconnect\"} objects (times in RFC 3339)",
            ),
            ApiError::Rejected(reason) => write!(f, "the host's callback failed: {reason}"),
        }
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ApiError::Token(error) => Some(error),
            _ => None,
        }
    }
}

impl ApiError {
    /// A short machine-readable name, for events.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Network(_) => ErrorKind::Network,
            ApiError::Timeout => ErrorKind::Timeout,
            ApiError::Status(_) => ErrorKind::HttpStatus,
            ApiError::Token(_) => ErrorKind::BadTokenResponse,
            ApiError::BadStatusBody => ErrorKind::BadStatusResponse,
            ApiError::Rejected(_) => ErrorKind::Rejected,
        }
    }
}

/// Aborts a request when its deadline passes or when `cancel` (the screen's) is aborted; stops
/// watching both on drop.
struct Deadline {
    controller: Option<AbortController>,
    timer: Option<Timer>,
    cancel: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Deadline {
    fn new(timeout_ms: u32, cancel: Option<&AbortSignal>) -> Deadline {
        let controller = AbortController::new().ok();
        let timer = controller
            .clone()
            .and_then(|controller| Timer::after(timeout_ms.into(), move || controller.abort()));
        let cancel = match (cancel, &controller) {
            (Some(signal), Some(controller)) if signal.aborted() => {
                controller.abort();
                None
            }
            (Some(signal), Some(controller)) => {
                let controller = controller.clone();
                let on_abort = Closure::<dyn FnMut()>::new(move || controller.abort());
                let _ = signal
                    .add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
                Some((signal.clone(), on_abort))
            }
            _ => None,
        };
        Deadline {
            controller,
            timer,
            cancel,
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(AbortController::signal)
    }

    /// Waits for `work` (the host's callback), unless the deadline passes or the screen goes
    /// first (`Timeout`; the callback got the signal and may stop its own request).
    async fn race<T>(&self, work: LocalBoxFuture<'static, T>) -> Result<T, ApiError> {
        let Some(signal) = self.signal() else {
            return Ok(work.await);
        };
        let aborted = js_sys::Promise::new(&mut |resolve, _| {
            if signal.aborted() {
                let _ = resolve.call0(&JsValue::NULL);
                return;
            }
            let on_abort = Closure::once_into_js(move || {
                let _ = resolve.call0(&JsValue::NULL);
            });
            let _ = signal.add_event_listener_with_callback("abort", on_abort.unchecked_ref());
        });
        match select(work, JsFuture::from(aborted)).await {
            Either::Left((value, _)) => Ok(value),
            Either::Right(_) => Err(ApiError::Timeout),
        }
    }

    fn passed(&self) -> bool {
        self.signal().is_some_and(|s| s.aborted())
    }

    /// What a failed `fetch` (or body read) means: the deadline passed, or the network failed.
    fn error(&self, error: &JsValue) -> ApiError {
        if self.passed() {
            ApiError::Timeout
        } else {
            ApiError::Network(crate::js_host::reason(error))
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            timer.cancel();
        }
        if let Some((signal, on_abort)) = self.cancel.take() {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        // The request is over: aborting its (own) signal now runs and frees what still waits on
        // it (the races' one-shot listeners), and changes nothing else.
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

/// What a request to the host's endpoints carries besides its body: credentials and headers.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// Cookies: for this origin only, also for another, or none.
    pub credentials: Credentials,
    /// Extra headers (`Authorization`, …).
    pub headers: Vec<(String, String)>,
}

impl Access {
    /// From the settings.
    pub fn of(config: &Config) -> Access {
        Access {
            credentials: config.credentials,
            headers: config.headers.0.clone(),
        }
    }

    /// Sets a request's credentials, and its extra headers in `headers` (a header of the same
    /// name as one of ours replaces it).
    fn apply(&self, init: &RequestInit, headers: &Headers) {
        init.set_credentials(match self.credentials {
            Credentials::SameOrigin => RequestCredentials::SameOrigin,
            Credentials::Include => RequestCredentials::Include,
            Credentials::Omit => RequestCredentials::Omit,
        });
        for (name, value) in &self.headers {
            let _ = headers.set(name, value);
        }
    }
}

/// Sends a request to `url` (the browser's `fetch`) and waits for its answer, whatever its
/// status; it is aborted when the deadline passes.
async fn send(url: &Url, init: &RequestInit, deadline: &Deadline) -> Result<Response, ApiError> {
    let window = crate::browser::window()
        .ok_or_else(|| ApiError::Network("no window to send the request from".into()))?;
    init.set_signal(deadline.signal().as_ref());
    let answer = JsFuture::from(window.fetch_with_str_and_init(url.as_str(), init))
        .await
        .map_err(|e| deadline.error(&e))?;
    answer
        .dyn_into::<Response>()
        .map_err(|_| ApiError::Network("fetch gave no response".into()))
}

/// The body of a 2xx answer as text.
async fn ok_text(response: Response, deadline: &Deadline) -> Result<String, ApiError> {
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    let text = response.text().map_err(|e| deadline.error(&e))?;
    let text = JsFuture::from(text).await.map_err(|e| deadline.error(&e))?;
    Ok(text.as_string().unwrap_or_default())
}

/// The body of the 2xx answer to the request to `endpoint` (`GET`, or `POST` with `body`, with
/// these headers besides the access's): the loader's early answer at `window[early_key]` when
/// it is this very request, with when the loader sent it; else the answer to the request sent
/// now.
async fn answer_text(
    early_key: &str,
    endpoint: &Url,
    headers: &[(&str, &str)],
    body: Option<&str>,
    access: &Access,
    deadline: &Deadline,
) -> Result<(String, Option<f64>), ApiError> {
    if let Some((early, sent_at)) = take_prefetched(early_key, endpoint, body, access) {
        return Ok((early_answer(early, deadline).await?, sent_at));
    }
    let init = RequestInit::new();
    let list = Headers::new().map_err(|e| ApiError::Network(crate::js_host::reason(&e)))?;
    for (name, value) in headers {
        let _ = list.set(name, value);
    }
    access.apply(&init, &list);
    init.set_headers(&list);
    if let Some(body) = body {
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
    }
    let response = send(endpoint, &init, deadline).await?;
    Ok((ok_text(response, deadline).await?, None))
}

/// Asks the host's token endpoint for a connection session.
///
/// When the page's boot script already sent this very request (same endpoint, same body) while
/// the app was downloading, its answer is used instead of asking again.
pub async fn fetch_session(
    endpoint: &Url,
    access: &Access,
    locale: &str,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<Session, ApiError> {
    let body = SessionRequest::body(locale);
    let deadline = Deadline::new(timeout_ms, cancel);
    let headers = [
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
    ];
    let asked_at_ms = crate::browser::now_ms();
    let (text, sent_at) = answer_text(
        EARLY_SESSION,
        endpoint,
        &headers,
        Some(&body),
        access,
        &deadline,
    )
    .await?;
    // An early answer's age counts from when the loader sent it.
    session_of(&text, sent_at.unwrap_or(asked_at_ms))
}

/// A session out of the token endpoint's answer (or the host's), asked for at `sent_at_ms`.
fn session_of(text: &str, sent_at_ms: f64) -> Result<Session, ApiError> {
    let json = Json::parse(text).map_err(|_| ApiError::Token(TokenError::NotJson))?;
    let token = token_of(&json).map_err(ApiError::Token)?;
    Ok(Session {
        token,
        user: user_key_of(&json),
        received_at_ms: sent_at_ms.min(crate::browser::now_ms()),
    })
}

/// Asks the host's own code for a session ([`GetSession`]), with the same deadline and the same
/// checks of the answer as the token endpoint.
pub async fn host_session(
    get: &GetSession,
    locale: &'static str,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<Session, ApiError> {
    let deadline = Deadline::new(timeout_ms, cancel);
    let sent_at_ms = crate::browser::now_ms();
    let ask = SessionAsk {
        locale,
        signal: deadline.signal(),
    };
    match deadline.race(get.call(ask)).await? {
        Ok(HostSession::Answer(text)) => session_of(&text, sent_at_ms),
        Ok(HostSession::Token(token)) => Ok(Session {
            token: validate(&token).map_err(ApiError::Token)?,
            user: None,
            received_at_ms: sent_at_ms.min(crate::browser::now_ms()),
        }),
        Err(reason) => Err(ApiError::Rejected(reason)),
    }
}

/// Asks the host's own code for the connected sources ([`GetStatus`]).
pub async fn host_status(
    get: &GetStatus,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<StatusAnswer, ApiError> {
    let deadline = Deadline::new(timeout_ms, cancel);
    match deadline.race(get.call(deadline.signal())).await? {
        Ok(HostStatus::Connected(connected)) => Ok(StatusAnswer {
            connected,
            ..StatusAnswer::default()
        }),
        Ok(HostStatus::Detailed(answer)) => Ok(answer),
        Ok(HostStatus::Answer(text)) => {
            crate::status::parse_status(&text).ok_or(ApiError::BadStatusBody)
        }
        Err(reason) => Err(ApiError::Rejected(reason)),
    }
}

/// Reads the host's status endpoint: the connected sources, and what it says about them. The
/// loader's early request is used when it is this one (its first read on the page).
pub async fn fetch_status(
    endpoint: &Url,
    access: &Access,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<StatusAnswer, ApiError> {
    let deadline = Deadline::new(timeout_ms, cancel);
    let headers = [("Accept", "application/json")];
    let (text, _) = answer_text(EARLY_STATUS, endpoint, &headers, None, access, &deadline).await?;
    crate::status::parse_status(&text).ok_or(ApiError::BadStatusBody)
}

/// Starts a disconnect with a plain background GET of Thryve's revoke URL.
///
/// Thryve's page does not allow cross-origin reads, so the request is `no-cors`: it is sent, but
/// its answer is opaque. Success means "Thryve received it"; the status endpoint, where there is
/// one, tells the real state afterwards.
pub async fn revoke(
    url: &Url,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<(), ApiError> {
    let deadline = Deadline::new(timeout_ms, cancel);
    let same_origin = crate::browser::current_url().is_some_and(|page| page.same_origin(url));
    let init = RequestInit::new();
    init.set_mode(if same_origin {
        RequestMode::SameOrigin
    } else {
        RequestMode::NoCors
    });
    init.set_credentials(RequestCredentials::Omit);
    let response = send(url, &init, &deadline).await?;
    // An opaque answer has status 0 and says nothing; a readable one must be 2xx.
    if response.type_() == web_sys::ResponseType::Opaque || response.ok() {
        Ok(())
    } else {
        Err(ApiError::Status(response.status()))
    }
}

/// Where the loader leaves its early session request.
const EARLY_SESSION: &str = "__thryveConnectPrefetch";
/// Where the loader leaves its early status request.
const EARLY_STATUS: &str = "__thryveConnectStatus";

/// The loader's early request at `window[key]`, if it is the one this screen would send: the
/// loader leaves `{url, body, credentials, answer, sentAt}` (a status request has no body nor
/// `sentAt`), where `answer` is a promise of `{ok, status, text}` (the loader reads the body as
/// soon as it arrives) and `sentAt` when the request was sent (ms since the epoch). Taken once.
/// The loader sends no extra headers, so a screen that needs some asks again.
fn take_prefetched(
    key: &str,
    endpoint: &Url,
    body: Option<&str>,
    access: &Access,
) -> Option<(js_sys::Promise, Option<f64>)> {
    let window = crate::browser::window()?;
    let key = JsValue::from_str(key);
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    if early.is_undefined() || early.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&early, &JsValue::from_str(name)).ok();
    let url = field("url")?.as_string()?;
    let same_url = Url::parse(&url).is_ok_and(|url| &url == endpoint);
    let same_body = field("body").and_then(|sent| sent.as_string()).as_deref() == body;
    let credentials = field("credentials").and_then(|c| c.as_string());
    let same_access = access.headers.is_empty()
        && credentials.as_deref().unwrap_or("same-origin") == access.credentials.as_str();
    if !same_url || !same_body || !same_access {
        return None;
    }
    let sent_at = field("sentAt").and_then(|at| at.as_f64());
    let answer = field("answer")?.dyn_into::<js_sys::Promise>().ok()?;
    Some((answer, sent_at))
}

/// The body of the early request's 2xx answer, or what went wrong.
async fn early_answer(promise: js_sys::Promise, deadline: &Deadline) -> Result<String, ApiError> {
    // The early request has no deadline of its own; race it against ours.
    let signal = deadline.signal();
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        if let Some(signal) = &signal {
            let reject = reject.clone();
            let on_abort = wasm_bindgen::closure::Closure::once_into_js(move || {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("timeout"));
            });
            let _ = signal.add_event_listener_with_callback("abort", on_abort.unchecked_ref());
        }
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&promise, &timeout));
    let answer = match JsFuture::from(race).await {
        Ok(answer) => answer,
        Err(_) if deadline.passed() => return Err(ApiError::Timeout),
        Err(error) => {
            return Err(ApiError::Network(
                error
                    .as_string()
                    .unwrap_or_else(|| "the early request failed".into()),
            ))
        }
    };
    let field = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    if field("ok").and_then(|ok| ok.as_bool()) != Some(true) {
        let status = field("status").and_then(|s| s.as_f64()).unwrap_or(0.0);
        return Err(ApiError::Status(status as u16));
    }
    field("text")
        .and_then(|text| text.as_string())
        .ok_or_else(|| ApiError::Network("the early request gave no answer".into()))
}
