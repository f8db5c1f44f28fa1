//! The settings' JavaScript functions (`getSession`, `getStatus`) as the screen's host API: read
//! at each call, so that the host can replace them while the screen is shown.

use crate::host::{GetSession, GetStatus, HostApi, HostSession, HostStatus, SessionAsk};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type Slot = Rc<RefCell<Option<js_sys::Function>>>;

/// The JavaScript functions of the settings, read at each call (so they can be replaced).
#[derive(Default)]
pub(crate) struct JsCallbacks {
    get_session: Slot,
    get_status: Slot,
}

impl JsCallbacks {
    /// Takes the functions in `callbacks`; returns whether `getSession` changed (a new function
    /// may belong to another signed-in user).
    pub(crate) fn replace(&self, callbacks: &JsValue) -> bool {
        let function = |name: &str| {
            callbacks
                .is_object()
                .then(|| js_sys::Reflect::get(callbacks, &JsValue::from_str(name)).ok())
                .flatten()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        };
        let get_session = function("getSession");
        let changed = match (&*self.get_session.borrow(), &get_session) {
            (Some(old), Some(new)) => !js_sys::Object::is(old, new),
            (None, None) => false,
            _ => true,
        };
        *self.get_session.borrow_mut() = get_session;
        *self.get_status.borrow_mut() = function("getStatus");
        changed
    }

    pub(crate) fn present(&self) -> [bool; 2] {
        [
            self.get_session.borrow().is_some(),
            self.get_status.borrow().is_some(),
        ]
    }

    pub(crate) fn host_api(&self) -> HostApi {
        let get_session = self.get_session.borrow().is_some().then(|| {
            let slot = Rc::clone(&self.get_session);
            GetSession::new(move |ask: SessionAsk| {
                let function = slot.borrow().clone();
                async move {
                    let argument = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&argument, &"locale".into(), &ask.locale.into());
                    if let Some(signal) = &ask.signal {
                        let _ = js_sys::Reflect::set(&argument, &"signal".into(), signal);
                    }
                    let value = call(function, &argument).await?;
                    // Anything but a string or JSON is a bad answer (not a rejection).
                    Ok(match value.as_string() {
                        Some(token) => HostSession::Token(token),
                        None => HostSession::Answer(json_text(&value).unwrap_or_default()),
                    })
                }
            })
        });
        let get_status = self.get_status.borrow().is_some().then(|| {
            let slot = Rc::clone(&self.get_status);
            GetStatus::new(move |signal: Option<web_sys::AbortSignal>| {
                let function = slot.borrow().clone();
                async move {
                    let argument = js_sys::Object::new();
                    if let Some(signal) = &signal {
                        let _ = js_sys::Reflect::set(&argument, &"signal".into(), signal);
                    }
                    let value = call(function, &argument).await?;
                    let text = json_text(&value).unwrap_or_default();
                    Ok(HostStatus::Answer(if js_sys::Array::is_array(&value) {
                        format!(r#"{{"connected":{text}}}"#)
                    } else {
                        text
                    }))
                }
            })
        });
        HostApi {
            get_session,
            get_status,
        }
    }
}

/// Calls a host function and waits for its promise (or value).
async fn call(function: Option<js_sys::Function>, argument: &JsValue) -> Result<JsValue, String> {
    let function = function.ok_or("the function was removed")?;
    let value = function
        .call1(&JsValue::NULL, argument)
        .map_err(|e| reason(&e))?;
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&value))
        .await
        .map_err(|e| reason(&e))
}

/// The JSON text of a value; `None` for what JSON cannot say (`undefined`, a function).
fn json_text(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
}

/// The text of a rejection: an `Error`'s message, a string, or a generic word.
pub(crate) fn reason(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(error, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "rejected".to_owned())
}
