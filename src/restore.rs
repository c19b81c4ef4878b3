//! `civitas restore FILE`: loads a backup made by `civitas backup` into the configured
//! storage. The records go in without a schema; the next `civitas serve` applies it and
//! builds the indexes, as it does at every start.

use std::path::Path;

use crate::config::{Config, ConfigError};
use crate::storage_config;

pub async fn restore(
    config: &Config,
    file: &str,
    replace: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let settings = storage_config::settings(&config.storage).map_err(ConfigError::from)?;
    tracing::info!(url = %settings.url, file, "restoring a backup");
    let summary = civitas_store::restore(&settings, Path::new(file), replace).await?;
    println!(
        "restored {} records in {} tables from {file} into {}",
        summary.records, summary.tables, settings.url
    );
    println!(
        "media files are not in backups: copy them into `media.store` (docs/production.md, Backups)"
    );
    Ok(())
}
