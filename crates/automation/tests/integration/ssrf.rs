//! The address policy on real calls: with private addresses refused, no
//! request reaches a local server however its address is written, resolved
//! or redirected to; with them allowed, the same server is reached.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::time::Duration;

use zapdesk_automation::{AddressPolicy, AiAccount, AiEndpoint, Caller};
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};

use crate::server::{Server, get as get_request, reason};

const STRICT: AddressPolicy = AddressPolicy {
    allow_private: false,
};
const OPEN: AddressPolicy = AddressPolicy {
    allow_private: true,
};

fn hello() -> Router {
    Router::new().route("/", get(|| async { "{\"ok\": true}" }))
}

fn refused(outcome: CallOutcome) -> String {
    let reason = reason(outcome);
    assert!(reason.starts_with("address not allowed"), "{reason}");
    reason
}

#[tokio::test]
async fn private_addresses_are_refused_before_anything_is_sent() {
    let server = Server::start(hello()).await;
    let caller = Caller::new();
    let port = server.port();
    let cases = [
        (format!("http://127.0.0.1:{port}/"), "loopback"),
        (format!("http://[::1]:{port}/"), "loopback"),
        (format!("http://[::ffff:127.0.0.1]:{port}/"), "loopback"),
        // 127.0.0.1 in decimal: the URL parser reads it as the address.
        (format!("http://2130706433:{port}/"), "loopback"),
        (format!("http://localhost:{port}/"), "loopback"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "link-local",
        ),
        ("http://10.0.0.1/".to_owned(), "private network"),
        ("https://192.168.0.1/admin".to_owned(), "private network"),
        ("http://100.64.0.1/".to_owned(), "carrier-grade NAT"),
        ("http://0.0.0.0/".to_owned(), "unspecified"),
        ("http://[fe80::1]/".to_owned(), "link-local"),
        ("http://[fd00::1]/".to_owned(), "private network"),
        // IPv6 forms that carry an IPv4 address.
        (format!("http://[::ffff:0:127.0.0.1]:{port}/"), "loopback"),
        ("http://[64:ff9b:1::a00:1]/".to_owned(), "private network"),
        (
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/".to_owned(),
            "loopback",
        ),
    ];
    for (url, range) in &cases {
        let reason = refused(
            caller
                .call_http(&get_request(url, 2_000), STRICT, None)
                .await,
        );
        assert!(reason.contains(range), "{url}: {reason}");
    }
    let by_name = refused(
        caller
            .call_http(
                &get_request(&format!("http://localhost:{port}/"), 2_000),
                STRICT,
                None,
            )
            .await,
    );
    assert!(
        by_name.contains("localhost is "),
        "names the host: {by_name}"
    );
    assert_eq!(server.hits(), 0, "no refused call reached the server");
}

#[tokio::test]
async fn the_same_server_is_reached_when_the_account_allows_private_addresses() {
    let server = Server::start(hello()).await;
    let caller = Caller::new();
    let port = server.port();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
    ] {
        let outcome = caller
            .call_http(&get_request(&url, 5_000), OPEN, None)
            .await;
        assert!(
            matches!(
                outcome,
                CallOutcome::Http {
                    status: 200,
                    json: Some(_)
                }
            ),
            "{url}: {outcome:?}"
        );
    }
    assert_eq!(server.hits(), 2);
    // One caller holds both policies: a refusal for one account does not
    // leak into another's allowed call, nor the other way round.
    refused(
        caller
            .call_http(&get_request(&server.url("/"), 2_000), STRICT, None)
            .await,
    );
    assert_eq!(server.hits(), 2);
}

/// Allowing private addresses is for the agency's own network: the cloud's
/// metadata service (169.254.169.254) and the rest of link-local stay out
/// of reach of the HTTP node and of the AI node alike.
#[tokio::test]
async fn link_local_is_refused_where_private_addresses_are_allowed() {
    let caller = Caller::new();
    for url in [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fe80::1]/",
        "http://[::ffff:169.254.169.254]/",
    ] {
        let reason = refused(caller.call_http(&get_request(url, 2_000), OPEN, None).await);
        assert!(
            reason.contains("link-local addresses are never allowed"),
            "{url}: {reason}"
        );
    }
    let metadata = AiAccount {
        endpoint: Some(AiEndpoint {
            base_url: "http://169.254.169.254/v1".into(),
            model: "gpt-4o-mini".into(),
            key: None,
            timeout: Duration::from_secs(2),
        }),
        instructions: String::new(),
    };
    let node = CallRequest::Ai {
        node: "ia".into(),
        instructions: String::new(),
        max_chars: 100,
    };
    let reason = refused(caller.call_ai(&node, &metadata, &[], OPEN).await);
    assert!(reason.contains("link-local"), "{reason}");
}

/// A server standing in for a public one (the caller exempts its exact
/// address) that redirects to `to`.
fn redirecting(to: String) -> Router {
    Router::new().route(
        "/go",
        get(move || {
            let to = to.clone();
            async move { (StatusCode::FOUND, [(header::LOCATION, to)]).into_response() }
        }),
    )
}

#[tokio::test]
async fn a_redirect_to_a_private_address_is_refused() {
    let inside = Server::start(hello()).await;
    for target in [
        inside.url("/"),
        format!("http://localhost:{}/", inside.port()),
        format!("http://[::ffff:127.0.0.1]:{}/", inside.port()),
    ] {
        let outside = Server::start(redirecting(target.clone())).await;
        let caller = Caller::exempting(outside.addr);
        let reason = refused(
            caller
                .call_http(&get_request(&outside.url("/go"), 5_000), STRICT, None)
                .await,
        );
        assert!(reason.contains("loopback"), "{target}: {reason}");
        assert_eq!(outside.hits(), 1, "the first hop was made");
    }
    assert_eq!(inside.hits(), 0, "no redirect reached the private server");
}

#[tokio::test]
async fn redirects_are_followed_where_the_policy_allows() {
    let inside = Server::start(hello()).await;
    let outside = Server::start(redirecting(inside.url("/"))).await;
    let caller = Caller::new();
    let outcome = caller
        .call_http(&get_request(&outside.url("/go"), 5_000), OPEN, None)
        .await;
    assert!(
        matches!(
            outcome,
            CallOutcome::Http {
                status: 200,
                json: Some(_)
            }
        ),
        "{outcome:?}"
    );
    assert_eq!((outside.hits(), inside.hits()), (1, 1));
}

#[tokio::test]
async fn a_redirect_loop_ends() {
    let server = Server::start(Router::new().route(
        "/loop",
        get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response() }),
    ))
    .await;
    let caller = Caller::new();
    let reason = reason(
        caller
            .call_http(&get_request(&server.url("/loop"), 5_000), OPEN, None)
            .await,
    );
    assert!(reason.contains("more than 5 redirects"), "{reason}");
    assert_eq!(server.hits(), 6);
}
