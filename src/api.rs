//! The network: the host's token and status endpoints, and Thryve's background revoke.
//!
//! One error type for all of it. Every request has a deadline; a non-2xx answer is an error
//! before its body is read.

use crate::browser::Timer;
use crate::catalogue::SourceId;
use crate::events::ErrorKind;
use crate::token::Session;
use gloo_net::http::{Request, Response};
use std::collections::BTreeSet;
use std::fmt;
use thryve_connect_protocol::endpoint::{user_key_of, SessionRequest};
use thryve_connect_protocol::thryve::{token_of, TokenError};
use url::Url;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestCredentials, RequestMode};

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
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(detail) => write!(f, "network error: {detail}"),
            ApiError::Timeout => f.write_str("no answer in time"),
            ApiError::Status(code) => write!(f, "HTTP status {code}"),
            ApiError::Token(error) => error.fmt(f),
            ApiError::BadStatusBody => {
                f.write_str("the status endpoint's answer is not {\"connected\":[...]}")
            }
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

    fn passed(&self) -> bool {
        self.signal().is_some_and(|s| s.aborted())
    }

    fn error(&self, error: gloo_net::Error) -> ApiError {
        if self.passed() {
            ApiError::Timeout
        } else {
            ApiError::Network(error.to_string())
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
    }
}

/// The body of a 2xx answer as text.
async fn ok_text(response: Response, deadline: &Deadline) -> Result<String, ApiError> {
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    response.text().await.map_err(|e| deadline.error(e))
}

/// Asks the host's token endpoint for a connection session.
///
/// When the page's boot script already sent this very request (same endpoint, same body) while
/// the app was downloading, its answer is used instead of asking again.
pub async fn fetch_session(
    endpoint: &Url,
    locale: &str,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<Session, ApiError> {
    let body = SessionRequest::body(locale);
    let deadline = Deadline::new(timeout_ms, cancel);
    let mut sent_at_ms = crate::browser::now_ms();
    let response = match take_prefetched(endpoint, &body) {
        Some((early, sent_at)) => {
            // Its age counts from when the loader sent it.
            sent_at_ms = sent_at.unwrap_or(sent_at_ms);
            early_response(early, &deadline).await?
        }
        None => Request::post(endpoint.as_str())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .credentials(RequestCredentials::SameOrigin)
            .abort_signal(deadline.signal().as_ref())
            .body(body)
            .map_err(|e| ApiError::Network(e.to_string()))?
            .send()
            .await
            .map_err(|e| deadline.error(e))?,
    };
    let text = ok_text(response, &deadline).await?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| ApiError::Token(TokenError::NotJson))?;
    let token = token_of(&json).map_err(ApiError::Token)?;
    Ok(Session {
        token,
        user: user_key_of(&json),
        received_at_ms: sent_at_ms.min(crate::browser::now_ms()),
    })
}

/// Reads the host's status endpoint: the IDs of the connected sources.
pub async fn fetch_status(
    endpoint: &Url,
    timeout_ms: u32,
    cancel: Option<&AbortSignal>,
) -> Result<BTreeSet<SourceId>, ApiError> {
    let deadline = Deadline::new(timeout_ms, cancel);
    let response = Request::get(endpoint.as_str())
        .header("Accept", "application/json")
        .credentials(RequestCredentials::SameOrigin)
        .abort_signal(deadline.signal().as_ref())
        .send()
        .await
        .map_err(|e| deadline.error(e))?;
    let text = ok_text(response, &deadline).await?;
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
    let same_origin =
        crate::browser::current_url().is_some_and(|page| page.origin() == url.origin());
    let response = Request::get(url.as_str())
        .mode(if same_origin {
            RequestMode::SameOrigin
        } else {
            RequestMode::NoCors
        })
        .credentials(RequestCredentials::Omit)
        .abort_signal(deadline.signal().as_ref())
        .send()
        .await
        .map_err(|e| deadline.error(e))?;
    // An opaque answer has status 0 and says nothing; a readable one must be 2xx.
    if response.type_() == web_sys::ResponseType::Opaque || response.ok() {
        Ok(())
    } else {
        Err(ApiError::Status(response.status()))
    }
}

/// The loader's early request, if it matches: `window.__thryveConnectPrefetch` holds
/// `{url, body, response, sentAt}` where `response` is the `fetch` promise and `sentAt` when it
/// was sent (ms since the epoch). Taken once.
fn take_prefetched(endpoint: &Url, body: &str) -> Option<(js_sys::Promise, Option<f64>)> {
    let window = crate::browser::window()?;
    let key = JsValue::from_str("__thryveConnectPrefetch");
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    if early.is_undefined() || early.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&early, &JsValue::from_str(name)).ok();
    let url = field("url")?.as_string()?;
    let sent = field("body")?.as_string()?;
    let same_url = Url::parse(&url).is_ok_and(|url| &url == endpoint);
    if !same_url || sent != body {
        return None;
    }
    let sent_at = field("sentAt").and_then(|at| at.as_f64());
    let response = field("response")?.dyn_into::<js_sys::Promise>().ok()?;
    Some((response, sent_at))
}

async fn early_response(
    promise: js_sys::Promise,
    deadline: &Deadline,
) -> Result<Response, ApiError> {
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
    match JsFuture::from(race).await {
        Ok(value) => value
            .dyn_into::<web_sys::Response>()
            .map(Response::from)
            .map_err(|_| ApiError::Network("the early request did not give a response".into())),
        Err(_) if deadline.passed() => Err(ApiError::Timeout),
        Err(error) => Err(ApiError::Network(
            error
                .as_string()
                .unwrap_or_else(|| "the early request failed".into()),
        )),
    }
}
