//! Configuration: `config/default.toml` (compiled in), then the file named by `--config`
//! or `CIVITAS_CONFIG`, then `CIVITAS_*` environment variables.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::{Deserialize, Deserializer};

/// Every setting, with its default and a comment; also the documentation.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

const SECTIONS: [&str; 12] = [
    "server", "storage", "limits", "api", "auth", "plugins", "media", "events", "webhooks",
    "metrics", "log", "graphql",
];
const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub limits: LimitsConfig,
    pub api: ApiConfig,
    pub auth: AuthConfig,
    pub plugins: PluginsConfig,
    pub media: crate::media_config::MediaConfig,
    pub events: crate::events_config::EventsConfig,
    pub webhooks: crate::events_config::WebhooksConfig,
    pub metrics: MetricsConfig,
    pub log: LogConfig,
    pub graphql: civitas_api::GraphqlSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    pub shutdown_timeout_secs: u64,
    pub cors_origins: Vec<String>,
    pub cors_max_age_secs: u64,
    pub hsts_max_age_secs: u64,
    pub client_ip_header: String,
    pub admin_ui: bool,
    pub graphiql: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    pub url: String,
    pub namespace: String,
    pub database: String,
    #[serde(deserialize_with = "text")]
    pub username: String,
    #[serde(deserialize_with = "text")]
    pub password: String,
    pub password_file: String,
    pub keep_revisions: u64,
    pub text_index: bool,
    pub timeout: String,
    pub connect_timeout: String,
    pub cache_mib: u64,
    pub memtable_mib: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Where `GET /metrics` answers; empty (the default) turns metrics off.
    #[serde(deserialize_with = "optional_address")]
    pub bind: Option<SocketAddr>,
}

fn optional_address<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SocketAddr>, D::Error> {
    let address = text(deserializer)?;
    match address.trim() {
        "" => Ok(None),
        address => address.parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{address}` is not an address and port such as 127.0.0.1:9464"
            ))
        }),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    pub default_page_size: u64,
    pub max_page_size: u64,
    pub max_include_depth: usize,
    pub cache_max_mib: u64,
    pub scheduler_interval_ms: u64,
    pub locales: Vec<String>,
    pub default_locale: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    #[serde(deserialize_with = "text")]
    pub admin_token: String,
    pub public_read_requires_token: bool,
    pub session_max_age_secs: u64,
    pub session_idle_secs: u64,
    pub login_window_secs: u64,
    pub login_max_attempts_per_address: u32,
    pub login_max_failures_per_account: u32,
    pub roles: BTreeMap<String, RoleConfig>,
}

/// A role beside the built-in ones: `[auth.roles.partner_manager]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    pub can: Vec<String>,
    #[serde(default)]
    pub types: Option<Vec<String>>,
    #[serde(default)]
    pub own_entries_only: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginsConfig {
    pub dir: PathBuf,
    pub cache_dir: PathBuf,
    pub default_timeout_ms: u64,
    pub max_timeout_ms: u64,
    pub default_memory_mib: u64,
    pub max_memory_mib: u64,
    pub max_output_bytes: usize,
    pub fault_threshold: u32,
    pub max_concurrent_calls: u32,
    pub request_budget_ms: u64,
    pub after_read_cache_mib: u64,
    pub config: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub level: String,
}

/// Environment values are parsed as TOML-like values, so a numeric secret such as
/// `CIVITAS_AUTH__ADMIN_TOKEN=1234567890123456` arrives as a number; take it as text.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        String(String),
        Integer(i128),
        Float(f64),
        Bool(bool),
    }
    Ok(match Text::deserialize(deserializer)? {
        Text::String(s) => s,
        Text::Integer(n) => n.to_string(),
        Text::Float(n) => n.to_string(),
        Text::Bool(b) => b.to_string(),
    })
}

/// A configuration problem, as the one line start-up prints.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

/// A semantic check's (key, problem), for settings checked at load and converted again later.
impl From<(&'static str, String)> for ConfigError {
    fn from((key, problem): (&'static str, String)) -> ConfigError {
        ConfigError(format!("`{key}`: {problem}"))
    }
}

impl ConfigError {
    pub fn new(message: String) -> ConfigError {
        ConfigError(message)
    }
}

/// Loads and checks the configuration.
pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
    if let Some(path) = file {
        if !path.is_file() {
            return Err(ConfigError(format!(
                "config file `{}` does not exist",
                path.display()
            )));
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    // Only our sections: CIVITAS_URL, CIVITAS_TOKEN (the client's) and CIVITAS_CONFIG are
    // not server settings and must not be mistaken for unknown keys.
    let env = Env::prefixed("CIVITAS_").split("__").filter(|key| {
        let key = key.as_str().to_ascii_lowercase();
        let section = key.split('.').next().unwrap_or_default();
        key.contains('.') && SECTIONS.contains(&section)
    });
    let figment = figment.merge(env);
    let config: Config = figment.extract().map_err(|e| describe(&figment, e))?;
    check(&config).map_err(|(key, message)| {
        let origin = origin(&figment, key);
        ConfigError(format!("`{key}` {message} (set in {origin})"))
    })?;
    Ok(config)
}

/// Semantic checks a type cannot express.
fn check(config: &Config) -> Result<(), (&'static str, String)> {
    let url = &config.storage.url;
    if !["surrealkv://", "mem://", "ws://", "wss://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
    {
        return Err((
            "storage.url",
            format!("must start with surrealkv://, mem://, ws:// or wss://, not `{url}`"),
        ));
    }
    if config.api.max_page_size == 0 {
        return Err(("api.max_page_size", "must be at least 1".into()));
    }
    if config.api.default_page_size == 0 || config.api.default_page_size > config.api.max_page_size
    {
        return Err((
            "api.default_page_size",
            format!(
                "must be from 1 to api.max_page_size ({})",
                config.api.max_page_size
            ),
        ));
    }
    if !(1..=5).contains(&config.api.max_include_depth) {
        return Err(("api.max_include_depth", "must be from 1 to 5".into()));
    }
    if let Some(bad) = config
        .api
        .locales
        .iter()
        .find(|l| !civitas_core::validate::is_locale(l))
    {
        return Err((
            "api.locales",
            format!("`{bad}` is not a locale code such as `en` or `pt-BR`"),
        ));
    }
    if !config.api.locales.contains(&config.api.default_locale) {
        return Err(("api.default_locale", "must be one of api.locales".into()));
    }
    if !(100..=60_000).contains(&config.api.scheduler_interval_ms) {
        return Err((
            "api.scheduler_interval_ms",
            "must be from 100 to 60000".into(),
        ));
    }
    if config.limits.max_body_bytes < 1024 {
        return Err(("limits.max_body_bytes", "must be at least 1024".into()));
    }
    let token = &config.auth.admin_token;
    if !token.is_empty() && token.chars().count() < MIN_TOKEN_LEN {
        return Err((
            "auth.admin_token",
            format!("must be empty (admin API off) or at least {MIN_TOKEN_LEN} characters"),
        ));
    }
    check_auth(config)?;
    crate::media_config::check(&config.media)?;
    crate::events_config::event_settings(&config.events)?;
    crate::events_config::webhooks(&config.webhooks)?;
    crate::storage_config::engine_memory(&config.storage)?;
    check_server(&config.server)?;
    let plugins = &config.plugins;
    if plugins.default_timeout_ms == 0 || plugins.default_timeout_ms > plugins.max_timeout_ms {
        return Err((
            "plugins.default_timeout_ms",
            format!(
                "must be from 1 to plugins.max_timeout_ms ({})",
                plugins.max_timeout_ms
            ),
        ));
    }
    if plugins.default_memory_mib == 0 || plugins.default_memory_mib > plugins.max_memory_mib {
        return Err((
            "plugins.default_memory_mib",
            format!(
                "must be from 1 to plugins.max_memory_mib ({})",
                plugins.max_memory_mib
            ),
        ));
    }
    if plugins.fault_threshold == 0 {
        return Err(("plugins.fault_threshold", "must be at least 1".into()));
    }
    if plugins.max_concurrent_calls == 0 {
        return Err(("plugins.max_concurrent_calls", "must be at least 1".into()));
    }
    if plugins.request_budget_ms == 0 {
        return Err(("plugins.request_budget_ms", "must be at least 1".into()));
    }
    if tracing_subscriber::EnvFilter::try_new(&config.log.level).is_err() {
        return Err((
            "log.level",
            format!("`{}` is not a log filter", config.log.level),
        ));
    }
    Ok(())
}

fn check_auth(config: &Config) -> Result<(), (&'static str, String)> {
    let auth = &config.auth;
    if auth.session_max_age_secs < 60 {
        return Err(("auth.session_max_age_secs", "must be at least 60".into()));
    }
    if auth.session_idle_secs < 1 || auth.session_idle_secs > auth.session_max_age_secs {
        return Err((
            "auth.session_idle_secs",
            "must be from 1 to auth.session_max_age_secs".into(),
        ));
    }
    if auth.login_window_secs == 0 {
        return Err(("auth.login_window_secs", "must be at least 1".into()));
    }
    if auth.login_max_attempts_per_address == 0 {
        return Err((
            "auth.login_max_attempts_per_address",
            "must be at least 1".into(),
        ));
    }
    if auth.login_max_failures_per_account == 0 {
        return Err((
            "auth.login_max_failures_per_account",
            "must be at least 1".into(),
        ));
    }
    for (name, role) in &auth.roles {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid_name || civitas_api::auth::principal::BUILTIN_ROLES.contains(&name.as_str()) {
            return Err((
                "auth.roles",
                format!(
                    "`{name}` must be lowercase (a-z, 0-9, _, -) and not a built-in role (admin, editor, author, viewer)"
                ),
            ));
        }
        if let Err(problem) = civitas_api::auth::Role::configured(
            &role.can,
            role.types.as_deref(),
            role.own_entries_only,
        ) {
            return Err(("auth.roles", format!("role `{name}`: {problem}")));
        }
    }
    Ok(())
}

fn check_server(server: &ServerConfig) -> Result<(), (&'static str, String)> {
    for origin in &server.cors_origins {
        let valid = origin == "*"
            || ((origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && origin.bytes().all(|b| b.is_ascii_graphic()));
        if !valid {
            return Err((
                "server.cors_origins",
                format!(
                    "`{origin}` is not an origin such as https://www.example.org (no path, no trailing slash) or *"
                ),
            ));
        }
    }
    let header = &server.client_ip_header;
    if !header
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err((
            "server.client_ip_header",
            format!("`{header}` is not a header name"),
        ));
    }
    Ok(())
}

/// Where the value of `key` came from: a file, an environment variable or the defaults.
fn origin(figment: &Figment, key: &str) -> String {
    match figment.find_metadata(key) {
        Some(metadata) => {
            let keys: Vec<&str> = key.split('.').collect();
            match &metadata.source {
                Some(source) => source.to_string(),
                None if metadata.name.contains("environment") => {
                    format!(
                        "environment variable CIVITAS_{}",
                        keys.join("__").to_uppercase()
                    )
                }
                None => metadata.name.to_string(),
            }
        }
        None => "config/default.toml".into(),
    }
}

fn describe(figment: &Figment, error: figment::Error) -> ConfigError {
    let mut key = error.path.join(".");
    if let figment::error::Kind::UnknownField(field, _) = &error.kind {
        if error.path.last().is_none_or(|last| last != field) {
            key = if key.is_empty() {
                field.clone()
            } else {
                format!("{key}.{field}")
            };
        }
        let origin = error
            .metadata
            .as_ref()
            .map(|m| match &m.source {
                Some(source) => source.to_string(),
                None if m.name.contains("environment") => {
                    format!(
                        "environment variable CIVITAS_{}",
                        key.replace('.', "__").to_uppercase()
                    )
                }
                None => m.name.to_string(),
            })
            .unwrap_or_else(|| origin(figment, &key));
        return ConfigError(format!("unknown key `{key}` (in {origin})"));
    }
    let origin = if key.is_empty() {
        "the configuration".to_owned()
    } else {
        origin(figment, &key)
    };
    let problem = error.kind.to_string();
    ConfigError(format!("`{key}`: {problem} (set in {origin})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_pass_checks() {
        let config: Config = Figment::from(Toml::string(DEFAULT_TOML))
            .extract()
            .expect("default.toml parses");
        assert!(check(&config).is_ok());
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.storage.url, "surrealkv://./data");
    }
}
