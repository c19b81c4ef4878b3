//! Counts and times every answered request by its route template, so the `route` label
//! holds what the API documents (`/api/v1/content/post/{id}`), never a raw path.

use std::sync::Arc;
use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request};

use crate::allow::Routes;
use crate::middleware::HeadersFuture;

/// Routes the OpenAPI document does not list (the document itself, the docs page, files).
const UNDOCUMENTED: [&str; 3] = ["/", "/docs", "/api/v1/openapi.json"];
const ASSETS: &str = "/assets/{id}/{filename}";
/// The editors' web app: its files and its client-side routes, one label for all.
const ADMIN_UI: &str = "/admin/{path}";
/// GraphiQL's page and files.
const GRAPHIQL: &str = "/graphiql/{path}";

fn route_of<'a>(routes: &'a Routes, path: &'a str) -> &'a str {
    if let Some(template) = routes.template(path) {
        return template;
    }
    if let Some(undocumented) = UNDOCUMENTED.iter().find(|known| **known == path) {
        return undocumented;
    }
    if path.starts_with("/assets/") {
        return ASSETS;
    }
    if path == "/admin" || path.starts_with("/admin/") {
        return ADMIN_UI;
    }
    if path == "/graphiql" || path.starts_with("/graphiql/") {
        return GRAPHIQL;
    }
    "unmatched"
}

/// Records each request's method, route, status and time.
pub fn record<E: Endpoint + 'static>(
    routes: Arc<Routes>,
) -> impl Fn(Arc<E>, Request) -> HeadersFuture + Send + Sync + 'static {
    move |next, request| {
        let routes = routes.clone();
        Box::pin(async move {
            let started = Instant::now();
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            let response = next.get_response(request).await;
            civitas_metrics::record::http_request(
                method.as_str(),
                route_of(&routes, &path),
                response.status().as_u16(),
                started.elapsed(),
            );
            Ok(response.into_response())
        })
    }
}
