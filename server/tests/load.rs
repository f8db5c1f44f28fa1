//! Load and fault test of the real server binary, on loopback only, bounded in count and time.
//!
//! Three phases, each printing its figures (`cargo test -p thryve-connect-server --test load --
//! --nocapture` shows them):
//! - sandbox: requests for sessions and status at a fixed concurrency, from a set of users;
//! - live: the same against a stand-in Thryve in this process;
//! - many users: one session for each of many distinct users (sandbox), with the server's
//!   resident memory before and after;
//! - slow clients: connections that trickle their headers or say nothing, while `/healthz`
//!   must keep answering and the server must close them after its header timeout.
//!
//! The test command runs a short version. `LOAD_FULL=1` runs the figures the README quotes
//! (20,000 requests at concurrency 50, 100,000 distinct users). `LOAD_SERVER_BIN` points the
//! test at another build of the server (to measure an older one).

use axum::routing::post;
use axum::Router;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use thryve_connect_protocol::endpoint::{DEFAULT_USER_HEADER, SESSION_PATH, STATUS_PATH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How much load: the short version for every test run, or the full one.
struct Size {
    requests: usize,
    concurrency: usize,
    users: usize,
    distinct_users: usize,
    slow_clients: usize,
}

impl Size {
    fn chosen() -> Size {
        if std::env::var("LOAD_FULL").is_ok_and(|v| v == "1") {
            Size {
                requests: 20_000,
                concurrency: 50,
                users: 1_000,
                distinct_users: 100_000,
                slow_clients: 300,
            }
        } else {
            Size {
                requests: 2_000,
                concurrency: 50,
                users: 200,
                distinct_users: 10_000,
                slow_clients: 50,
            }
        }
    }
}

/// p99 may be this many times p50 (plus a floor for very fast medians): queueing at
/// concurrency 50 on two cores is expected, a stall is not.
const TAIL_RATIO: f64 = 25.0;
const TAIL_FLOOR_MS: f64 = 100.0;
/// The header timeout the slow-client phase gives the server.
const HEADER_TIMEOUT_SECS: u64 = 2;

/// The server binary under test, running until dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(env: &[(&str, String)]) -> Server {
        let bin = std::env::var("LOAD_SERVER_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_thryve-connect-server").to_owned());
        let dist = std::env::temp_dir().join(format!("tc-load-{}", std::process::id()));
        std::fs::create_dir_all(&dist).expect("temp dir");
        std::fs::write(
            dist.join("index.html"),
            "<!DOCTYPE html><title>load</title>",
        )
        .expect("index.html");
        let mut command = Command::new(bin);
        command
            .env_clear()
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("DIST_DIR", &dist)
            .env("RUST_LOG", "warn")
            .env("HEADER_TIMEOUT_SECS", HEADER_TIMEOUT_SECS.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server prints its address");
        let url = line
            .split("listening on ")
            .nth(1)
            .map(|rest| rest.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, url }
    }

    /// Resident memory in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn address(&self) -> String {
        self.url.trim_start_matches("http://").to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Latencies of one phase, and how many requests failed.
struct Figures {
    name: &'static str,
    latencies_ms: Vec<f64>,
    errors: usize,
    elapsed: Duration,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return 0.0;
        }
        sorted[((sorted.len() - 1) as f64 * p).round() as usize]
    }

    fn print(&self) {
        let count = self.latencies_ms.len() + self.errors;
        println!(
            "load {}: {} requests in {:.1} s ({:.0}/s), {} errors, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            self.name,
            count,
            self.elapsed.as_secs_f64(),
            count as f64 / self.elapsed.as_secs_f64(),
            self.errors,
            self.percentile(0.5),
            self.percentile(0.9),
            self.percentile(0.99),
            self.percentile(1.0),
        );
    }

    /// Adds what is wrong with this phase to `problems`.
    fn check(&self, problems: &mut Vec<String>) {
        if self.errors > 0 {
            problems.push(format!("{}: {} requests failed", self.name, self.errors));
        }
        let (p50, p99) = (self.percentile(0.5), self.percentile(0.99));
        if p99 > (TAIL_RATIO * p50).max(TAIL_FLOOR_MS) {
            problems.push(format!(
                "{}: p99 {p99:.1} ms is more than {TAIL_RATIO}x p50 {p50:.1} ms",
                self.name
            ));
        }
    }
}

/// `requests` requests at `concurrency`, alternating a new session and a status read, each for
/// one of `users` users (request i is made for user i % users).
async fn hammer(
    name: &'static str,
    url: &str,
    requests: usize,
    concurrency: usize,
    users: usize,
) -> Figures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("a client");
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (client, url) = (client.clone(), url.to_owned());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            for i in (worker..requests).step_by(concurrency) {
                let user = format!("user-{}", i % users);
                let begun = Instant::now();
                let request = if i % 2 == 0 {
                    client
                        .post(format!("{url}{SESSION_PATH}"))
                        .header("content-type", "application/json")
                        .body(r#"{"locale":"en"}"#)
                } else {
                    client.get(format!("{url}{STATUS_PATH}"))
                };
                let ok = match request.header(DEFAULT_USER_HEADER, user).send().await {
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if ok {
                    latencies.push(begun.elapsed().as_secs_f64() * 1000.0);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        });
    }
    let mut figures = Figures {
        name,
        latencies_ms: Vec::with_capacity(requests),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(result) = workers.join_next().await {
        let (latencies, errors) = result.expect("a worker finishes");
        figures.latencies_ms.extend(latencies);
        figures.errors += errors;
    }
    figures.elapsed = started.elapsed();
    figures
}

/// A stand-in for Thryve's API on loopback: every call succeeds at once.
async fn stand_in_thryve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("an address");
    let app = Router::new()
        .route("/v5/accessToken", post(|| async { "end-user-token-123" }))
        .route(
            "/widget/v6/connection",
            post(|| async {
                (
                    [("content-type", "application/json")],
                    r#"{"type":"enduser.widget.connection","data":{"url":"https://connect.thryve.de/?connectionSessionToken=1060285265X4247109939067552841&platform=web&lang=en"}}"#,
                )
            }),
        )
        .route(
            "/v5/userInformation",
            post(|| async {
                (
                    [("content-type", "application/json")],
                    r#"[{"connectedSources":[{"dataSource":1}]}]"#,
                )
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_and_faults() {
    let size = Size::chosen();
    let mut problems = Vec::new();

    // Sandbox: sessions and status for a set of users.
    let sandbox = Server::start(&[]);
    let figures = hammer(
        "sandbox",
        &sandbox.url,
        size.requests,
        size.concurrency,
        size.users,
    )
    .await;
    figures.print();
    figures.check(&mut problems);

    // Many distinct users: memory must stay bounded.
    let before = sandbox.rss_kib();
    let figures = hammer(
        "sandbox, distinct users",
        &sandbox.url,
        size.distinct_users,
        size.concurrency,
        size.distinct_users,
    )
    .await;
    let after = sandbox.rss_kib();
    figures.print();
    println!(
        "load sandbox memory: {} KiB before, {} KiB after {} distinct users (+{} KiB)",
        before,
        after,
        size.distinct_users,
        after.saturating_sub(before)
    );
    figures.check(&mut problems);
    if after.saturating_sub(before) >= 64 * 1024 {
        problems.push("resident memory grew by 64 MiB or more".into());
    }

    // Slow clients: trickled headers and silent connections.
    slow_clients(&sandbox, size.slow_clients, &mut problems).await;
    drop(sandbox);

    // Live mode against a stand-in Thryve.
    let thryve = stand_in_thryve().await;
    let live = Server::start(&[
        ("THRYVE_USERNAME", "user".into()),
        ("THRYVE_PASSWORD", "password".into()),
        ("THRYVE_AUTH_ID", "auth-id".into()),
        ("THRYVE_AUTH_SECRET", "auth-secret".into()),
        ("THRYVE_USER_ID_KEY", "k".repeat(40)),
        ("THRYVE_API_URL", thryve.clone()),
    ]);
    let figures = hammer(
        "live (stand-in Thryve)",
        &live.url,
        size.requests,
        size.concurrency,
        size.users,
    )
    .await;
    figures.print();
    figures.check(&mut problems);
    assert!(problems.is_empty(), "load and faults: {problems:#?}");
}

/// Opens `count` connections that never finish their headers (half trickle a byte at a time,
/// half say nothing), checks that `/healthz` answers meanwhile, and that the server closes them
/// within its header timeout (plus slack).
async fn slow_clients(server: &Server, count: usize, problems: &mut Vec<String>) {
    let address = server.address();
    let mut held = Vec::new();
    for i in 0..count {
        let Ok(mut stream) = TcpStream::connect(&address).await else {
            continue;
        };
        if i % 2 == 0 {
            let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x").await;
        }
        held.push(stream);
    }
    let started = Instant::now();
    let health = reqwest::get(format!("{}/healthz", server.url)).await;
    let answered_in = started.elapsed();
    println!(
        "load slow clients: {count} held open; /healthz answered in {:.1} ms",
        answered_in.as_secs_f64() * 1000.0
    );
    if !health.is_ok_and(|r| r.status().is_success()) {
        problems.push("/healthz did not answer while slow clients held connections".into());
    }
    if answered_in >= Duration::from_secs(1) {
        problems.push("/healthz took a second or more".into());
    }

    // Every held connection must be closed by the server: a read ends (0 bytes, a 408, or an
    // error) within the header timeout plus slack.
    let deadline = Duration::from_secs(HEADER_TIMEOUT_SECS + 5);
    let closing = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut waits = tokio::task::JoinSet::new();
    for (i, mut stream) in held.into_iter().enumerate() {
        let closing = Arc::clone(&closing);
        waits.spawn(async move {
            let mut buffer = [0u8; 512];
            let read = async {
                loop {
                    if i % 2 == 0 {
                        // Trickle one more header byte a second.
                        if stream.write_all(b"x").await.is_err() {
                            return;
                        }
                    }
                    match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buffer))
                        .await
                    {
                        Ok(Ok(0)) | Ok(Err(_)) => return,
                        Ok(Ok(_)) => {} // an error answer; wait for the close
                        Err(_) => {}    // still open
                    }
                }
            };
            if tokio::time::timeout(deadline, read).await.is_ok() {
                closing.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
    }
    while waits.join_next().await.is_some() {}
    let closed = closing.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "load slow clients: {closed} of {count} closed by the server within {} s",
        deadline.as_secs()
    );
    if closed != count {
        problems.push(format!(
            "{} connections that never finished their headers stayed open",
            count - closed
        ));
    }
}
