//! What integrations need beside contacts and sends: campaigns with the
//! editor's checks, flows started for a contact, webhooks subscribed and
//! unsubscribed.

use reqwest::{Method, StatusCode};
use serde_json::json;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::time::now_ms;

use crate::support::{self, ALL, code};

#[tokio::test]
async fn campaigns_are_created_with_the_editors_checks_and_listed() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let number = api.number(acc, "Balcão").await;
    let other = api.account("Outra").await;
    let theirs = api.number(other, "Deles").await;
    let token = api.token(Some(acc), ALL).await;
    for phone in ["+5511987654301", "+5511987654302"] {
        api.post(
            &format!("/api/accounts/{acc}/contacts"),
            &token,
            json!({"phone": phone}),
        )
        .await;
    }
    let path = format!("/api/accounts/{acc}/campaigns");
    let tomorrow = now_ms() + 24 * 3600 * 1000;
    let campaign = |message: &str, numbers: serde_json::Value, starts_at: Option<i64>| json!({"name": "Promoção", "message": message, "numbers": numbers, "starts_at": starts_at});
    let refusals = [
        (
            campaign("Oi {{sobrenome}}", json!([number]), Some(tomorrow)),
            "template_invalid",
        ),
        (
            campaign("Oi", json!([theirs]), Some(tomorrow)),
            "number_unknown",
        ),
        (
            campaign("Oi", json!([number]), Some(now_ms() - 3_600_000)),
            "schedule_in_past",
        ),
        // Starting now needs a connected number.
        (campaign("Oi", json!([number]), None), "number_offline"),
    ];
    for (body, expected) in refusals {
        let (s, answer) = api.post(&path, &token, body.clone()).await;
        assert_eq!(code(&answer), expected, "{body}: {s}");
        assert!(
            s.is_client_error() || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
    }
    let (_, none) = api.get(&path, &token).await;
    assert_eq!(none, json!([]), "nothing written");

    let (s, made) = api
        .post(
            &path,
            &token,
            campaign(
                "Oi {{nome}}, {promoção|oferta} de pães!",
                json!([number]),
                Some(tomorrow),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(made["status"], "scheduled");
    assert_eq!(made["report"]["total"], 2);
    assert_eq!(made["pacing"]["daily_cap"], 200);
    let (_, listed) = api.get(&path, &token).await;
    assert_eq!(listed[0]["id"], made["id"]);
}

#[tokio::test]
async fn flows_are_listed_and_an_unpublished_one_is_refused() {
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), ALL).await;
    let (s, listed) = api.get(&format!("/api/accounts/{acc}/flows"), &token).await;
    assert_eq!((s, listed), (StatusCode::OK, json!([])));
    let (_, sent) = api
        .post(
            &format!("/api/accounts/{acc}/send"),
            &token,
            json!({"phone": "11987654321", "text": "Oi"}),
        )
        .await;
    let flow = zapdesk_core::ids::FlowId::new();
    let start = format!("/api/accounts/{acc}/flows/{flow}/start");
    let (s, answer) = api
        .post(&start, &token, json!({"contact_id": sent["contact_id"]}))
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::NOT_FOUND, "flow_unknown"),
        "{answer}"
    );
    let (s, answer) = api.post(&start, &token, json!({})).await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::BAD_REQUEST, "api_bad_request")
    );
    let (s, answer) = api
        .post(
            &start,
            &token,
            json!({"contact_id": zapdesk_core::ContactId::new()}),
        )
        .await;
    assert_eq!(
        (s, code(&answer)),
        (StatusCode::NOT_FOUND, "conversation_unknown")
    );
}

#[tokio::test]
async fn a_webhook_is_subscribed_listed_and_unsubscribed() {
    zapdesk_sync::testing::use_memory_keyring();
    let api = support::start().await;
    let acc = api.account("Padaria").await;
    let token = api.token(Some(acc), ALL).await;
    let read_only = api.token(Some(acc), &[Scope::Read]).await;
    let path = format!("/api/accounts/{acc}/webhooks");
    let body = json!({"url": "https://hooks.zapier.com/hooks/catch/1/abc", "events": ["message.received", "contact.created"]});
    let (s, _) = api.post(&path, &read_only, body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, made) = api.post(&path, &token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(made["webhook"]["format"], "zapdesk");
    assert!(made["secret"].as_str().unwrap().len() >= 32);
    let (s, bad) = api
        .post(
            &path,
            &token,
            json!({"url": "ftp://x", "events": ["message.received"]}),
        )
        .await;
    assert_eq!(
        (s, code(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "webhook_invalid")
    );
    let (_, listed) = api.get(&path, &read_only).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("secret").is_none());
    let id = made["webhook"]["id"].as_str().unwrap();
    let (s, _) = api
        .call(Method::DELETE, &format!("{path}/{id}"), Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, listed) = api.get(&path, &read_only).await;
    assert_eq!(listed, json!([]));
    let (s, gone) = api
        .call(Method::DELETE, &format!("{path}/{id}"), Some(&token), None)
        .await;
    assert_eq!((s, code(&gone)), (StatusCode::NOT_FOUND, "webhook_unknown"));
}
