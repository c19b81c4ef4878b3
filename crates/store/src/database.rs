//! One handle on the database, whichever engine serves it. Embedded storage is opened
//! here rather than through the SDK's `connect`, which sizes SurrealKV's block cache and
//! memory table from the machine's memory (half of it, and 1 GiB on this kind of machine)
//! with no way to set either; a datastore built here gets `storage.cache_mib` and
//! `storage.memtable_mib`. A SurrealDB server is reached through the SDK as before.

use std::borrow::Cow;
use std::future::IntoFuture;
use std::pin::Pin;

use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::engine::local::Db;
use surrealdb::method::{IntoVariables, Query, Transaction};
use surrealdb_cnf::ConfigMap;
use surrealdb_core::kvs::Datastore;

const MIB: u64 = 1024 * 1024;

/// How much memory an embedded SurrealKV engine may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineMemory {
    /// Table-file blocks kept in memory after they were read.
    pub cache_mib: u64,
    /// Recent writes held in memory before they are written to table files: also what a
    /// start replays from the log after a crash, and the largest one transaction may be.
    pub memtable_mib: u64,
}

/// A connection: an engine in this process, or a SurrealDB server.
#[derive(Clone)]
pub(crate) enum Database {
    Embedded(Surreal<Db>),
    Server(Surreal<Any>),
}

/// Statements to send, built and bound like the SDK's own.
pub(crate) enum Statements<'a> {
    Embedded(Query<'a, Db>),
    Server(Query<'a, Any>),
}

/// An interactive transaction (a backup's snapshot).
pub(crate) enum Snapshot {
    Embedded(Transaction<Db>),
    Server(Transaction<Any>),
}

type Answer<'a> =
    Pin<Box<dyn Future<Output = Result<surrealdb::IndexedResults, surrealdb::Error>> + Send + 'a>>;

impl Database {
    /// Opens the embedded engine `url` names (`mem://`, `surrealkv://PATH`) with `memory`.
    pub(crate) async fn open_embedded(
        url: &str,
        memory: EngineMemory,
    ) -> Result<Database, surrealdb::Error> {
        let config = ConfigMap::empty()
            .with_key_value(
                "surrealkv_block_cache_capacity",
                (memory.cache_mib * MIB).to_string(),
            )
            .with_key_value(
                "surrealkv_max_memtable_size",
                (memory.memtable_mib * MIB).to_string(),
            );
        // As the SDK's own embedded connect does (default capabilities, no authentication):
        // maintenance tasks start only once the datastore's version key is in place.
        let datastore = Datastore::builder()
            .with_config(config)
            .without_maintenance_tasks()
            .build_with_path(url)
            .await
            .map_err(engine_error)?;
        datastore.check_version().await.map_err(engine_error)?;
        datastore.bootstrap().await.map_err(engine_error)?;
        datastore.start_maintenance_tasks();
        let db = Surreal::<Db>::unstable_from_datastore(datastore, None).await?;
        Ok(Database::Embedded(db))
    }

    pub(crate) fn query<'a>(&'a self, sql: impl Into<Cow<'a, str>>) -> Statements<'a> {
        match self {
            Database::Embedded(db) => Statements::Embedded(db.query(sql)),
            Database::Server(db) => Statements::Server(db.query(sql)),
        }
    }

    pub(crate) async fn begin(&self) -> Result<Snapshot, surrealdb::Error> {
        Ok(match self {
            Database::Embedded(db) => Snapshot::Embedded(db.clone().begin().await?),
            Database::Server(db) => Snapshot::Server(db.clone().begin().await?),
        })
    }

    pub(crate) async fn use_ns_db(&self, namespace: &str, database: &str) -> surrealdb::Result<()> {
        match self {
            Database::Embedded(db) => db.use_ns(namespace).use_db(database).await.map(drop),
            Database::Server(db) => db.use_ns(namespace).use_db(database).await.map(drop),
        }
    }
}

fn engine_error(error: impl std::fmt::Display) -> surrealdb::Error {
    surrealdb::Error::internal(error.to_string())
}

impl<'a> Statements<'a> {
    pub(crate) fn bind(self, vars: impl IntoVariables) -> Statements<'a> {
        match self {
            Statements::Embedded(query) => Statements::Embedded(query.bind(vars)),
            Statements::Server(query) => Statements::Server(query.bind(vars)),
        }
    }
}

impl<'a> IntoFuture for Statements<'a> {
    type Output = Result<surrealdb::IndexedResults, surrealdb::Error>;
    type IntoFuture = Answer<'a>;

    fn into_future(self) -> Self::IntoFuture {
        match self {
            Statements::Embedded(query) => Box::pin(query.into_future()),
            Statements::Server(query) => Box::pin(query.into_future()),
        }
    }
}

impl Snapshot {
    pub(crate) fn query<'a>(&'a self, sql: impl Into<Cow<'a, str>>) -> Statements<'a> {
        match self {
            Snapshot::Embedded(tx) => Statements::Embedded(tx.query(sql)),
            Snapshot::Server(tx) => Statements::Server(tx.query(sql)),
        }
    }

    /// Ends the transaction without writing (a snapshot only reads).
    pub(crate) async fn cancel(self) -> surrealdb::Result<()> {
        match self {
            Snapshot::Embedded(tx) => tx.cancel().await.map(drop),
            Snapshot::Server(tx) => tx.cancel().await.map(drop),
        }
    }
}
