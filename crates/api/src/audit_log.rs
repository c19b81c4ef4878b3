//! `GET /api/v1/admin/audit`: every write, newest first, with filters and cursor paging.

use chrono::{DateTime, Utc};
use civitas_store::AuditQuery;
use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use serde::Deserialize;

use crate::auth::schemes::AdminAuth;
use crate::error::{ApiError, ErrorCode};
use crate::params::{self, allow_only};
use crate::public::ApiTags;
use crate::state::SharedState;

/// One write, as the audit log keeps it.
#[derive(Debug, Clone, Object, Deserialize)]
pub struct AuditRecord {
    /// Also the cursor for `page[after]`; ids sort by time.
    pub id: String,
    pub at: String,
    /// E.g. `entry.create`, `entry.update`, `entry.publish`, `entry.unpublish`,
    /// `entry.delete`, `user.create`, `user.update`, `user.password`, `user.delete`,
    /// `token.create`, `token.revoke`, `plugin.reload`, `session.login`,
    /// `session.login_failed`, `session.logout`.
    pub action: String,
    /// The content type, for entry actions.
    #[serde(rename = "type")]
    #[oai(rename = "type")]
    pub type_id: Option<String>,
    /// The entry, user, token, session or plugin acted on.
    pub target: Option<String>,
    /// `user:ID`, `token:ID`, `emergency`, `system:NAME`, or `anonymous` (failed logins).
    pub actor: String,
    /// The user's email or token's name at the time.
    pub actor_name: String,
    /// `session:ID`, `token:ID`, `emergency`, `password` or `system`.
    pub credential: String,
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Object)]
pub struct AuditPageMeta {
    pub size: u64,
    /// Cursor for the next (older) page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Object)]
pub struct AuditMeta {
    pub page: AuditPageMeta,
}

#[derive(Debug, Clone, Object)]
pub struct AuditList {
    pub data: Vec<AuditRecord>,
    pub meta: AuditMeta,
}

const PARAMETERS: [&str; 8] = [
    "actor",
    "action",
    "type",
    "target",
    "since",
    "until",
    "page[size]",
    "page[after]",
];

fn time_parameter(name: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::invalid_parameter(
                        name,
                        format!(
                            "`{name}` must be an RFC 3339 date and time, e.g. 2026-11-01T00:00:00Z"
                        ),
                    )
                })
        })
        .transpose()
}

pub struct AuditApi {
    pub state: SharedState,
}

#[allow(clippy::too_many_arguments)]
#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Accounts")]
impl AuditApi {
    /// List the audit log
    ///
    /// Every write (entries, users, tokens, plugins, logins), newest first: who, with
    /// which credential, what, on which type and id, when, in which request. Filters
    /// combine with AND; page with `page[after]` = `meta.page.next`.
    #[oai(path = "/audit", method = "get", operation_id = "listAudit")]
    async fn list(
        &self,
        _auth: AdminAuth,
        request: &Request,
        /// Only writes by this actor, e.g. `user:01J...` or `token:01J...`.
        actor: Query<Option<String>>,
        /// Only this action, e.g. `entry.publish`.
        action: Query<Option<String>>,
        /// Only writes to entries of this content type.
        #[oai(name = "type")]
        type_id: Query<Option<String>>,
        /// Only writes to this entry, user, token or plugin id.
        target: Query<Option<String>>,
        /// Only writes at or after this time (RFC 3339).
        since: Query<Option<String>>,
        /// Only writes before this time (RFC 3339).
        until: Query<Option<String>>,
        /// Records per page, 1 to `api.max_page_size`.
        #[oai(name = "page[size]")]
        page_size: Query<Option<u64>>,
        /// Cursor from `meta.page.next`.
        #[oai(name = "page[after]")]
        page_after: Query<Option<String>>,
    ) -> Result<Json<AuditList>, ApiError> {
        allow_only(request, &PARAMETERS)?;
        let size = params::page_size(&self.state.settings, "page[size]", page_size.0)?;
        let query = AuditQuery {
            actor: actor.0,
            action: action.0,
            type_id: type_id.0,
            target: target.0,
            since: time_parameter("since", since.0.as_deref())?,
            until: time_parameter("until", until.0.as_deref())?,
            before: page_after.0,
            limit: size,
        };
        let page = self.state.store.audit_log(&query).await?;
        let data = page
            .records
            .into_iter()
            .map(serde_json::from_value::<AuditRecord>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| {
                tracing::error!(%error, "malformed audit record");
                ApiError::new(ErrorCode::Internal, "internal error")
            })?;
        let next = if page.more {
            data.last().map(|record| record.id.clone())
        } else {
            None
        };
        Ok(Json(AuditList {
            meta: AuditMeta {
                page: AuditPageMeta { size, next },
            },
            data,
        }))
    }
}
