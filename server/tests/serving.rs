//! The accept loop (`serve_with_shutdown`) and the binary: time-outs for slow and idle clients,
//! the connection cap, graceful shutdown, the command line.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use thryve_connect_protocol::endpoint::{DEFAULT_USER_HEADER, SESSION_PATH};
use thryve_connect_server::{Limits, Settings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

fn dist() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tc-serving-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<p>app</p>").unwrap();
    dir
}

/// Serves sandbox settings with `limits`; returns the address and the shutdown trigger, and the
/// serving task.
async fn start(
    limits: Limits,
) -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let settings = Settings {
        limits,
        ..Settings::sandbox(dist())
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        thryve_connect_server::serve_with_shutdown(listener, &settings, async {
            let _ = stopped.await;
        })
        .await
    });
    (address, stop, task)
}

fn short(header_secs: u64) -> Limits {
    Limits {
        header_timeout: Duration::from_secs(header_secs),
        ..Limits::default()
    }
}

/// Reads until the peer closes; returns what came and when it closed.
async fn read_to_close(stream: &mut TcpStream, wait: Duration) -> (String, Instant) {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (String::from_utf8_lossy(&all).into(), Instant::now())
            }
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "still open after {wait:?}: {}",
                String::from_utf8_lossy(&all)
            ),
        }
    }
}

#[tokio::test]
async fn a_client_that_sends_headers_slowly_is_disconnected() {
    let (address, _stop, _task) = start(short(2)).await;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let started = Instant::now();
    let head =
        b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut closed = None;
    for byte in head {
        if stream.write_all(&[*byte]).await.is_err() {
            closed = Some(Instant::now());
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(read) = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await
        {
            // Closed (0 bytes or an error), or an answer: either way the server is done.
            let _ = read;
            closed = Some(Instant::now());
            break;
        }
    }
    let closed = closed.expect("the connection was closed before the headers were complete");
    let took = closed - started;
    assert!(took < Duration::from_secs(4), "closed after {took:?}");
    assert!(
        took >= Duration::from_millis(1900),
        "closed too early: {took:?}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (address, _stop, _task) = start(short(1)).await;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let answered = Instant::now();
    let (text, closed) = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("ok"), "{text}");
    let idle = closed - answered;
    assert!(
        idle >= Duration::from_millis(900) && idle < Duration::from_secs(3),
        "{idle:?}"
    );
}

#[tokio::test]
async fn healthz_answers_while_all_but_one_connection_are_held_by_slow_clients() {
    const MAX: usize = 4;
    let limits = Limits {
        max_connections: MAX,
        ..short(30)
    };
    let (address, _stop, _task) = start(limits).await;
    let mut slow = Vec::new();
    for _ in 0..MAX - 1 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nho")
            .await
            .unwrap();
        slow.push(stream);
    }
    let client = reqwest::Client::new();
    let health = tokio::time::timeout(
        Duration::from_secs(2),
        client.get(format!("http://{address}/healthz")).send(),
    )
    .await
    .expect("healthz in time")
    .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    drop(client);

    // One more slow client fills the cap: the next connection waits until a slot is free.
    let mut fourth = TcpStream::connect(&address).await.unwrap();
    fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nho")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = tokio::spawn({
        let address = address.clone();
        async move {
            reqwest::Client::new()
                .get(format!("http://{address}/healthz"))
                .send()
                .await
                .map(|r| r.status())
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a fifth connection is not served yet"
    );
    drop(slow);
    let status = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .expect("served once a slot is free")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let (address, stop, task) = start(short(5)).await;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let body = br#"{"locale":"de"}"#;
    let head = format!(
        "POST {SESSION_PATH} HTTP/1.1\r\nhost: x\r\n{DEFAULT_USER_HEADER}: a\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!task.is_finished(), "waits for the request in flight");
    assert!(
        TcpStream::connect(&address).await.is_err(),
        "no new connections once shutting down"
    );
    stream.write_all(&body[5..]).await.unwrap();
    let (text, _) = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("serving ends")
        .unwrap()
        .unwrap();
}

// ----- the binary -----

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_thryve-connect-server"));
    for (name, _) in std::env::vars() {
        if name.starts_with("THRYVE_")
            || name.starts_with("SANDBOX_")
            || [
                "LISTEN_ADDR",
                "DIST_DIR",
                "FRAME_ANCESTORS",
                "ALLOWED_ORIGINS",
            ]
            .contains(&name.as_str())
        {
            command.env_remove(name);
        }
    }
    command.env("DIST_DIR", dist());
    command
}

#[test]
fn help_and_version() {
    let help = binary().arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--mode",
        "--listen",
        "[env: LISTEN_ADDR=]",
        "--max-connections",
        "THRYVE_PASSWORD",
    ] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
    let version = binary().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!("thryve-connect-server {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn startup_refuses_bad_settings() {
    for (name, value) in [
        ("FRAME_ANCESTORS", "'self'; script-src *"),
        ("LISTEN_ADDR", "0.0.0.0:0"),
        ("THRYVE_MODE", "live"),
    ] {
        let out = binary().env(name, value).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}={value}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("invalid settings"), "{name}: {err}");
    }
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let mut child = binary()
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    assert!(
        line.contains("sandbox mode") && line.contains("listening on http://127.0.0.1:"),
        "{line}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
