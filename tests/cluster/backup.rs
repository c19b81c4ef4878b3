//! A backup taken through a node on the SurrealDB server restores into another database
//! on that server, and a node there shows everything the first one did.

use tempfile::TempDir;

use crate::backup::{assert_same, client, fill, observe, settled, succeeded};
use crate::support::receiver::webhook_env;
use crate::support::surreal::{PASS, SurrealServer, USER};
use crate::support::{Server, run};

#[tokio::test]
async fn a_backup_restores_into_another_database_on_the_server() {
    let database = SurrealServer::start().await;
    let mut options = database.node_options(true);
    options.env.extend(webhook_env(&[]));
    let first = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let (_, webhook) = fill(&first).await;
    let before = settled(&first, &webhook).await;
    let work = TempDir::new().expect("temp dir");
    let file = work.path().join("server.backup").display().to_string();
    succeeded(&client(work.path(), &first, &["backup", &file]));

    let storage = database.node_options(false).storage;
    let env = [
        ("CIVITAS_STORAGE__URL", storage.as_str()),
        ("CIVITAS_STORAGE__USERNAME", USER),
        ("CIVITAS_STORAGE__PASSWORD", PASS),
        ("CIVITAS_STORAGE__DATABASE", "restored"),
    ];
    succeeded(&run(work.path(), &["restore", &file], &env));

    let mut options = database.node_options(false);
    options
        .env
        .extend(webhook_env(&[("CIVITAS_STORAGE__DATABASE", "restored")]));
    let second = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    assert_same(&before, &observe(&second, &webhook).await);
}
