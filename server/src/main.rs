//! `thryve-connect-server`: reads its settings from its flags, each falling back to an
//! environment variable (`--help`; README, "Server settings"), prints its mode and where it
//! listens, and serves until Ctrl-C or SIGTERM.

use clap::Parser;
use thryve_connect_server::Cli;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .init();
    let settings = match cli.settings() {
        Ok(settings) => settings,
        Err(problems) => {
            eprintln!("thryve-connect-server: invalid settings:\n{problems}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(settings.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "thryve-connect-server: cannot listen on {}: {error}",
                settings.listen
            );
            std::process::exit(1);
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| settings.listen.to_string(), |a| a.to_string());
    let mode = if settings.is_sandbox() {
        "sandbox mode: an offline Thryve stand-in"
    } else {
        "live mode"
    };
    if !settings.dist_dir.join("index.html").exists() {
        tracing::warn!(
            "{} has no index.html: build the frontend first (scripts/run.sh does)",
            settings.dist_dir.display()
        );
    }
    println!("thryve-connect-server ({mode}) listening on http://{address}/");
    if let Err(error) = thryve_connect_server::serve(listener, &settings).await {
        eprintln!("thryve-connect-server: {error}");
        std::process::exit(1);
    }
}
