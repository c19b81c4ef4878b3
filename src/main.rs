//! `civitas`: the Civitas headless CMS. `civitas serve` runs the HTTP API; `civitas seed`
//! loads the demo content; `civitas user create` makes accounts; `civitas openapi` prints
//! the API description.

mod accounts;
mod client;
mod config;
mod events_config;
mod generate;
mod media_config;
mod restore;
mod seed;
mod seed_media;
mod serve;
mod storage_config;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use std::collections::BTreeSet;

use civitas_api::auth::{Auth, AuthSettings, LoginLimits, Role, Roles};
use civitas_api::media::MediaLibrary;
use civitas_api::{ApiSettings, AppState, CorsPolicy, Locales, ResponseCache, StoreReader};
use civitas_core::TypeRegistry;
use civitas_plugin_host::{LoadOutcome, PluginHost, PluginSettings};
use civitas_store::Store;
use clap::{Parser, Subcommand};

use crate::config::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "civitas",
    version,
    about = "Civitas: a headless CMS on SurrealDB"
)]
struct Cli {
    /// Configuration file overriding config/default.toml (only the keys it sets).
    #[arg(long, global = true, env = "CIVITAS_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,
    /// Client commands: print the server's JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server until SIGINT or SIGTERM.
    ///
    /// Example: civitas serve --seed
    Serve {
        /// Load the demo content first (skips entries that already exist) and, when there
        /// is no account yet, create the demo admin admin@example.org with a random
        /// password, printed once.
        #[arg(long)]
        seed: bool,
        /// Run this many nodes in this one process, on one database, each with its own
        /// port (the configured one, then the next ones; each a free one with port 0),
        /// caches, change-log follower and webhook worker: to try several servers on
        /// one machine without a database server.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
        nodes: u16,
    },
    /// Manage user accounts directly in the configured storage (for the first admin;
    /// afterwards admins use /api/v1/admin/users).
    ///
    /// With embedded storage, run it while no server uses the same data directory.
    ///
    /// Example: civitas user create --email ada@example.org --role admin
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Load the demo content into the configured storage, then exit. Idempotent.
    ///
    /// With embedded storage, run it while no server uses the same data directory.
    ///
    /// Example: CIVITAS_STORAGE__URL=surrealkv://site-data civitas seed
    Seed,
    /// Print the OpenAPI document as JSON (the same as GET /api/v1/openapi.json).
    ///
    /// Example: civitas openapi > openapi.json
    Openapi,
    /// Fill the configured storage with generated content for benchmarks: POSTS posts,
    /// one expert per ten posts and one partner per twenty, all published.
    ///
    /// Example: CIVITAS_STORAGE__URL=surrealkv://bench-data civitas generate --posts 100000
    Generate {
        /// How many posts to create.
        #[arg(long, default_value_t = 10_000)]
        posts: usize,
    },
    /// Restore a backup made by `civitas backup` into the configured storage, which
    /// must hold no records (or pass --replace); then start the server on it. With
    /// embedded storage, run it while no server uses the data directory; with a
    /// database server, while no node is running. Media files are copied separately.
    ///
    /// With three arguments, restores a revision of an entry through the server instead
    /// (as a new revision; a client command, like `civitas list`).
    ///
    /// Examples: civitas restore civitas-2026-12-01.backup
    ///           civitas restore post mobility 3
    #[command(verbatim_doc_comment)]
    Restore {
        #[arg(value_name = "FILE | TYPE ID_OR_SLUG NUMBER", num_args = 1..=3, required = true)]
        targets: Vec<String>,
        /// Delete what the database holds first.
        #[arg(long)]
        replace: bool,
    },
    /// Print a shell completion script.
    ///
    /// Example: civitas completions bash > ~/.local/share/bash-completion/completions/civitas
    Completions { shell: clap_complete::Shell },
    #[command(flatten)]
    Client(client::ClientCommand),
}

/// Exit code for a configuration or usage problem.
const EXIT_CONFIG: u8 = 2;

/// How long to wait for embedded storage to close at exit.
const STORAGE_CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Command::Restore { targets, .. } = &cli.command
        && targets.len() > 1
    {
        cli.command = match revision_restore(targets) {
            Ok(command) => Command::Client(command),
            Err(problem) => {
                eprintln!("error: {problem}");
                return ExitCode::from(EXIT_CONFIG);
            }
        };
    }
    match cli.command {
        Command::Client(command) => return run_client(command, cli.json),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "civitas", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let config = match config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    init_logging(&config);
    // SurrealDB's embedded engine recurses deeply on complex queries; its docs ask for
    // larger worker stacks than tokio's 2 MiB default.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(10 * 1024 * 1024)
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // `openapi` reads the types only, on an in-memory store of its own.
    let opens_storage = !matches!(cli.command, Command::Openapi);
    let storage_url = config.storage.url.clone();
    let outcome = runtime.block_on(async {
        let outcome = run(cli.command, config).await;
        // Every handle on the storage is gone by now; let the embedded engine finish
        // closing (it writes its memory tables out) before the runtime stops under it.
        // After a failure the storage may never have opened (another process holds it).
        let closed = !opens_storage
            || outcome.is_err()
            || civitas_store::wait_until_closed(&storage_url, STORAGE_CLOSE_TIMEOUT).await;
        if !closed {
            tracing::warn!(
                "storage did not finish closing in time; the next start replays its log"
            );
        }
        outcome
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is::<config::ConfigError>() => {
            eprintln!("{error}");
            ExitCode::from(EXIT_CONFIG)
        }
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `civitas restore TYPE ID_OR_SLUG NUMBER`: the client's revision restore.
fn revision_restore(targets: &[String]) -> Result<client::ClientCommand, String> {
    let [type_id, id, number] = targets else {
        return Err("restore takes FILE (a backup) or TYPE ID_OR_SLUG NUMBER (a revision)".into());
    };
    let number = number
        .parse()
        .map_err(|_| format!("`{number}` is not a revision number"))?;
    Ok(client::ClientCommand::Restore {
        type_id: type_id.clone(),
        id: id.clone(),
        number,
    })
}

/// Client commands need no server configuration: they talk to a server over HTTP.
fn run_client(command: client::ClientCommand, json: bool) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(client::run(command, json)),
        Err(error) => Err(client::ClientError::Usage(format!(
            "cannot start the async runtime: {error}"
        ))),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Openapi => {
            // The document depends on the types only; an in-memory store stands in, so
            // this works without touching (or locking) the configured database.
            let storage = config::StorageConfig {
                url: "mem://".into(),
                ..config.storage.clone()
            };
            let media = media_config::MediaConfig {
                store: "memory://".into(),
                ..config.media.clone()
            };
            let state = open_app(&Config {
                storage,
                media,
                ..config.clone()
            })
            .await?;
            println!("{}", civitas_api::openapi_document(&state)?);
        }
        Command::Generate { posts } => {
            let store = open_store(&config, Arc::new(TypeRegistry::builtin()?)).await?;
            let made = generate::generate(&store, posts).await?;
            println!(
                "generated {} posts, {} experts, {} partners",
                made.posts, made.experts, made.partners
            );
        }
        Command::Seed => {
            let state = open_app(&config).await?;
            let report = seed::seed(&state).await?;
            println!(
                "demo content: {} entries created, {} already present",
                report.created, report.skipped
            );
        }
        Command::User { command } => {
            let state = open_app(&config).await?;
            accounts::run(&state, command).await?;
        }
        Command::Restore { targets, replace } => {
            restore::restore(&config, &targets[0], replace).await?;
        }
        Command::Client(_) | Command::Completions { .. } => {}
        Command::Serve { seed, nodes } => {
            let state = open_app(&config).await?;
            if seed {
                seed::seed(&state).await?;
                accounts::create_demo_admin(&state).await?;
            }
            if state.auth.settings.emergency_token.is_some() {
                tracing::warn!(
                    "auth.admin_token is set: anyone with it has full admin access; unset it once accounts work again"
                );
            }
            let mut states = vec![state.clone()];
            for _ in 1..nodes {
                states.push(open_app_on(&config, Some(state.store.sibling())).await?);
            }
            serve::serve_nodes(&config, states, shutdown_signal()).await?;
        }
    }
    Ok(())
}

/// Loads the plugins, builds the set of types (built-in, then each plugin's), opens the
/// store on it, and gives the plugins read access to the store.
async fn open_app(config: &Config) -> Result<Arc<AppState>, Box<dyn std::error::Error>> {
    open_app_on(config, None).await
}

/// `open_app`, on the database of `store` when given (another node in this process).
async fn open_app_on(
    config: &Config,
    store: Option<Store>,
) -> Result<Arc<AppState>, Box<dyn std::error::Error>> {
    let plugins = PluginHost::new(plugin_settings(config))?;
    let mut registry = TypeRegistry::builtin()?;
    let reserved: BTreeSet<String> = registry.iter().map(|t| t.id.clone()).collect();
    for outcome in plugins.load_all(&reserved).await {
        if let LoadOutcome::Loaded(info) = outcome {
            tracing::info!(plugin = %info.id, version = %info.version, types = ?info.types, from_cache = info.from_cache, load_ms = info.load_ms, "plugin loaded");
        }
    }
    for definition in plugins.type_definitions() {
        let owner = plugins.owner_of(&definition.id).unwrap_or_default();
        let type_id = definition.id.clone();
        if let Err(error) = registry.add(&format!("plugin `{owner}`"), definition) {
            tracing::warn!(plugin = %owner, type_id = %type_id, %error, "plugin type refused");
        }
    }
    let roles = configured_roles(config, &registry)?;
    let store = match store {
        Some(store) => store,
        None => open_store(config, Arc::new(registry)).await?,
    };
    plugins.set_reader(StoreReader::shared(store.clone()));
    let graphql =
        civitas_api::build_graphql_schemas(store.registry(), config.api.default_page_size)?;
    let graphql_documents = civitas_api::load_graphql_documents(&config.graphql)?;
    Ok(Arc::new(AppState {
        graphql,
        graphql_documents,
        store,
        plugins,
        settings: api_settings(config),
        auth: Auth::new(auth_settings(config, roles)),
        cache: ResponseCache::new(config.api.cache_max_mib.saturating_mul(1 << 20)),
        media: MediaLibrary::open(media_config::settings(&config.media))?,
        events: civitas_api::events::EventHub::new(
            events_config::event_settings(&config.events).map_err(config::ConfigError::from)?,
        ),
        webhooks: events_config::webhooks(&config.webhooks).map_err(config::ConfigError::from)?,
    }))
}

/// The roles of `auth.roles`, whose types must exist once plugins have added theirs.
fn configured_roles(
    config: &Config,
    registry: &TypeRegistry,
) -> Result<Roles, config::ConfigError> {
    let mut roles = Roles::default();
    for (name, role) in &config.auth.roles {
        for type_id in role.types.iter().flatten() {
            if registry.get(type_id).is_none() {
                return Err(config::ConfigError::new(format!(
                    "`auth.roles.{name}.types` names `{type_id}`, which is not a content type"
                )));
            }
        }
        let built = Role::configured(&role.can, role.types.as_deref(), role.own_entries_only)
            .map_err(|problem| {
                config::ConfigError::new(format!("`auth.roles.{name}`: {problem}"))
            })?;
        roles.custom.insert(name.clone(), built);
    }
    Ok(roles)
}

fn auth_settings(config: &Config, roles: Roles) -> AuthSettings {
    let auth = &config.auth;
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    AuthSettings {
        emergency_token: non_empty(&auth.admin_token),
        public_read_requires_token: auth.public_read_requires_token,
        session_max_age: Duration::from_secs(auth.session_max_age_secs),
        session_idle: Duration::from_secs(auth.session_idle_secs),
        login_limits: LoginLimits {
            window: Duration::from_secs(auth.login_window_secs),
            per_address: auth.login_max_attempts_per_address,
            failures_per_account: auth.login_max_failures_per_account,
        },
        roles,
        client_ip_header: non_empty(&config.server.client_ip_header),
    }
}

fn plugin_settings(config: &Config) -> PluginSettings {
    let plugins = &config.plugins;
    PluginSettings {
        dir: plugins.dir.clone(),
        cache_dir: plugins.cache_dir.clone(),
        default_timeout_ms: plugins.default_timeout_ms,
        max_timeout_ms: plugins.max_timeout_ms,
        default_memory_mib: plugins.default_memory_mib,
        max_memory_mib: plugins.max_memory_mib,
        max_output_bytes: plugins.max_output_bytes,
        fault_threshold: plugins.fault_threshold,
        max_concurrent_calls: plugins.max_concurrent_calls,
        after_read_cache_bytes: plugins.after_read_cache_mib << 20,
        config: plugins.config.clone(),
    }
}

async fn open_store(
    config: &Config,
    registry: Arc<TypeRegistry>,
) -> Result<Store, Box<dyn std::error::Error>> {
    let settings = storage_config::settings(&config.storage).map_err(config::ConfigError::from)?;
    tracing::info!(url = %settings.url, "opening storage");
    Ok(Store::open(&settings, registry).await?)
}

fn api_settings(config: &Config) -> ApiSettings {
    ApiSettings {
        default_page_size: config.api.default_page_size,
        max_page_size: config.api.max_page_size,
        max_include_depth: config.api.max_include_depth,
        max_body_bytes: config.limits.max_body_bytes,
        cors: CorsPolicy {
            origins: config.server.cors_origins.clone(),
            max_age_secs: config.server.cors_max_age_secs,
        },
        hsts_max_age_secs: config.server.hsts_max_age_secs,
        admin_ui: config.server.admin_ui,
        graphiql: config.server.graphiql,
        scheduler_interval: Duration::from_millis(config.api.scheduler_interval_ms),
        plugin_request_budget: Duration::from_millis(config.plugins.request_budget_ms),
        graphql: config.graphql.clone(),
        locales: Locales {
            default: config.api.default_locale.clone(),
            available: config.api.locales.clone(),
        },
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM, whichever comes first.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
