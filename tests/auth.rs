//! Accounts and sessions: login, logout, who am I, user management, login throttling,
//! and the command-line bootstrap of the first admin.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{
    Options, PASSWORD, Server, civitas, expect_error, expect_invalid_field, expect_refused, json,
};

async fn login_attempt(
    server: &Server,
    email: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    server
        .client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
}

#[tokio::test]
async fn a_user_logs_in_works_and_logs_out() {
    let server = Server::start().await;
    let user_id = server.create_user("Editor@Example.org", "editor").await;
    // Emails are compared case-insensitively.
    let token = server.login("editor@example.org").await;
    assert!(token.starts_with("cvs_"), "{token}");

    let (status, me) = json(
        server
            .with_token(Method::GET, "/api/v1/auth/me", &token)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["data"]["kind"], "session");
    assert_eq!(me["data"]["role"], "editor");
    assert_eq!(me["data"]["actor"], format!("user:{user_id}"));
    assert_eq!(me["data"]["user"]["email"], "editor@example.org");
    assert!(me["data"]["user"]["last_login_at"].is_string(), "{me}");
    assert!(!me.to_string().contains("password"), "{me}");

    let (status, created) = json(
        server
            .with_token(Method::POST, "/api/v1/admin/content/post", &token)
            .json(&json!({"title": "Written by an editor", "body": "Text."}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["created_by"], format!("user:{user_id}"));
    assert_eq!(created["data"]["updated_by"], format!("user:{user_id}"));

    let response = server
        .with_token(Method::POST, "/api/v1/auth/logout", &token)
        .send()
        .await;
    assert_eq!(response.expect("logout").status().as_u16(), 204);
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &token),
        401,
    )
    .await;
    // A tampered secret on a live session is refused too.
    let other = server.login("editor@example.org").await;
    let tampered = format!("{}x", &other[..other.len() - 1]);
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &tampered),
        401,
    )
    .await;
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_answer_alike() {
    let server = Server::start().await;
    server.create_user("known@example.org", "viewer").await;
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for n in 0..4 {
        let started = Instant::now();
        let body = expect_error(
            login_attempt(&server, "known@example.org", "not the password").await,
            401,
            "invalid_credentials",
        )
        .await;
        wrong.push((started.elapsed(), body));
        let started = Instant::now();
        let body = expect_error(
            login_attempt(
                &server,
                &format!("nobody{n}@example.org"),
                "not the password",
            )
            .await,
            401,
            "invalid_credentials",
        )
        .await;
        unknown.push((started.elapsed(), body));
    }
    assert_eq!(
        wrong[0].1["error"]["message"],
        unknown[0].1["error"]["message"]
    );
    let median = |samples: &mut Vec<(Duration, Value)>| {
        samples.sort_by_key(|(time, _)| *time);
        samples[samples.len() / 2].0
    };
    let (wrong, unknown) = (median(&mut wrong), median(&mut unknown));
    // Without the decoy hash an unknown email would answer many times faster.
    assert!(
        unknown * 2 > wrong,
        "unknown account {unknown:?} vs wrong password {wrong:?}"
    );
}

const TIGHT_LIMITS: &str = r#"
[auth]
login_max_failures_per_account = 3
login_max_attempts_per_address = 7
session_idle_secs = 2
"#;

#[tokio::test]
async fn brute_force_logins_are_throttled_and_idle_sessions_end() {
    let server = Server::start_with(
        Options::with_config(TIGHT_LIMITS),
        TempDir::new().expect("dir"),
    )
    .await;
    server.create_user("target@example.org", "editor").await;
    let session = server.login("target@example.org").await;
    for _ in 0..3 {
        expect_error(
            login_attempt(&server, "target@example.org", "guess").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    // The account is locked, even for the right password.
    let response = login_attempt(&server, "target@example.org", PASSWORD)
        .await
        .expect("response");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    expect_error(Ok(response), 429, "rate_limited").await;

    // The address has made 4 counted attempts (the login and 3 failures); 3 more on other
    // accounts use up its allowance of 7.
    for n in 0..3 {
        expect_error(
            login_attempt(&server, &format!("spray{n}@example.org"), "guess").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    expect_error(
        login_attempt(&server, "fresh@example.org", "guess").await,
        429,
        "rate_limited",
    )
    .await;

    // The session from before is untouched by the lockout, until it sits idle too long.
    let (status, _) = json(
        server
            .with_token(Method::GET, "/api/v1/auth/me", &session)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &session),
        401,
    )
    .await;
}

#[tokio::test]
async fn admins_manage_users_and_keep_one_admin() {
    let server = Server::start().await;
    let admin_id = server.create_user("first-admin@example.org", "admin").await;
    let response = server
        .admin(Method::POST, "/users")
        .json(&json!({"email": "ada@example.org", "display_name": "Ada", "role": "author", "password": PASSWORD}))
        .send()
        .await
        .expect("response");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, created) = json(Ok(response)).await;
    assert_eq!(status, 201, "{created}");
    let ada = created["data"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/admin/users/{ada}").as_str())
    );
    assert_eq!(created["data"]["display_name"], "Ada");
    assert!(created["data"].get("password_hash").is_none());

    let body = expect_error(
        server
            .admin(Method::POST, "/users")
            .json(&json!({"email": "ADA@example.org", "role": "viewer", "password": PASSWORD}))
            .send()
            .await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "email");
    for (input, field) in [
        (
            json!({"email": "x@example.org", "role": "overlord", "password": PASSWORD}),
            "role",
        ),
        (
            json!({"email": "x@example.org", "role": "viewer", "password": "short"}),
            "password",
        ),
        (
            json!({"email": "not-an-email", "role": "viewer", "password": PASSWORD}),
            "email",
        ),
    ] {
        expect_invalid_field(server.admin(Method::POST, "/users").json(&input), field).await;
    }
    expect_error(
        server.admin(Method::POST, "/users").json(&json!({"email": "x@example.org", "role": "viewer", "password": PASSWORD, "is_root": true})).send().await,
        400,
        "invalid_body",
    )
    .await;

    // Disabling ends the user's sessions and stops logins.
    let session = server.login("ada@example.org").await;
    let (status, patched) = json(
        server
            .admin(Method::PATCH, &format!("/users/{ada}"))
            .json(&json!({"disabled": true}))
            .send()
            .await,
    )
    .await;
    assert_eq!(
        (status, &patched["data"]["disabled"]),
        (200, &json!(true)),
        "{patched}"
    );
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &session),
        401,
    )
    .await;
    expect_error(
        login_attempt(&server, "ada@example.org", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;

    // Without the demo admin the seed made, the first admin is the only enabled one...
    let (_, users) = json(server.admin(Method::GET, "/users").send().await).await;
    let demo = users["data"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "admin@example.org")
        .and_then(|u| u["id"].as_str())
        .expect("the demo admin")
        .to_owned();
    let response = server
        .admin(Method::DELETE, &format!("/users/{demo}"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 204);
    // ...and can be neither demoted, disabled nor deleted.
    for patch in [json!({"role": "editor"}), json!({"disabled": true})] {
        expect_error(
            server
                .admin(Method::PATCH, &format!("/users/{admin_id}"))
                .json(&patch)
                .send()
                .await,
            409,
            "last_admin",
        )
        .await;
    }
    expect_error(
        server
            .admin(Method::DELETE, &format!("/users/{admin_id}"))
            .send()
            .await,
        409,
        "last_admin",
    )
    .await;
    server
        .create_user("second-admin@example.org", "admin")
        .await;
    let response = server
        .admin(Method::DELETE, &format!("/users/{admin_id}"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 204);
    expect_error(
        server
            .admin(Method::GET, &format!("/users/{admin_id}"))
            .send()
            .await,
        404,
        "user_not_found",
    )
    .await;

    let (status, list) = json(server.admin(Method::GET, "/users").send().await).await;
    assert_eq!(status, 200);
    let emails: Vec<&str> = list["data"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, ["ada@example.org", "second-admin@example.org"]);
    assert_eq!(list["meta"]["total"], 2);
}

#[tokio::test]
async fn users_change_their_own_password() {
    let server = Server::start().await;
    server.create_user("me@example.org", "viewer").await;
    let session = server.login("me@example.org").await;
    let change = |current: &str, new: &str| {
        server
            .with_token(Method::POST, "/api/v1/auth/password", &session)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let body = expect_error(
        change("wrong", "a brand new passphrase").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["details"][0]["field"], "current_password");
    let response = change(PASSWORD, "a brand new passphrase")
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 204);
    expect_refused(
        server.with_token(Method::GET, "/api/v1/auth/me", &session),
        401,
    )
    .await;
    let (status, _) =
        json(login_attempt(&server, "me@example.org", "a brand new passphrase").await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_first_admin_comes_from_the_command_line_or_the_demo() {
    let dir = TempDir::new().expect("dir");
    let storage = format!("surrealkv://{}", dir.path().join("data").display());
    let mut child = civitas(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "root@example.org",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("CIVITAS_STORAGE__URL", &storage)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("civitas user create runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("password written");
    let output = child.wait_with_output().expect("finishes");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("created root@example.org (admin)"));

    let options = Options {
        storage,
        seed: false,
        ..Options::default()
    };
    let server = Server::start_with(options, dir).await;
    let session = server.login("root@example.org").await;
    let (status, me) = json(
        server
            .with_token(Method::GET, "/api/v1/auth/me", &session)
            .send()
            .await,
    )
    .await;
    assert_eq!((status, &me["data"]["role"]), (200, &json!("admin")));
    // No demo admin without --seed.
    assert!(!server.stdout().contains("demo admin"));

    let demo = Server::start().await;
    let printed = demo.stdout();
    let password = printed
        .split("admin@example.org, password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("demo admin password printed: {printed}"));
    let (status, body) = json(login_attempt(&demo, "admin@example.org", password).await).await;
    assert_eq!(status, 200, "{body}");
}
