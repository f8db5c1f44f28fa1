//! What the server's integration test files share: a captured log, the app on a free port, and
//! a client that shows redirects instead of following them.
#![allow(dead_code)] // each test file uses its own part of it

use axum::Router;
use reqwest::redirect::Policy;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use thryve_connect_server::Settings;

/// Everything the server logged in this test process.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing log subscriber once per test process.
pub fn logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .init();
        buffer
    })
}

/// The log so far, as text.
pub fn log_text() -> String {
    String::from_utf8_lossy(&logs().0.lock().unwrap()).into_owned()
}

/// Serves `router` on a free loopback port; returns its base URL.
pub async fn listen(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// The whole app for `settings`, logging into [`logs`], on a free port.
pub async fn start(settings: Settings) -> String {
    logs();
    listen(thryve_connect_server::app(&settings)).await
}

/// A client that shows redirects instead of following them (cookies are sent by hand).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}
