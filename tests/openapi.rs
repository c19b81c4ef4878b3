//! The OpenAPI document and the interactive docs.

use serde_json::Value;

use crate::support::{Server, json, python_tool};

#[tokio::test]
async fn describes_every_type_with_its_own_schema_and_paths() {
    let server = Server::start().await;
    let (status, spec) = json(server.get("/api/v1/openapi.json").send().await).await;
    assert_eq!(status, 200);
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    let schemas = &spec["components"]["schemas"];
    for name in [
        "Post",
        "PostAdmin",
        "PostInput",
        "PostPatch",
        "Expert",
        "Partner",
        "Page",
        "ErrorBody",
    ] {
        assert!(schemas.get(name).is_some(), "schema {name}");
    }
    assert_eq!(
        schemas["Partner"]["properties"]["kind"]["enum"][0],
        "government"
    );
    assert_eq!(
        schemas["PostInput"]["required"],
        serde_json::json!(["title", "body"])
    );
    let paths = spec["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/content/post",
        "/api/v1/content/expert/{id_or_slug}",
        "/api/v1/admin/content/page/{id}/publish",
    ] {
        assert!(paths.contains_key(path), "path {path}");
    }
    assert!(
        !paths
            .keys()
            .any(|p| p.contains("{type_id}/") || p.ends_with("content/{type_id}")),
        "no generic content paths"
    );
    let list = &paths["/api/v1/content/post"]["get"]["responses"]["200"]["content"];
    let item_ref = list
        .as_object()
        .and_then(|m| m.values().next())
        .map(|m| m["schema"]["properties"]["data"]["items"]["$ref"].clone());
    assert_eq!(item_ref, Some(Value::from("#/components/schemas/Post")));
    let create = &paths["/api/v1/admin/content/post"]["post"];
    assert!(
        create["security"].is_array(),
        "admin routes declare their security"
    );
    assert!(
        spec["info"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("`validation_failed` (422)"))
    );
}

#[tokio::test]
async fn serves_interactive_docs() {
    let server = Server::start().await;
    let response = server.get("/docs").send().await.expect("docs");
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("swagger"), "Swagger UI");
    assert!(
        html.contains("PostInput"),
        "built from the per-type document"
    );
}

/// Validates the served document with `openapi-spec-validator`, a standard validator
/// from PyPI, installed on first use into a virtualenv under `target/`.
#[tokio::test]
async fn passes_a_standard_openapi_validator() {
    let server = Server::start().await;
    let spec = server
        .get("/api/v1/openapi.json")
        .send()
        .await
        .expect("spec")
        .text()
        .await
        .expect("text");
    let path = server.dir.path().join("openapi.json");
    std::fs::write(&path, spec).expect("write spec");
    let validator = python_tool(
        "openapi-validator",
        "openapi-spec-validator==0.7.*",
        "openapi-spec-validator",
    );
    let output = std::process::Command::new(&validator)
        .arg(&path)
        .output()
        .expect("validator runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("OK"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
