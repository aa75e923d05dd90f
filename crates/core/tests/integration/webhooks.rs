//! Webhooks as stored: addresses and events checked, one account's never
//! seen from another, off and on, deleted with their log. The helpers at
//! the end are shared by `webhooks_events` and `webhooks_queue`.

use crate::support;

use serde_json::Value;
use zapdesk_core::ids::WebhookId;
use zapdesk_core::webhooks::{
    self, DISABLED_MANUAL, EventType, WebhookError, WebhookFormat, WebhookInput,
};
use zapdesk_core::{AccountId, ErrorCode, Lang, Store, UserError, contacts};

pub fn input(url: &str, events: &[EventType]) -> WebhookInput {
    WebhookInput {
        url: url.into(),
        events: events.to_vec(),
        format: WebhookFormat::Zapdesk,
    }
}

/// A webhook of `account` subscribed to every event.
pub async fn subscribe_all(store: &Store, account: AccountId) -> WebhookId {
    webhooks::create(
        store,
        account,
        &input("http://127.0.0.1:9/hook", &EventType::SUBSCRIBABLE),
    )
    .await
    .unwrap()
    .id
}

/// An event as stored: (type, data, has a contact, has a number).
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: i64,
    pub kind: String,
    pub data: Value,
    pub contact: Option<Vec<u8>>,
    pub instance: Option<Vec<u8>>,
}

/// The events after `after` (a seq), oldest first.
pub async fn events_after(raw: &sqlx::SqlitePool, after: i64) -> Vec<Stored> {
    type Row = (i64, String, String, Option<Vec<u8>>, Option<Vec<u8>>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, type, data, contact_id, instance_id FROM webhook_events WHERE seq > ? ORDER BY seq",
    )
    .bind(after)
    .fetch_all(raw)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(seq, kind, data, contact, instance)| Stored {
            seq,
            kind,
            data: serde_json::from_str(&data).unwrap(),
            contact,
            instance,
        })
        .collect()
}

pub async fn last_seq(raw: &sqlx::SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(max(seq), 0) FROM webhook_events")
        .fetch_one(raw)
        .await
        .unwrap()
}

fn code(e: WebhookError) -> ErrorCode {
    // Every refusal has words in both languages.
    assert!(!e.message(Lang::PtBr).is_empty() && !e.message(Lang::En).is_empty());
    e.code()
}

#[tokio::test]
async fn addresses_and_events_are_checked_and_stored_as_they_will_be_used() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let made = webhooks::create(
        &store,
        acc,
        &input(
            " HTTPS://Hooks.Zapier.com/hooks/catch/1/ab ",
            &[
                EventType::TagAdded,
                EventType::MessageReceived,
                EventType::TagAdded,
            ],
        ),
    )
    .await
    .unwrap();
    assert_eq!(made.url, "https://hooks.zapier.com/hooks/catch/1/ab");
    assert_eq!(
        made.events,
        [EventType::TagAdded, EventType::MessageReceived],
        "duplicates dropped, order kept"
    );
    assert!(made.enabled && made.failing_since.is_none() && made.disabled_at.is_none());
    assert_eq!(
        webhooks::list(&store, acc).await.unwrap(),
        std::slice::from_ref(&made)
    );

    for bad in [
        "ftp://x.com/a",
        "hooks.zapier.com/a",
        "http://",
        "",
        "javascript:alert(1)",
    ] {
        let e = webhooks::create(&store, acc, &input(bad, &[EventType::TagAdded]))
            .await
            .unwrap_err();
        assert_eq!(code(e), ErrorCode::WebhookInvalid, "{bad}");
    }
    let e = webhooks::create(&store, acc, &input("https://a.b/c", &[]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::WebhookInvalid);
    let e = webhooks::create(&store, acc, &input("https://a.b/c", &[EventType::Test]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::WebhookInvalid);
    // Evolution's format has names for messages and the number only.
    let evolution = |events: &[EventType]| WebhookInput {
        format: WebhookFormat::Evolution,
        ..input("http://localhost:8080/evo", events)
    };
    let e = webhooks::create(
        &store,
        acc,
        &evolution(&[EventType::MessageReceived, EventType::TagAdded]),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookInvalid);
    assert!(
        e.message(Lang::En).contains("tag.added"),
        "{}",
        e.message(Lang::En)
    );
    let evo = webhooks::create(
        &store,
        acc,
        &evolution(&[
            EventType::MessageReceived,
            EventType::MessageStatus,
            EventType::NumberStatus,
            EventType::NumberQr,
        ]),
    )
    .await
    .unwrap();
    assert_eq!(evo.format, WebhookFormat::Evolution);
    assert_eq!(webhooks::list(&store, acc).await.unwrap().len(), 2);

    // An update changes what it says and keeps the rest.
    let changed = webhooks::update(
        &store,
        acc,
        made.id,
        &input(
            "http://192.168.0.10:5678/webhook/x",
            &[EventType::ContactCreated],
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            changed.url.as_str(),
            changed.events.as_slice(),
            changed.created_at
        ),
        (
            "http://192.168.0.10:5678/webhook/x",
            &[EventType::ContactCreated][..],
            made.created_at
        )
    );
    let e = webhooks::update(
        &store,
        acc,
        made.id,
        &input("ftp://x", &[EventType::TagAdded]),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookInvalid);
    assert_eq!(webhooks::get(&store, acc, made.id).await.unwrap(), changed);
}

#[tokio::test]
async fn one_account_never_sees_or_changes_anothers_webhooks() {
    let (_dir, store) = support::store().await;
    let a = support::account(&store, "A").await;
    let b = support::account(&store, "B").await;
    let hook = subscribe_all(&store, a).await;
    assert!(webhooks::list(&store, b).await.unwrap().is_empty());
    let unknown = [
        webhooks::get(&store, b, hook).await.unwrap_err(),
        webhooks::update(
            &store,
            b,
            hook,
            &input("https://x.y/z", &[EventType::TagAdded]),
        )
        .await
        .unwrap_err(),
        webhooks::set_enabled(&store, b, hook, false)
            .await
            .unwrap_err(),
        webhooks::delete(&store, b, hook).await.unwrap_err(),
        webhooks::deliveries(&store, b, hook, None, 50)
            .await
            .unwrap_err(),
        webhooks::queue_test(&store, b, hook).await.unwrap_err(),
    ];
    for e in unknown {
        assert_eq!(code(e), ErrorCode::WebhookUnknown);
    }
    let test = webhooks::queue_test(&store, a, hook).await.unwrap();
    assert_eq!(
        code(webhooks::redeliver(&store, b, test.id).await.unwrap_err()),
        ErrorCode::WebhookDeliveryUnknown
    );
    // B's writes queue nothing for A's webhook, and A's webhook is intact.
    let raw_count = |store: &Store| {
        let store = store.clone();
        async move {
            webhooks::deliveries(&store, a, hook, None, 50)
                .await
                .unwrap()
                .len()
        }
    };
    contacts::create(
        &store,
        b,
        &contacts::ContactInput {
            phone: "+5511987650001".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(raw_count(&store).await, 1, "only A's test delivery");
    assert!(webhooks::get(&store, a, hook).await.unwrap().enabled);
}

#[tokio::test]
async fn off_and_on_again_and_a_delete_takes_the_log_along() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    let off = webhooks::set_enabled(&store, acc, hook, false)
        .await
        .unwrap();
    assert!(!off.enabled);
    assert_eq!(off.disabled_reason.as_deref(), Some(DISABLED_MANUAL));
    assert!(off.disabled_at.is_some());
    // Off twice: as it was.
    assert_eq!(
        webhooks::set_enabled(&store, acc, hook, false)
            .await
            .unwrap(),
        off
    );
    let on = webhooks::set_enabled(&store, acc, hook, true)
        .await
        .unwrap();
    assert!(on.enabled && on.disabled_at.is_none() && on.disabled_reason.is_none());

    webhooks::queue_test(&store, acc, hook).await.unwrap();
    let rows = |sql: &'static str| {
        let raw = raw.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&raw)
                .await
                .unwrap()
        }
    };
    assert_eq!(rows("SELECT count(*) FROM webhook_deliveries").await, 1);
    webhooks::delete(&store, acc, hook).await.unwrap();
    assert_eq!(rows("SELECT count(*) FROM webhook_deliveries").await, 0);
    assert_eq!(
        code(webhooks::get(&store, acc, hook).await.unwrap_err()),
        ErrorCode::WebhookUnknown
    );
    assert_eq!(
        code(webhooks::delete(&store, acc, hook).await.unwrap_err()),
        ErrorCode::WebhookUnknown
    );
    // An archived account takes no new webhook.
    zapdesk_core::accounts::set_archived(&store, acc, true)
        .await
        .unwrap();
    let e = webhooks::create(&store, acc, &input("https://a.b/c", &[EventType::TagAdded]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::AccountArchived);
}
