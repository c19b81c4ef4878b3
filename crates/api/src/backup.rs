//! `GET /api/v1/admin/backup`: the whole database as one consistent snapshot, streamed
//! as it is read (the format: `civitas_store::backup`). Admins only, and audited: a
//! backup holds password hashes, token hashes and webhook secrets.

use civitas_store::AuditEvent;
use futures_util::StreamExt;
use poem::Body;
use poem_openapi::payload::Binary;
use poem_openapi::{ApiResponse, OpenApi};
use tokio::sync::mpsc;

use crate::auth::schemes::AdminAuth;
use crate::error::{ApiError, ErrorCode};
use crate::public::ApiTags;
use crate::state::SharedState;

/// Lines buffered between the database and a slow client.
const BUFFERED_LINES: usize = 256;

#[derive(ApiResponse)]
pub enum BackupResponse {
    /// The backup, streamed: a header line, then per table an `@table NAME` line and one
    /// SurrealQL record per line, then `@end {"tables": N, "records": M}`. A file
    /// without its end line was cut off; `civitas restore` refuses it.
    #[oai(status = 200)]
    Backup(
        Binary<Body>,
        /// `attachment; filename="civitas-TIME.backup"`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

pub struct BackupApi {
    pub state: SharedState,
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Operations")]
impl BackupApi {
    /// Back up the whole database
    ///
    /// Every record of every table (content in every status, revisions, users,
    /// sessions, API tokens, the audit log, the change log, webhooks and their
    /// deliveries, media records), read in one transaction, so writes going on meanwhile
    /// are either wholly in it or not at all. Media files are not included: copy the
    /// media store after the backup (see docs/production.md). `civitas backup FILE`
    /// saves it; `civitas restore FILE` loads it into an empty database.
    #[oai(path = "/backup", method = "get", operation_id = "backup")]
    async fn backup(&self, auth: AdminAuth) -> Result<BackupResponse, ApiError> {
        let (lines, mut received) = mpsc::channel::<String>(BUFFERED_LINES);
        let store = self.state.store.clone();
        let reading = tokio::spawn(async move { store.backup(lines).await });
        let Some(first) = received.recv().await else {
            // Nothing was written: the snapshot could not be taken.
            return match reading.await {
                Ok(Err(error)) => Err(error.into()),
                _ => Err(ApiError::new(
                    ErrorCode::Internal,
                    "the backup could not start",
                )),
            };
        };
        let actor = auth.0.principal.actor();
        self.state
            .store
            .record(AuditEvent::new("backup.download", None), &actor)
            .await?;
        tokio::spawn(async move {
            let outcome = match reading.await {
                Ok(outcome) => outcome.map_err(|error| error.to_string()),
                Err(error) => Err(error.to_string()),
            };
            match outcome {
                Ok(summary) => {
                    tracing::info!(
                        tables = summary.tables,
                        records = summary.records,
                        "backup sent"
                    )
                }
                Err(error) => tracing::error!(%error, "backup failed; the file lacks its end line"),
            }
        });
        let rest = futures_util::stream::unfold(received, |mut received| async move {
            let line = received.recv().await?;
            Some((Ok::<_, std::io::Error>(bytes::Bytes::from(line)), received))
        });
        let stream =
            futures_util::stream::once(async move { Ok(bytes::Bytes::from(first)) }).chain(rest);
        let name = format!(
            "attachment; filename=\"civitas-{}.backup\"",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        );
        Ok(BackupResponse::Backup(
            Binary(Body::from_bytes_stream(stream)),
            name,
        ))
    }
}
