//! The SSRF policy on addresses and URLs.

use std::net::IpAddr;

use civitas_webhooks::{NetworkPolicy, PolicyError, TargetError};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn reason(policy: &NetworkPolicy, address: &str) -> String {
    policy.check_ip(ip(address)).expect_err(address).reason
}

#[test]
fn denied_ranges_are_refused_with_a_reason() {
    let policy = NetworkPolicy::default();
    assert_eq!(
        reason(&policy, "127.0.0.1"),
        "127.0.0.1 is a loopback address"
    );
    assert_eq!(
        reason(&policy, "169.254.169.254"),
        "169.254.169.254 is the cloud metadata address"
    );
    let denied = [
        "0.0.0.0",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.0.1",
        "100.64.0.1",
        "224.0.0.251",
        "255.255.255.255",
        "192.0.0.170",
        "198.18.0.1",
        "240.0.0.1",
        "::",
        "::1",
        "fc00::1",
        "fd00:ec2::254",
        "fe80::1",
        "ff02::1",
    ];
    for address in denied {
        assert!(
            policy.check_ip(ip(address)).is_err(),
            "{address} should be denied"
        );
    }
    for address in [
        "93.184.215.14",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "64:ff9b::808:808",
        "::ffff:8.8.8.8",
    ] {
        assert_eq!(policy.check_ip(ip(address)), Ok(()), "{address}");
    }
}

#[test]
fn ipv6_forms_of_ipv4_are_judged_as_ipv4() {
    let policy = NetworkPolicy::default();
    assert_eq!(
        reason(&policy, "::ffff:127.0.0.1"),
        "::ffff:127.0.0.1 maps to 127.0.0.1, a loopback address"
    );
    assert!(reason(&policy, "::ffff:169.254.169.254").contains("cloud metadata"));
    assert!(reason(&policy, "64:ff9b::a00:1").contains("10.0.0.1, a private address"));
    assert!(reason(&policy, "2002:c0a8:101::1").contains("192.168.1.1, a private address"));
}

#[test]
fn allowed_networks_override_the_denied_ranges() {
    let policy = NetworkPolicy::new(&strings(&[
        "127.0.0.1/32",
        "::1/128",
        "10.0.0.0/8",
        "192.168.1.7",
    ]))
    .unwrap();
    for address in [
        "127.0.0.1",
        "::1",
        "10.20.30.40",
        "::ffff:127.0.0.1",
        "192.168.1.7",
    ] {
        assert_eq!(policy.check_ip(ip(address)), Ok(()), "{address}");
    }
    for address in ["127.0.0.2", "192.168.1.8", "169.254.169.254", "fc00::1"] {
        assert!(policy.check_ip(ip(address)).is_err(), "{address}");
    }
}

#[test]
fn bad_allowed_networks_are_named() {
    for bad in ["localhost", "10.0.0.0/33", "10.0.0/8", ""] {
        let error = NetworkPolicy::new(&strings(&["127.0.0.1/32", bad])).unwrap_err();
        assert_eq!(error, PolicyError::InvalidNetwork(bad.to_owned()));
        assert!(error.to_string().contains(&format!("{bad:?}")), "{error}");
    }
}

#[tokio::test]
async fn urls_are_checked_before_and_after_resolving() {
    let policy = NetworkPolicy::default();
    assert!(matches!(
        policy.check_url("ftp://example.com/").await,
        Err(TargetError::Scheme)
    ));
    assert!(matches!(
        policy.check_url("file:///etc/passwd").await,
        Err(TargetError::Scheme)
    ));
    assert!(matches!(
        policy.check_url("not a url").await,
        Err(TargetError::InvalidUrl(_))
    ));
    let userinfo = policy
        .check_url("http://user:pw@example.com/")
        .await
        .unwrap_err();
    assert!(
        userinfo.to_string().contains("user name or password"),
        "{userinfo}"
    );
    assert!(matches!(
        policy.check_url("http://user@example.com/").await,
        Err(TargetError::InvalidUrl(_))
    ));

    let blocked = policy
        .check_url("http://127.0.0.1:8080/hook")
        .await
        .unwrap_err();
    assert_eq!(
        blocked.to_string(),
        "blocked: 127.0.0.1 is a loopback address"
    );
    for url in [
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f.1/",
        "http://2130706433/",
    ] {
        assert!(
            matches!(policy.check_url(url).await, Err(TargetError::Blocked(_))),
            "{url}"
        );
    }
    let localhost = policy.check_url("http://localhost:9/").await.unwrap_err();
    assert!(
        matches!(&localhost, TargetError::Blocked(b) if b.reason.starts_with("localhost resolves to a blocked address: ")),
        "{localhost}"
    );
    assert!(matches!(
        policy.check_url("https://nosuchhost.invalid/").await,
        Err(TargetError::Unresolvable(_))
    ));
}

#[tokio::test]
async fn allowed_loopback_urls_pass() {
    let policy = NetworkPolicy::new(&strings(&["127.0.0.1/32", "::1/128"])).unwrap();
    let url = policy
        .check_url("http://127.0.0.1:8080/hook?x=1")
        .await
        .unwrap();
    assert_eq!(url.as_str(), "http://127.0.0.1:8080/hook?x=1");
    policy.check_url("http://localhost:8080/").await.unwrap();
    policy
        .check_url("http://[::ffff:127.0.0.1]:8080/")
        .await
        .unwrap();
    assert_eq!(
        policy
            .check_url_offline("https://example.com/")
            .map(|url| url.to_string()),
        Ok("https://example.com/".into())
    );
}
