//! What the store's own tests share: a fresh in-memory store of the built-in types, and a
//! runtime with the stack SurrealDB's query planner needs.

use std::sync::Arc;

use civitas_core::TypeRegistry;

use crate::{StorageSettings, Store};

pub(crate) async fn memory_store() -> Store {
    let settings = StorageSettings {
        url: "mem://".into(),
        namespace: "test".into(),
        database: "test".into(),
        username: None,
        password: None,
        keep_revisions: 0,
        text_index: false,
        timeout: std::time::Duration::from_secs(10),
        connect_timeout: std::time::Duration::ZERO,
        engine_memory: crate::EngineMemory {
            cache_mib: 16,
            memtable_mib: 16,
        },
    };
    let registry = Arc::new(TypeRegistry::builtin().expect("built-in types"));
    Store::open(&settings, registry).await.expect("store opens")
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .thread_stack_size(10 * 1024 * 1024)
        .enable_all()
        .build()
        .expect("runtime")
}
