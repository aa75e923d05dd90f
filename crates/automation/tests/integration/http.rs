//! The HTTP node's call against a real local server (the account allows
//! private addresses: the server is on 127.0.0.1).

use std::convert::Infallible;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get};
use serde_json::{Value, json};
use zapdesk_automation::{AddressPolicy, BODY_CAP, Caller};
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::flow::Method;

use crate::server::{Server, get as get_request, reason};

const OPEN: AddressPolicy = AddressPolicy {
    allow_private: true,
};

/// Echoes what it received inside a nested body, as an order API would
/// answer: the caller maps JSON pointers into fields.
async fn order(method: axum::http::Method, headers: HeaderMap, body: String) -> Json<Value> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Json(json!({
        "data": {
            "order": {
                "status": "enviado",
                "items": [{"sku": "A-1", "qty": 2}],
                "method": method.as_str(),
                "user_agent": header("user-agent"),
                "content_type": header("content-type"),
                "token": header("x-token"),
                "idempotency_key": header("idempotency-key"),
                "received": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
            }
        }
    }))
}

fn router() -> Router {
    Router::new()
        .route("/order", any(order))
        .route(
            "/boom",
            get(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"error": "boom"})),
                )
            }),
        )
        .route("/text", get(|| async { "ok, not json" }))
        .route(
            "/hang",
            get(|| async {
                // Never answers: only the call's own time limit ends it.
                std::future::pending::<()>().await;
                "never"
            }),
        )
        .route("/huge", get(|| async { "x".repeat(BODY_CAP + 1) }))
        .route(
            "/exactly-cap",
            get(|| async {
                // A JSON string of exactly BODY_CAP bytes: quotes included.
                format!("\"{}\"", "y".repeat(BODY_CAP - 2))
            }),
        )
        .route(
            "/endless",
            get(|| async {
                // No Content-Length: only counting while reading stops it.
                let chunks = futures_util::stream::repeat_with(|| {
                    Ok::<_, Infallible>(Bytes::from(vec![b'z'; 64 * 1024]))
                });
                Body::from_stream(chunks)
            }),
        )
}

#[tokio::test]
async fn a_json_answer_is_read_whole_and_nested() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    let request = CallRequest::Http {
        node: "pedido".into(),
        method: Method::Post,
        url: server.url("/order?id=42"),
        headers: vec![("X-Token".into(), "abc123".into())],
        body: Some(r#"{"phone": "+5511999990000"}"#.into()),
        timeout_ms: 5_000,
    };
    let CallOutcome::Http { status, json } = caller
        .call_http(
            &request,
            OPEN,
            Some("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:3"),
        )
        .await
    else {
        panic!("no answer");
    };
    assert_eq!(status, 200);
    let json = json.expect("the body is JSON");
    let order = &json["data"]["order"];
    assert_eq!(json.pointer("/data/order/status"), Some(&json!("enviado")));
    assert_eq!(json.pointer("/data/order/items/0/qty"), Some(&json!(2)));
    assert_eq!(order["method"], "POST");
    assert_eq!(order["token"], "abc123");
    assert_eq!(order["content_type"], "application/json");
    assert_eq!(order["received"], json!({"phone": "+5511999990000"}));
    assert_eq!(
        order["user_agent"],
        format!("ZapDesk/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        order["idempotency_key"],
        "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b:3"
    );
    assert_eq!(server.hits(), 1);
}

/// A node that names its calls itself (the receiving API wants its own
/// format) keeps its `Idempotency-Key`; without a key, none is sent.
#[tokio::test]
async fn the_nodes_own_idempotency_key_wins_and_none_is_sent_without_one() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    let request = |headers: Vec<(String, String)>| CallRequest::Http {
        node: "pedido".into(),
        method: Method::Get,
        url: server.url("/order"),
        headers,
        body: None,
        timeout_ms: 5_000,
    };
    let key_seen = |outcome: CallOutcome| match outcome {
        CallOutcome::Http {
            json: Some(json), ..
        } => json["data"]["order"]["idempotency_key"].clone(),
        other => panic!("{other:?}"),
    };
    let own = request(vec![("Idempotency-Key".into(), "pedido-42".into())]);
    assert_eq!(
        key_seen(caller.call_http(&own, OPEN, Some("s:1")).await),
        "pedido-42"
    );
    assert_eq!(
        key_seen(caller.call_http(&request(Vec::new()), OPEN, None).await),
        ""
    );
}

#[tokio::test]
async fn a_server_error_is_an_answer_with_its_status() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    assert_eq!(
        caller
            .call_http(&get_request(&server.url("/boom"), 5_000), OPEN, None)
            .await,
        CallOutcome::Http {
            status: 500,
            json: Some(json!({"error": "boom"}))
        }
    );
    assert_eq!(
        caller
            .call_http(&get_request(&server.url("/text"), 5_000), OPEN, None)
            .await,
        CallOutcome::Http {
            status: 200,
            json: None
        }
    );
    let missing = caller
        .call_http(&get_request(&server.url("/nowhere"), 5_000), OPEN, None)
        .await;
    assert_eq!(
        missing,
        CallOutcome::Http {
            status: 404,
            json: None
        }
    );
}

#[tokio::test]
async fn a_server_that_never_answers_fails_at_the_nodes_time_limit() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    let failed = reason(
        caller
            .call_http(&get_request(&server.url("/hang"), 250), OPEN, None)
            .await,
    );
    assert!(failed.starts_with("timeout"), "{failed}");
    assert!(failed.contains("250 ms"), "{failed}");
    assert_eq!(server.hits(), 1, "the request did arrive");
}

#[tokio::test]
async fn a_body_over_the_cap_fails_rather_than_fill_memory() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    for path in ["/huge", "/endless"] {
        let failed = reason(
            caller
                .call_http(&get_request(&server.url(path), 5_000), OPEN, None)
                .await,
        );
        assert!(
            failed.contains("larger than 1048576 bytes"),
            "{path}: {failed}"
        );
    }
    let CallOutcome::Http { status, json } = caller
        .call_http(&get_request(&server.url("/exactly-cap"), 5_000), OPEN, None)
        .await
    else {
        panic!("a body of exactly the cap is read");
    };
    assert_eq!(status, 200);
    assert_eq!(
        json.and_then(|j| j.as_str().map(str::len)),
        Some(BODY_CAP - 2)
    );
}

#[tokio::test]
async fn what_is_not_a_request_fails_with_the_reason() {
    let caller = Caller::new();
    let cases = [
        ("ftp://example.com/file", "not an http(s) address"),
        ("not a url", "not a valid address"),
        ("file:///etc/passwd", "not an http(s) address"),
    ];
    for (url, expected) in cases {
        let failed = reason(caller.call_http(&get_request(url, 1_000), OPEN, None).await);
        assert!(failed.contains(expected), "{url}: {failed}");
    }
    let server = Server::start(router()).await;
    let bad_header = CallRequest::Http {
        node: "h".into(),
        method: Method::Get,
        url: server.url("/order"),
        headers: vec![("X-Token".into(), "line\nbreak".into())],
        body: None,
        timeout_ms: 1_000,
    };
    let failed = reason(caller.call_http(&bad_header, OPEN, None).await);
    assert!(failed.contains("header x-token"), "{failed}");
    assert_eq!(server.hits(), 0);
    let ai = CallRequest::Ai {
        node: "ai".into(),
        instructions: String::new(),
        max_chars: 100,
    };
    assert!(reason(caller.call_http(&ai, OPEN, None).await).contains("not an HTTP call"));
}

#[tokio::test]
async fn one_caller_serves_many_calls() {
    let server = Server::start(router()).await;
    let caller = Caller::new();
    let calls = (0..8).map(|_| {
        let caller = caller.clone();
        let request = get_request(&server.url("/order"), 5_000);
        async move { caller.call_http(&request, OPEN, None).await }
    });
    for outcome in futures_join(calls).await {
        assert!(
            matches!(outcome, CallOutcome::Http { status: 200, .. }),
            "{outcome:?}"
        );
    }
    assert_eq!(server.hits(), 8);
}

async fn futures_join<F: Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}
