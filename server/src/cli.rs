//! The command line: `--help`, `--version`, and a flag for every setting, each falling back to
//! its environment variable (so `scripts/run.sh` and existing deployments keep working). The
//! values go through [`Settings::from_env`], which checks them all at once.

use crate::settings::{Settings, SettingsError};
use clap::Parser;

/// The reference token endpoint for thryve-connect, with an offline Thryve sandbox, serving the
/// built app. Every flag falls back to the environment variable shown.
#[derive(Clone, Debug, Default, Parser)]
#[command(name = "thryve-connect-server", version, about, long_about = None)]
pub struct Cli {
    /// `sandbox` or `live`. Without it: live when Thryve's credentials are given, else sandbox
    /// (then only on a loopback address).
    #[arg(long, env = "THRYVE_MODE", value_parser = ["sandbox", "live"])]
    pub mode: Option<String>,
    /// The address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "LISTEN_ADDR")]
    pub listen: Option<String>,
    /// The built frontend [default: dist].
    #[arg(long, env = "DIST_DIR")]
    pub dist_dir: Option<String>,
    /// Comma-separated origins allowed to call the API cross-origin.
    #[arg(long, env = "ALLOWED_ORIGINS")]
    pub allowed_origins: Option<String>,
    /// The CSP frame-ancestors source list [default: 'none'].
    #[arg(long, env = "FRAME_ANCESTORS")]
    pub frame_ancestors: Option<String>,
    /// Thryve's API user (live mode).
    #[arg(long, env = "THRYVE_USERNAME", hide_env_values = true)]
    pub thryve_username: Option<String>,
    /// Thryve's API password (live mode).
    #[arg(long, env = "THRYVE_PASSWORD", hide_env_values = true)]
    pub thryve_password: Option<String>,
    /// Thryve's app authorization ID (live mode).
    #[arg(long, env = "THRYVE_AUTH_ID", hide_env_values = true)]
    pub thryve_auth_id: Option<String>,
    /// Thryve's app authorization secret (live mode).
    #[arg(long, env = "THRYVE_AUTH_SECRET", hide_env_values = true)]
    pub thryve_auth_secret: Option<String>,
    /// The key that hashes user IDs for Thryve, at least 32 characters (live mode).
    #[arg(long, env = "THRYVE_USER_ID_KEY", hide_env_values = true)]
    pub thryve_user_id_key: Option<String>,
    /// The header the host's authentication sets to the user ID [default: x-user-id].
    #[arg(long, env = "THRYVE_USER_HEADER")]
    pub user_header: Option<String>,
    /// Thryve's API, https:// (http:// on loopback) [default: https://api.thryve.de].
    #[arg(long, env = "THRYVE_API_URL")]
    pub thryve_api_url: Option<String>,
    /// Thryve's connection pages, https:// (http:// on loopback).
    #[arg(long, env = "THRYVE_CONNECT_URL")]
    pub thryve_connect_url: Option<String>,
    /// Deadline of each call to Thryve, in seconds [default: 10].
    #[arg(long, env = "THRYVE_TIMEOUT_SECS")]
    pub thryve_timeout_secs: Option<String>,
    /// How many users' Thryve access tokens are cached [default: 10000].
    #[arg(long, env = "THRYVE_TOKEN_CACHE_SIZE")]
    pub token_cache_size: Option<String>,
    /// How long a cached Thryve access token is kept, in seconds [default: 3600].
    #[arg(long, env = "THRYVE_TOKEN_CACHE_TTL_SECS")]
    pub token_cache_ttl_secs: Option<String>,
    /// Sandbox: how long a connection session token lives, in seconds [default: 600].
    #[arg(long, env = "SANDBOX_TOKEN_TTL_SECS")]
    pub sandbox_token_ttl_secs: Option<String>,
    /// Sandbox: `1` or `true` mounts /sandbox/_test/… and keeps a log (tests only).
    #[arg(long, env = "SANDBOX_TEST_HOOKS")]
    pub sandbox_test_hooks: Option<String>,
    /// Time to send a request's headers, and idle time of a keep-alive connection, in seconds
    /// [default: 10].
    #[arg(long, env = "HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<String>,
    /// Time for a whole request, in seconds [default: 30].
    #[arg(long, env = "REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<String>,
    /// Connections served at once; more wait [default: 1024].
    #[arg(long, env = "MAX_CONNECTIONS")]
    pub max_connections: Option<String>,
}

impl Cli {
    /// Each value with the environment variable it stands for.
    fn values(&self) -> [(&'static str, &Option<String>); 21] {
        [
            ("THRYVE_MODE", &self.mode),
            ("LISTEN_ADDR", &self.listen),
            ("DIST_DIR", &self.dist_dir),
            ("ALLOWED_ORIGINS", &self.allowed_origins),
            ("FRAME_ANCESTORS", &self.frame_ancestors),
            ("THRYVE_USERNAME", &self.thryve_username),
            ("THRYVE_PASSWORD", &self.thryve_password),
            ("THRYVE_AUTH_ID", &self.thryve_auth_id),
            ("THRYVE_AUTH_SECRET", &self.thryve_auth_secret),
            ("THRYVE_USER_ID_KEY", &self.thryve_user_id_key),
            ("THRYVE_USER_HEADER", &self.user_header),
            ("THRYVE_API_URL", &self.thryve_api_url),
            ("THRYVE_CONNECT_URL", &self.thryve_connect_url),
            ("THRYVE_TIMEOUT_SECS", &self.thryve_timeout_secs),
            ("THRYVE_TOKEN_CACHE_SIZE", &self.token_cache_size),
            ("THRYVE_TOKEN_CACHE_TTL_SECS", &self.token_cache_ttl_secs),
            ("SANDBOX_TOKEN_TTL_SECS", &self.sandbox_token_ttl_secs),
            ("SANDBOX_TEST_HOOKS", &self.sandbox_test_hooks),
            ("HEADER_TIMEOUT_SECS", &self.header_timeout_secs),
            ("REQUEST_TIMEOUT_SECS", &self.request_timeout_secs),
            ("MAX_CONNECTIONS", &self.max_connections),
        ]
    }

    /// The value given for an environment variable's setting (by flag or by the variable).
    pub fn get(&self, variable: &str) -> Option<String> {
        self.values()
            .into_iter()
            .find(|(name, _)| *name == variable)
            .and_then(|(_, value)| value.clone())
    }

    /// The checked settings.
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        Settings::from_env(|name| self.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_flag_falls_back_to_the_variable_settings_reads() {
        let command = Cli::command();
        command.clone().debug_assert();
        let mut env: Vec<String> = command
            .get_arguments()
            .filter_map(|a| Some(a.get_env()?.to_str()?.to_owned()))
            .collect();
        let mut known: Vec<String> = Cli::default()
            .values()
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        env.sort();
        known.sort();
        assert_eq!(env, known);
    }

    #[test]
    fn flags_reach_the_settings() {
        let cli = Cli::try_parse_from([
            "thryve-connect-server",
            "--mode",
            "sandbox",
            "--listen",
            "0.0.0.0:8080",
            "--max-connections",
            "7",
        ])
        .unwrap();
        let settings = cli.settings().unwrap();
        assert!(settings.is_sandbox());
        assert_eq!(settings.listen.to_string(), "0.0.0.0:8080");
        assert_eq!(settings.limits.max_connections, 7);
        assert!(Cli::try_parse_from(["x", "--mode", "demo"]).is_err());
    }
}
