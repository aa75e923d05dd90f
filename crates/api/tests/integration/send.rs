//! `POST /send`: queued in the durable outbox; with an Idempotency-Key a
//! repeated request, and one repeated after the server died between
//! queuing and answering, is one message; the same key with another request
//! is refused; files; the rate limit.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use zapdesk_api::{ApiConfig, Hooks, RateLimit};
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::inbox::conversations;
use zapdesk_core::{AccountId, ConversationId, Store};

use crate::support::{self, code};

/// How many messages the account's chats hold.
async fn messages(store: &Store, account: AccountId) -> usize {
    let filter = conversations::ListFilter {
        limit: 500,
        ..Default::default()
    };
    let mut n = 0;
    for chat in conversations::list(store, account, &filter).await.unwrap() {
        n += conversations::thread(store, account, chat.id, None, 500)
            .await
            .unwrap()
            .len();
    }
    n
}

async fn send_with_key(
    api: &support::Api,
    account: AccountId,
    token: &str,
    key: Option<&str>,
    body: &Value,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let mut request = api
        .http
        .post(format!("{}/api/accounts/{account}/send", api.base))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await?;
    Ok(support::read(response).await)
}

#[tokio::test]
async fn a_repeated_request_with_its_key_is_one_message() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let number = api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), &[Scope::Send, Scope::Read]).await;
    let body = json!({"phone": "11987654321", "text": "Seu pedido #42 saiu para entrega."});

    let (s, first) = send_with_key(&api, acc, &token, Some("pedido-42"), &body)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{first}");
    assert_eq!(first["instance_id"], number.to_string());
    assert_eq!(first["message"]["status"], "pending");
    assert_eq!(
        first["message"]["body"],
        "Seu pedido #42 saiu para entrega."
    );
    for _ in 0..3 {
        let (s, again) = send_with_key(&api, acc, &token, Some("pedido-42"), &body)
            .await
            .unwrap();
        assert_eq!(s, StatusCode::ACCEPTED);
        assert_eq!(again["message"]["id"], first["message"]["id"]);
    }
    assert_eq!(messages(api.store(), acc).await, 1);

    // The same key for another request: refused, nothing queued.
    let other = json!({"phone": "11987654321", "text": "Outro texto"});
    let (s, refused) = send_with_key(&api, acc, &token, Some("pedido-42"), &other)
        .await
        .unwrap();
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::CONFLICT, "api_idempotency_conflict")
    );
    assert_eq!(messages(api.store(), acc).await, 1);

    // Without a key, each request is a message.
    for _ in 0..2 {
        let (s, _) = send_with_key(&api, acc, &token, None, &other)
            .await
            .unwrap();
        assert_eq!(s, StatusCode::ACCEPTED);
    }
    assert_eq!(messages(api.store(), acc).await, 3);

    // A refused request frees its key for the corrected one.
    let (s, bad) = send_with_key(
        &api,
        acc,
        &token,
        Some("pedido-43"),
        &json!({"phone": "123", "text": "Oi"}),
    )
    .await
    .unwrap();
    assert_eq!(
        (s, code(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "phone_invalid")
    );
    let (s, _) = send_with_key(
        &api,
        acc,
        &token,
        Some("pedido-43"),
        &json!({"phone": "11987654321", "text": "Oi"}),
    )
    .await
    .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED);

    // Bad keys and bad bodies.
    let (s, answer) = send_with_key(&api, acc, &token, Some(&"k".repeat(256)), &body)
        .await
        .unwrap();
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    for bad in [
        json!({"text": "Oi"}),
        json!({"phone": "11987654321"}),
        json!({"phone": "11987654321", "contact_id": "0192f0e0-0000-7000-8000-000000000000", "text": "Oi"}),
        json!({"phone": "11987654321", "text": "Oi", "file": {"name": "a.pdf", "mime": "application/pdf", "data": ""}}),
    ] {
        let (s, answer) = send_with_key(&api, acc, &token, None, &bad).await.unwrap();
        assert_eq!(
            (s, code(&answer)),
            (StatusCode::BAD_REQUEST, "api_bad_request"),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_send_cut_off_by_a_crash_before_its_answer_is_sent_once_when_retried() {
    let dir = tempfile::tempdir().unwrap();
    let app = support::open_app(dir.path()).await;
    let acc = support::account(app.store(), "Padaria").await;
    let number = zapdesk_core::instances::create(
        app.store(),
        acc,
        &zapdesk_core::instances::NumberInput {
            name: "Balcão".into(),
            kind: zapdesk_core::domain::InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let token = support::token(app.store(), Some(acc), &[Scope::Send]).await;
    // The server dies after the message is queued, before it answers: the
    // handler panics there, and the connection is dropped without a reply.
    let crashing = ApiConfig {
        hooks: Hooks {
            after_send: Some(Arc::new(|| panic!("crash between queuing and answering"))),
            ..Hooks::default()
        },
        ..support::config()
    };
    let api = support::serve(dir, app, crashing).await;
    let body = json!({"phone": "+5511987654321", "text": "Boleto disponível"});
    let cut = send_with_key(&api, acc, &token, Some("boleto-7"), &body).await;
    assert!(cut.is_err(), "the client got no answer: {cut:?}");
    assert_eq!(messages(api.store(), acc).await, 1, "it was queued");

    // Everything stops and starts again on the same folder, as after a kill.
    let support::Api {
        dir, app, server, ..
    } = api;
    server.stop().await;
    app.shutdown().await;
    // Nothing may hold the data folder's lock any more.
    drop(server);
    drop(app);
    let app = support::open_app(dir.path()).await;
    let api = support::serve(dir, app, support::config()).await;

    // The client retries with its key: answered with the message queued then.
    let (s, retried) = send_with_key(&api, acc, &token, Some("boleto-7"), &body)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{retried}");
    assert_eq!(retried["instance_id"], number.to_string());
    assert_eq!(messages(api.store(), acc).await, 1, "one message");
    let chat = ConversationId::from_uuid(
        retried["conversation_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
    );
    let thread = conversations::thread(api.store(), acc, chat, None, 10)
        .await
        .unwrap();
    assert_eq!(
        thread[0].id.to_string(),
        retried["message"]["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn a_file_is_sent_within_its_limit_and_refused_over_it() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), &[Scope::Send]).await;
    use base64::Engine;
    let b64 = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![b'%'; n]);
    // 2 MiB: over the JSON limit, within the send's.
    let file = json!({"phone": "11987654321", "file": {"name": "catalogo.pdf", "mime": "application/pdf", "data": b64(2 * 1024 * 1024), "caption": "Nosso catálogo"}});
    let (s, sent) = send_with_key(&api, acc, &token, None, &file).await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{}", sent["code"]);
    assert_eq!(sent["message"]["kind"], "document");
    assert_eq!(sent["message"]["media_name"], "catalogo.pdf");
    assert_eq!(sent["message"]["body"], "Nosso catálogo");
    // Over WhatsApp's 16 MiB (as base64, over the body limit too): 413.
    let huge = json!({"phone": "11987654321", "file": {"name": "video.pdf", "mime": "application/pdf", "data": b64(17 * 1024 * 1024)}});
    let (s, refused) = send_with_key(&api, acc, &token, None, &huge).await.unwrap();
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    // A program: refused by the inbox's rules.
    let exe = json!({"phone": "11987654321", "file": {"name": "setup.exe", "mime": "application/octet-stream", "data": b64(10)}});
    let (s, refused) = send_with_key(&api, acc, &token, None, &exe).await.unwrap();
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "attachment_blocked")
    );
}

#[tokio::test]
async fn a_token_over_its_rate_waits_and_another_token_does_not() {
    let api = support::start_with(ApiConfig {
        rate: RateLimit {
            per_second: 1,
            burst: 3,
        },
        ..support::config()
    })
    .await;
    let acc = api.account("Padaria").await;
    let busy = api.token(Some(acc), &[Scope::Read]).await;
    let other = api.token(Some(acc), &[Scope::Read]).await;
    let path = format!("{}/api/accounts/{acc}", api.base);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..6 {
        let response = api.http.get(&path).bearer_auth(&busy).send().await.unwrap();
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let (_, body) = support::read(response).await;
            assert_eq!(code(&body), "api_rate_limited");
        }
    }
    // The burst passes, then 429 (the sustained rate refills one a second;
    // the six requests take far less than that).
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    assert!(
        statuses[3..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(retry_after.is_some_and(|s| s >= 1), "{retry_after:?}");
    let (s, _) = api.get(&format!("/api/accounts/{acc}"), &other).await;
    assert_eq!(s, StatusCode::OK, "limits are per token");
}

#[tokio::test]
async fn a_key_reused_after_it_is_forgotten_sends_the_new_request() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), &[Scope::Send]).await;
    let first = json!({"phone": "11987654321", "text": "Pedido #1 confirmado."});
    let (s, old) = send_with_key(&api, acc, &token, Some("pedido-1"), &first)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{old}");

    // More than a day later the key is forgotten (its row aged here, as the
    // clock would); the client reuses it for another order.
    sqlx::query("UPDATE api_idempotency SET created_at = created_at - ? - 60000")
        .bind(zapdesk_core::api_tokens::idempotency::KEEP_MS)
        .execute(api.store().pool_for_sync())
        .await
        .unwrap();
    let second = json!({"phone": "11987654321", "text": "Pedido #2 confirmado."});
    let (s, new) = send_with_key(&api, acc, &token, Some("pedido-1"), &second)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{new}");
    // The new request is queued, never the old message answered again.
    assert_ne!(new["message"]["id"], old["message"]["id"]);
    assert_eq!(new["message"]["body"], "Pedido #2 confirmado.");
    assert_eq!(messages(api.store(), acc).await, 2);
    // And it is remembered as this request from now on.
    let (s, again) = send_with_key(&api, acc, &token, Some("pedido-1"), &second)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(again["message"]["id"], new["message"]["id"]);
    assert_eq!(messages(api.store(), acc).await, 2);
}

#[tokio::test]
async fn a_retry_refused_after_its_message_was_queued_keeps_the_key() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), &[Scope::Send]).await;
    let body = json!({"phone": "11987654321", "text": "Promoção de hoje!"});
    let (s, sent) = send_with_key(&api, acc, &token, Some("promo-9"), &body)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{sent}");
    // The contact opts out; the client, which never saw the answer, retries.
    let contact =
        zapdesk_core::ContactId::from_uuid(sent["contact_id"].as_str().unwrap().parse().unwrap());
    zapdesk_core::opt_out::set(api.store(), acc, contact, true)
        .await
        .unwrap();
    let (s, refused) = send_with_key(&api, acc, &token, Some("promo-9"), &body)
        .await
        .unwrap();
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::CONFLICT, "contact_opted_out")
    );
    // The key still names the message queued the first time: another
    // request under it is refused, not sent.
    let other = json!({"phone": "21998765432", "text": "Outra promoção"});
    let (s, refused) = send_with_key(&api, acc, &token, Some("promo-9"), &other)
        .await
        .unwrap();
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::CONFLICT, "api_idempotency_conflict")
    );
    assert_eq!(messages(api.store(), acc).await, 1);
}
