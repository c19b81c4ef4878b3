//! The documented routes, read from the OpenAPI document's paths, so nothing here can
//! disagree with it: `Allow` on 405 answers (RFC 9110), and the route template a path
//! matches (the metrics' `route` label).

use std::sync::Arc;

use poem::http::HeaderValue;
use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request};
use serde_json::Value;

use crate::middleware::HeadersFuture;

/// One path template, split at `/`; `None` stands for a `{parameter}` segment.
struct Template {
    path: String,
    segments: Vec<Option<String>>,
    allow: HeaderValue,
}

/// The methods of every documented path.
pub struct Routes {
    templates: Vec<Template>,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/')
}

impl Routes {
    pub fn from_document(document: &Value) -> Routes {
        let paths = document["paths"].as_object().into_iter().flatten();
        let templates = paths
            .filter_map(|(path, item)| {
                let mut methods: Vec<String> = item
                    .as_object()?
                    .keys()
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".to_owned());
                }
                let allow = HeaderValue::from_str(&methods.join(", ")).ok()?;
                let segments = segments(path)
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                Some(Template {
                    path: path.clone(),
                    segments,
                    allow,
                })
            })
            .collect();
        Routes { templates }
    }

    /// The template `path` matches; a literal segment beats a parameter, so
    /// `/api/v1/types` wins over a `/api/v1/{something}` shape.
    fn find(&self, path: &str) -> Option<&Template> {
        let wanted: Vec<&str> = segments(path).collect();
        let matches = |template: &&Template| {
            template.segments.len() == wanted.len()
                && template
                    .segments
                    .iter()
                    .zip(&wanted)
                    .all(|(segment, given)| segment.as_deref().is_none_or(|s| s == *given))
        };
        let literal_count =
            |template: &&Template| template.segments.iter().filter(|s| s.is_some()).count();
        self.templates
            .iter()
            .filter(matches)
            .max_by_key(literal_count)
    }

    fn allow(&self, path: &str) -> Option<&HeaderValue> {
        self.find(path).map(|template| &template.allow)
    }

    /// The documented path template `path` matches (`/api/v1/content/post/{id}`).
    pub fn template(&self, path: &str) -> Option<&str> {
        self.find(path).map(|template| template.path.as_str())
    }
}

/// Adds `Allow` to every 405 answer.
pub fn allow_header<E: Endpoint + 'static>(
    routes: Arc<Routes>,
) -> impl Fn(Arc<E>, Request) -> HeadersFuture + Send + Sync + 'static {
    move |next, request| {
        let routes = routes.clone();
        Box::pin(async move {
            let path = request.uri().path().to_owned();
            let mut response = next.get_response(request).await;
            if response.status() == StatusCode::METHOD_NOT_ALLOWED
                && let Some(allow) = routes.allow(&path)
            {
                response
                    .headers_mut()
                    .insert(poem::http::header::ALLOW, allow.clone());
            }
            Ok(response.into_response())
        })
    }
}
