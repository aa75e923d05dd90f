//! The sender's queue with an injected clock: events fanned out to the
//! webhooks subscribed to them, one contact's events in order while others
//! go on, retries backing off with jitter until the day is over, a webhook
//! failing for a day turned off, "send again" and the test event, the
//! log's pages and its upkeep.

use crate::support;
use crate::webhooks::{input, subscribe_all};

use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::ids::{DeliveryId, WebhookId};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::webhooks::queue::{
    self, Attempt, Due, KEEP_MS, Outcome, Recorded, due, fan_out, next_due, record,
};
use zapdesk_core::webhooks::{self, DISABLED_FAILING, DeliveryStatus, EventType, RetryPolicy};
use zapdesk_core::{AccountId, ContactId, ErrorCode, Store, UserError};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

async fn contact(store: &Store, acc: AccountId, phone: &str) -> ContactId {
    contacts::create(
        store,
        acc,
        &ContactInput {
            phone: phone.into(),
            name: None,
        },
    )
    .await
    .unwrap()
    .id
}

fn attempt(d: &Due, outcome: Outcome) -> Attempt {
    Attempt {
        delivery: d.delivery,
        account: d.account,
        webhook: d.webhook,
        manual: d.manual,
        outcome,
        duration_ms: 12,
    }
}

fn failed(status: u16) -> Outcome {
    Outcome::Failed {
        status: Some(status),
        error: format!("HTTP {status}"),
    }
}

async fn delivery(store: &Store, acc: AccountId, id: DeliveryId) -> webhooks::Delivery {
    webhooks::delivery(store, acc, id).await.unwrap()
}

#[tokio::test]
async fn each_event_becomes_one_delivery_per_webhook_that_wants_it() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let policy = RetryPolicy::default();
    let a = support::account(&store, "A").await;
    let b = support::account(&store, "B").await;
    let all = subscribe_all(&store, a).await;
    let tags_only = webhooks::create(
        &store,
        a,
        &input("https://tags.example/h", &[EventType::TagAdded]),
    )
    .await
    .unwrap()
    .id;
    let of_b = subscribe_all(&store, b).await;
    let maria = contact(&store, a, "+5511987650001").await;
    let vip = tags::create(
        &store,
        a,
        &TagInput {
            name: "VIP".into(),
            color: "#000000".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&store, a, vip.id, &[maria], true)
        .await
        .unwrap();
    contact(&store, b, "+5511987650002").await;

    let now = now_ms();
    let out = fan_out(&store, now, &policy, 500).await.unwrap();
    assert_eq!((out.events, out.deliveries), (3, 4));
    let mut accounts = out.accounts.clone();
    accounts.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(accounts, expected);
    assert_eq!(
        fan_out(&store, now, &policy, 500).await.unwrap().events,
        0,
        "each event once"
    );
    let log = webhooks::deliveries(&store, a, all, None, 50)
        .await
        .unwrap();
    let types: Vec<EventType> = log.iter().map(|d| d.event_type).collect();
    assert_eq!(
        types,
        [EventType::TagAdded, EventType::ContactCreated],
        "newest first"
    );
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Pending
        && d.attempts == 0
        && !d.manual
        && d.next_attempt_at == Some(now)));
    let tag_log = webhooks::deliveries(&store, a, tags_only, None, 50)
        .await
        .unwrap();
    assert_eq!(tag_log.len(), 1);
    assert_eq!(
        tag_log[0].event_id, log[0].event_id,
        "one event, one id, two deliveries"
    );
    assert_eq!(
        webhooks::deliveries(&store, b, of_b, None, 50)
            .await
            .unwrap()
            .len(),
        1
    );
    // Tried until a day after the event.
    let windows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT d.give_up_at, e.created_at FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq")
            .fetch_all(&raw)
            .await
            .unwrap();
    assert!(windows.iter().all(|(give_up, at)| *give_up == at + DAY));

    // An event whose only webhook was turned off before the fan-out is dropped.
    contact(&store, b, "+5511987650003").await;
    webhooks::set_enabled(&store, b, of_b, false).await.unwrap();
    let out = fan_out(&store, now, &policy, 500).await.unwrap();
    assert_eq!((out.events, out.deliveries), (1, 0));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE fanned_out = 0")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        webhooks::deliveries(&store, b, of_b, None, 50)
            .await
            .unwrap()
            .len(),
        1
    );

    // What is due carries what the body is made of.
    let due_now = due(&store, now, 50, 8).await.unwrap();
    // B's webhook is off; Maria's tag waits behind her creation on `all`.
    assert_eq!(due_now.len(), 2, "{due_now:?}");
    let first = due_now
        .iter()
        .find(|d| d.webhook == all && d.event_type == "contact.created")
        .unwrap();
    assert_eq!(first.url, "http://127.0.0.1:9/hook");
    assert_eq!(first.event, log[1].event_id);
    let data: serde_json::Value = serde_json::from_str(&first.data).unwrap();
    assert_eq!(data["contact"]["id"], maria.to_string());
    assert!(
        due(&store, now - 1, 50, 8).await.unwrap().is_empty(),
        "not before its time"
    );
}

#[tokio::test]
async fn a_contacts_later_event_waits_for_an_earlier_one_and_others_go_on() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    subscribe_all(&store, acc).await;
    let maria = contact(&store, acc, "+5511987650001").await;
    contacts::update(
        &store,
        acc,
        maria,
        &ContactInput {
            phone: "+5511987650001".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    let joao = contact(&store, acc, "+5511987650002").await;
    let now = now_ms();
    fan_out(&store, now, &policy, 500).await.unwrap();

    let first = due(&store, now, 50, 8).await.unwrap();
    let who = |d: &[Due]| -> Vec<(String, String)> {
        d.iter()
            .map(|d| {
                let data: serde_json::Value = serde_json::from_str(&d.data).unwrap();
                (
                    d.event_type.clone(),
                    data["contact"]["phone"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        who(&first),
        [
            ("contact.created".to_owned(), "+5511987650001".to_owned()),
            ("contact.created".to_owned(), "+5511987650002".to_owned())
        ],
        "Maria's update waits behind her creation"
    );
    let _ = joao;
    // Maria's first fails: her update still waits; João's goes.
    let r = record(
        &store,
        &[
            attempt(&first[0], failed(500)),
            attempt(&first[1], Outcome::Delivered { status: 204 }),
        ],
        now,
        &policy,
    )
    .await
    .unwrap();
    assert_eq!(r.logs, [acc]);
    let retry = delivery(&store, acc, first[0].delivery).await;
    assert_eq!(retry.status, DeliveryStatus::Retrying);
    assert_eq!(
        retry.next_attempt_at,
        Some(now + policy.base_ms),
        "first wait: the base"
    );
    assert_eq!(
        (retry.last_status_code, retry.last_error.as_deref()),
        (Some(500), Some("HTTP 500"))
    );
    assert_eq!(
        delivery(&store, acc, first[1].delivery).await.status,
        DeliveryStatus::Delivered
    );
    assert!(
        due(&store, now + policy.base_ms - 1, 50, 8)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        next_due(&store, now).await.unwrap(),
        Some(now + policy.base_ms)
    );

    let later = now + policy.base_ms;
    let second = due(&store, later, 50, 8).await.unwrap();
    assert_eq!(
        who(&second),
        [("contact.created".to_owned(), "+5511987650001".to_owned())]
    );
    record(
        &store,
        &[attempt(&second[0], Outcome::Delivered { status: 200 })],
        later,
        &policy,
    )
    .await
    .unwrap();
    let third = due(&store, later, 50, 8).await.unwrap();
    assert_eq!(
        who(&third),
        [("contact.updated".to_owned(), "+5511987650001".to_owned())]
    );
    let done = delivery(&store, acc, second[0].delivery).await;
    assert_eq!(
        (done.status, done.attempts, done.delivered_at),
        (DeliveryStatus::Delivered, 2, Some(later))
    );
}

#[tokio::test]
async fn failures_back_off_with_jitter_until_the_day_is_over_then_give_up() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy {
        // Never turned off here: only the delivery's window counts.
        disable_after_ms: 30 * DAY,
        ..RetryPolicy::default()
    };
    let acc = support::account(&store, "Loja").await;
    subscribe_all(&store, acc).await;
    contact(&store, acc, "+5511987650001").await;
    let start = now_ms();
    fan_out(&store, start, &policy, 500).await.unwrap();
    let id = due(&store, start, 10, 8).await.unwrap()[0].delivery;
    let mut now = start;
    let mut attempts = 0;
    let mut waits = Vec::new();
    loop {
        let ready = due(&store, now, 10, 8).await.unwrap();
        assert_eq!(ready.len(), 1, "at {}", now - start);
        record(&store, &[attempt(&ready[0], failed(503))], now, &policy)
            .await
            .unwrap();
        attempts += 1;
        let d = delivery(&store, acc, id).await;
        assert_eq!(d.attempts, attempts);
        match d.status {
            DeliveryStatus::Retrying => {
                let next = d.next_attempt_at.unwrap();
                let (low, high) = policy.wait_range(attempts);
                assert!(
                    (now + low..=now + high).contains(&next),
                    "attempt {attempts}: waits {} not in [{low}, {high}]",
                    next - now
                );
                waits.push(next - now);
                now = next;
            }
            DeliveryStatus::Failed => {
                assert_eq!(d.next_attempt_at, None);
                break;
            }
            other => panic!("{other:?}"),
        }
        assert!(attempts < 200, "runaway");
    }
    // Tried for a day, never after it, with waits that grew to the cap.
    // (The event was written a moment before `start`.)
    assert!(
        now - start > DAY - policy.cap_ms - MIN,
        "gave up early: {}",
        now - start
    );
    assert!(
        now - start <= DAY,
        "tried after the window: {}",
        now - start
    );
    assert!(waits.iter().all(|w| *w <= policy.cap_ms));
    assert!(waits.iter().any(|w| *w > policy.cap_ms / 2), "{waits:?}");
    assert!(attempts > 20, "{attempts}");
    assert!(due(&store, now + DAY, 10, 8).await.unwrap().is_empty());
    assert_eq!(next_due(&store, now).await.unwrap(), None);
}

#[tokio::test]
async fn a_webhook_failing_for_a_day_is_turned_off_and_a_success_clears_the_count() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy {
        window_ms: 10 * DAY,
        ..RetryPolicy::default()
    };
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    for i in 0..3 {
        contact(&store, acc, &format!("+551198765000{i}")).await;
    }
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let ds = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(ds.len(), 3);
    let webhook = || webhooks::get(&store, acc, hook);

    let r = record(&store, &[attempt(&ds[0], failed(500))], t, &policy)
        .await
        .unwrap();
    assert_eq!(r.webhooks, [acc], "the screen shows the warning");
    assert_eq!(webhook().await.unwrap().failing_since, Some(t));
    // Another failure later keeps the first one's time.
    record(&store, &[attempt(&ds[1], failed(500))], t + HOUR, &policy)
        .await
        .unwrap();
    assert_eq!(webhook().await.unwrap().failing_since, Some(t));
    // A success clears it.
    let r = record(
        &store,
        &[attempt(&ds[2], Outcome::Delivered { status: 200 })],
        t + 2 * HOUR,
        &policy,
    )
    .await
    .unwrap();
    assert_eq!(r.webhooks, [acc]);
    assert_eq!(webhook().await.unwrap().failing_since, None);

    // Failing again from t + 3h, retried every hour: still on just before
    // a day, off at a day.
    let from = t + 3 * HOUR;
    for hour in 0..24 {
        let r = record(
            &store,
            &[attempt(&ds[hour % 2], failed(500))],
            from + hour as i64 * HOUR,
            &policy,
        )
        .await
        .unwrap();
        assert!(r.disabled.is_empty());
    }
    assert_eq!(webhook().await.unwrap().failing_since, Some(from));
    let r = record(
        &store,
        &[attempt(&ds[1], failed(500))],
        from + DAY - 1,
        &policy,
    )
    .await
    .unwrap();
    assert!(r.disabled.is_empty());
    assert!(webhook().await.unwrap().enabled);
    let r = record(&store, &[attempt(&ds[0], failed(500))], from + DAY, &policy)
        .await
        .unwrap();
    assert_eq!(r.disabled, [(acc, hook)]);
    assert_eq!(r.webhooks, [acc]);
    let off = webhook().await.unwrap();
    assert!(!off.enabled);
    assert_eq!(off.disabled_reason.as_deref(), Some(DISABLED_FAILING));
    assert_eq!(off.disabled_at, Some(from + DAY));
    // Off: nothing of it is due, and new events are not queued for it.
    assert!(
        due(&store, from + 20 * DAY, 10, 8)
            .await
            .unwrap()
            .is_empty()
    );
    contact(&store, acc, "+5511987650009").await;
    assert_eq!(
        fan_out(&store, from + DAY, &policy, 500)
            .await
            .unwrap()
            .events,
        0
    );
    // On again: what waited goes out.
    webhooks::set_enabled(&store, acc, hook, true)
        .await
        .unwrap();
    assert_eq!(webhook().await.unwrap().failing_since, None);
    assert_eq!(due(&store, from + 20 * DAY, 10, 8).await.unwrap().len(), 2);
}

#[tokio::test]
async fn send_again_and_the_test_event_go_at_once_once_even_while_off() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy {
        // Every automatic delivery gives up at its first failure here.
        window_ms: 0,
        ..RetryPolicy::default()
    };
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    let maria = contact(&store, acc, "+5511987650001").await;
    contacts::update(
        &store,
        acc,
        maria,
        &ContactInput {
            phone: "+5511987650001".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let first = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(first.len(), 1);
    record(&store, &[attempt(&first[0], failed(500))], t, &policy)
        .await
        .unwrap();
    let gone = delivery(&store, acc, first[0].delivery).await;
    assert_eq!(gone.status, DeliveryStatus::Failed);

    // Maria's update is still waiting; sending her creation again goes
    // ahead of it, at once, outside her order.
    let again = webhooks::redeliver(&store, acc, gone.id).await.unwrap();
    assert!(again.manual);
    assert_eq!(again.status, DeliveryStatus::Pending);
    assert_eq!(
        again.event_id, gone.event_id,
        "the same event: the receiver dedupes on it"
    );
    assert_ne!(again.id, gone.id);
    let now = now_ms();
    let ready = due(&store, now, 10, 8).await.unwrap();
    let mut ids: Vec<DeliveryId> = ready.iter().map(|d| d.delivery).collect();
    ids.sort();
    assert_eq!(ids.len(), 2, "the update and the redelivery");
    let manual = ready.iter().find(|d| d.delivery == again.id).unwrap();
    // One attempt: a failure gives up at once, and is not counted against the webhook.
    record(&store, &[attempt(manual, failed(502))], now, &policy)
        .await
        .unwrap();
    let tried = delivery(&store, acc, again.id).await;
    assert_eq!((tried.status, tried.attempts), (DeliveryStatus::Failed, 1));
    assert_eq!(
        webhooks::get(&store, acc, hook)
            .await
            .unwrap()
            .failing_since,
        Some(t)
    );

    // Off: the test event still goes (an address tried before it is turned on).
    webhooks::set_enabled(&store, acc, hook, false)
        .await
        .unwrap();
    let test = webhooks::queue_test(&store, acc, hook).await.unwrap();
    assert_eq!((test.event_type, test.manual), (EventType::Test, true));
    let ready = due(&store, now_ms(), 10, 8).await.unwrap();
    assert_eq!(
        ready.len(),
        1,
        "only the test: the rest waits for the webhook"
    );
    assert_eq!(ready[0].delivery, test.id);
    let data: serde_json::Value = serde_json::from_str(&ready[0].data).unwrap();
    assert_eq!(data["webhook_id"], hook.to_string());
    record(
        &store,
        &[attempt(&ready[0], Outcome::Delivered { status: 200 })],
        now_ms(),
        &policy,
    )
    .await
    .unwrap();
    assert_eq!(
        delivery(&store, acc, test.id).await.status,
        DeliveryStatus::Delivered
    );
    assert_eq!(
        webhooks::get(&store, acc, hook)
            .await
            .unwrap()
            .failing_since,
        Some(t),
        "a test event's 2xx does not clear the real deliveries' failures"
    );

    // The log pages newest first by seq.
    let all = webhooks::deliveries(&store, acc, hook, None, 50)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq));
    let page1 = webhooks::deliveries(&store, acc, hook, None, 3)
        .await
        .unwrap();
    let page2 = webhooks::deliveries(&store, acc, hook, Some(page1[2].seq), 3)
        .await
        .unwrap();
    assert_eq!([page1, page2].concat(), all);

    let e = webhooks::redeliver(&store, acc, DeliveryId::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookDeliveryUnknown);
}

#[tokio::test]
async fn attempts_of_a_deleted_webhook_are_ignored_and_old_lines_are_pruned() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    let kept = subscribe_all(&store, acc).await;
    let doomed: WebhookId = subscribe_all(&store, acc).await;
    contact(&store, acc, "+5511987650001").await;
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let ready = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(ready.len(), 2);
    let of = |w: WebhookId| ready.iter().find(|d| d.webhook == w).unwrap();
    webhooks::delete(&store, acc, doomed).await.unwrap();
    let r = record(&store, &[attempt(of(doomed), failed(500))], t, &policy)
        .await
        .unwrap();
    assert_eq!(r, Recorded::default());
    record(
        &store,
        &[attempt(of(kept), Outcome::Delivered { status: 200 })],
        t,
        &policy,
    )
    .await
    .unwrap();

    let count = |sql: &'static str| {
        let raw = raw.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&raw)
                .await
                .unwrap()
        }
    };
    // Kept a week; the event goes with its last line.
    assert_eq!(
        queue::prune(&store, t + KEEP_MS - 1, KEEP_MS)
            .await
            .unwrap(),
        0
    );
    assert_eq!(count("SELECT count(*) FROM webhook_events").await, 1);
    assert_eq!(
        queue::prune(&store, t + KEEP_MS + 1, KEEP_MS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(count("SELECT count(*) FROM webhook_deliveries").await, 0);
    assert_eq!(count("SELECT count(*) FROM webhook_events").await, 0);
    // A delivery still waiting is never pruned.
    contact(&store, acc, "+5511987650002").await;
    fan_out(&store, t, &policy, 500).await.unwrap();
    assert_eq!(
        queue::prune(&store, t + 100 * DAY, KEEP_MS).await.unwrap(),
        0
    );
    assert_eq!(count("SELECT count(*) FROM webhook_deliveries").await, 1);
}

#[tokio::test]
async fn a_quiet_spell_is_no_failure_and_only_real_deliveries_clear_it() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy {
        window_ms: 10 * DAY,
        ..RetryPolicy::default()
    };
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    for i in 0..3 {
        contact(&store, acc, &format!("+551198765000{i}")).await;
    }
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let ds = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(ds.len(), 3);
    let webhook = || webhooks::get(&store, acc, hook);

    // One failure on Friday, then nothing (the app closed) until Monday: the
    // next failure starts a new run instead of turning the webhook off.
    record(&store, &[attempt(&ds[0], failed(500))], t, &policy)
        .await
        .unwrap();
    let monday = t + 3 * DAY;
    let r = record(&store, &[attempt(&ds[1], failed(500))], monday, &policy)
        .await
        .unwrap();
    assert!(
        r.disabled.is_empty(),
        "a weekend closed is not a day of failures"
    );
    let w = webhook().await.unwrap();
    assert!(w.enabled);
    assert_eq!(w.failing_since, Some(monday));
    assert_eq!(r.webhooks, [acc], "the warning's time moved");
    // Failures within the backoff's reach keep the run.
    let soon = monday + policy.failing_gap_ms();
    record(&store, &[attempt(&ds[0], failed(500))], soon, &policy)
        .await
        .unwrap();
    assert_eq!(webhook().await.unwrap().failing_since, Some(monday));

    // A test event answered 2xx does not clear it.
    let test = webhooks::queue_test(&store, acc, hook).await.unwrap();
    let manual = due(&store, now_ms().max(soon), 10, 8)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.delivery == test.id)
        .unwrap();
    record(
        &store,
        &[attempt(&manual, Outcome::Delivered { status: 200 })],
        soon + 1,
        &policy,
    )
    .await
    .unwrap();
    assert_eq!(webhook().await.unwrap().failing_since, Some(monday));
    // A real delivery's 2xx does.
    record(
        &store,
        &[attempt(&ds[2], Outcome::Delivered { status: 200 })],
        soon + 2,
        &policy,
    )
    .await
    .unwrap();
    assert_eq!(webhook().await.unwrap().failing_since, None);
}

#[tokio::test]
async fn send_again_on_a_waiting_delivery_hurries_it_in_its_place_without_a_copy() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    let maria = contact(&store, acc, "+5511987650001").await;
    contacts::update(
        &store,
        acc,
        maria,
        &ContactInput {
            phone: "+5511987650001".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap();
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let created = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(created.len(), 1);
    record(&store, &[attempt(&created[0], failed(500))], t, &policy)
        .await
        .unwrap();
    let retrying = delivery(&store, acc, created[0].delivery).await;
    assert_eq!(retrying.status, DeliveryStatus::Retrying);
    assert!(retrying.next_attempt_at.unwrap() >= t + policy.base_ms);

    // Sent again while retrying: the same delivery, due now, no copy.
    let again = webhooks::redeliver(&store, acc, retrying.id).await.unwrap();
    assert_eq!(again.id, retrying.id);
    assert!(!again.manual);
    let now = now_ms();
    assert!(again.next_attempt_at.unwrap() <= now);
    assert_eq!(
        webhooks::deliveries(&store, acc, hook, None, 50)
            .await
            .unwrap()
            .len(),
        2,
        "no copy"
    );
    let ready = due(&store, now, 10, 8).await.unwrap();
    assert_eq!(ready.len(), 1, "still in Maria's order: {ready:?}");
    assert_eq!(ready[0].delivery, retrying.id);

    // Its 2xx ends it, and Maria's update goes next: nothing left behind.
    record(
        &store,
        &[attempt(&ready[0], Outcome::Delivered { status: 200 })],
        now,
        &policy,
    )
    .await
    .unwrap();
    let next = due(&store, now, 10, 8).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].event_type, "contact.updated");
    // A pending one (never tried) sent again is also hurried, not copied.
    let pending = webhooks::redeliver(&store, acc, next[0].delivery)
        .await
        .unwrap();
    assert_eq!(pending.id, next[0].delivery);
    assert_eq!(
        webhooks::deliveries(&store, acc, hook, None, 50)
            .await
            .unwrap()
            .len(),
        2
    );
    // Delivered: sent again as a copy, one attempt, outside the order.
    let copy = webhooks::redeliver(&store, acc, retrying.id).await.unwrap();
    assert_ne!(copy.id, retrying.id);
    assert!(copy.manual);
}

#[tokio::test]
async fn a_webhook_with_a_backlog_never_crowds_out_the_others() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    let other = support::account(&store, "Outra").await;
    let busy = webhooks::create(
        &store,
        acc,
        &input("https://slow.example/h", &[EventType::ContactCreated]),
    )
    .await
    .unwrap()
    .id;
    let quiet = webhooks::create(
        &store,
        other,
        &input("https://fast.example/h", &[EventType::ContactCreated]),
    )
    .await
    .unwrap()
    .id;
    // The busy webhook's twenty events are all older than the quiet one's.
    for i in 0..20 {
        contact(&store, acc, &format!("+55119876500{i:02}")).await;
    }
    contact(&store, other, "+5511987659999").await;
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let ready = due(&store, t, 5, 2).await.unwrap();
    let of = |w: WebhookId| ready.iter().filter(|d| d.webhook == w).count();
    assert_eq!((of(busy), of(quiet)), (2, 1), "{ready:?}");
}

#[tokio::test]
async fn a_qr_is_tried_for_a_minute_outside_its_numbers_order() {
    let (_dir, store) = support::store().await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    let number = support::number(&store, acc, "Vendas", false).await;
    subscribe_all(&store, acc).await;
    assert!(
        webhooks::record_qr(&store, acc, number, "data:image/png;base64,AA==", "2@a")
            .await
            .unwrap()
    );
    zapdesk_core::instances::set_status(
        &store,
        acc,
        number,
        zapdesk_core::domain::InstanceStatus::Connected,
        None,
        None,
    )
    .await
    .unwrap();
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    // Both at once: the QR does not hold the number's status back.
    let ready = due(&store, t, 10, 8).await.unwrap();
    let kinds: Vec<&str> = ready.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(kinds, ["number.qr", "number.status"]);
    let qr = &ready[0];
    // Failing, it is given up within a minute of its event, not a day.
    record(&store, &[attempt(qr, failed(500))], t, &policy)
        .await
        .unwrap();
    let mut now = t;
    loop {
        let d = delivery(&store, acc, qr.delivery).await;
        if d.status == DeliveryStatus::Failed {
            break;
        }
        now = d.next_attempt_at.unwrap();
        assert!(now <= qr.event_at + queue::QR_WINDOW_MS, "tried too late");
        let again = due(&store, now, 10, 8).await.unwrap();
        let again = again.iter().find(|d| d.delivery == qr.delivery).unwrap();
        record(&store, &[attempt(again, failed(500))], now, &policy)
            .await
            .unwrap();
    }
    assert!(now - t < 2 * MIN);
}

#[tokio::test]
async fn a_turned_off_webhooks_old_deliveries_end_and_pruning_goes_in_batches() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let policy = RetryPolicy::default();
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    contact(&store, acc, "+5511987650001").await;
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    webhooks::set_enabled(&store, acc, hook, false)
        .await
        .unwrap();
    // Within its window it keeps waiting (turned on again, it goes).
    queue::prune(&store, t + HOUR, KEEP_MS).await.unwrap();
    let log = webhooks::deliveries(&store, acc, hook, None, 10)
        .await
        .unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Pending);
    // Past it, it ends.
    queue::prune(&store, t + 2 * DAY, KEEP_MS).await.unwrap();
    let log = webhooks::deliveries(&store, acc, hook, None, 10)
        .await
        .unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Failed);
    assert_eq!(log[0].next_attempt_at, None);
    assert!(log[0].last_error.as_deref().unwrap().contains("off"));

    // More finished lines than one batch: all pruned, events with them.
    let seq: i64 = sqlx::query_scalar("SELECT max(seq) FROM webhook_events")
        .fetch_one(&raw)
        .await
        .unwrap();
    let many = queue::PRUNE_BATCH * 2 + 7;
    for _ in 0..many {
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, account_id, webhook_id, event_seq, status, give_up_at, created_at)
             SELECT randomblob(16), account_id, webhook_id, event_seq, 'delivered', give_up_at, created_at
             FROM webhook_deliveries WHERE event_seq = ? LIMIT 1",
        )
        .bind(seq)
        .execute(&raw)
        .await
        .unwrap();
    }
    let removed = queue::prune(&store, t + 30 * DAY, KEEP_MS).await.unwrap();
    assert_eq!(removed, many as u64 + 1);
    let left: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM webhook_deliveries), (SELECT count(*) FROM webhook_events)",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(left, (0, 0));
}

/// A synced webhook whose secret (or latest rotation) has not reached this
/// desktop: its deliveries wait, retried with the backoff, and that is no
/// failure of the receiver — a day of it never turns the webhook off (which
/// would turn it off on every desktop: `enabled` syncs). When the secret
/// arrives, what waited for it is due at once; deliveries failing for
/// another reason keep their backoff.
#[tokio::test]
async fn waiting_for_the_secret_is_no_failure_and_its_arrival_sends_at_once() {
    use zapdesk_core::webhooks::secret_versions;

    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let policy = RetryPolicy {
        window_ms: 10 * DAY,
        ..RetryPolicy::default()
    };
    let acc = support::account(&store, "Loja").await;
    let hook = subscribe_all(&store, acc).await;
    assert!(secret_versions::ready(&store, acc, hook).await.unwrap());
    // Rotated on another desktop, pulled here: version 2 signs now, this
    // desktop keeps version 1.
    sqlx::query("UPDATE webhooks SET secret_version = 2 WHERE id = ?")
        .bind(hook)
        .execute(&raw)
        .await
        .unwrap();
    assert!(!secret_versions::ready(&store, acc, hook).await.unwrap());
    for i in 0..2 {
        contact(&store, acc, &format!("+551198765000{i}")).await;
    }
    let t = now_ms();
    fan_out(&store, t, &policy, 500).await.unwrap();
    let ds = due(&store, t, 10, 8).await.unwrap();
    assert_eq!(ds.len(), 2);
    let waiting = || Outcome::Waiting {
        error: queue::SECRET_NOT_HERE.to_owned(),
    };
    // Waiting for longer than the day that turns a failing webhook off.
    for hour in 0..=25 {
        let r = record(
            &store,
            &[attempt(&ds[0], waiting())],
            t + hour * HOUR,
            &policy,
        )
        .await
        .unwrap();
        assert!(r.disabled.is_empty());
        assert!(r.webhooks.is_empty(), "no warning on the webhook");
    }
    // The other one's receiver fails for real: that counts.
    record(&store, &[attempt(&ds[1], failed(500))], t, &policy)
        .await
        .unwrap();
    let webhook = webhooks::get(&store, acc, hook).await.unwrap();
    assert!(webhook.enabled, "a wait for the secret turns nothing off");
    assert_eq!(webhook.failing_since, Some(t), "only the real failure");
    let first = delivery(&store, acc, ds[0].delivery).await;
    assert_eq!(first.status, DeliveryStatus::Retrying);
    assert_eq!(first.last_error.as_deref(), Some(queue::SECRET_NOT_HERE));
    assert!(first.next_attempt_at.unwrap() > t + 25 * HOUR);
    let failing_next = delivery(&store, acc, ds[1].delivery).await.next_attempt_at;

    // The secret arrives: the delivery that waited for it is due now.
    secret_versions::fetched(&store, acc, hook, 2)
        .await
        .unwrap();
    assert!(secret_versions::ready(&store, acc, hook).await.unwrap());
    let now = now_ms();
    let first = delivery(&store, acc, ds[0].delivery).await;
    assert!(first.next_attempt_at.unwrap() <= now);
    assert_eq!(
        delivery(&store, acc, ds[1].delivery).await.next_attempt_at,
        failing_next,
        "a receiver's failure keeps its backoff"
    );
    let ready: Vec<DeliveryId> = due(&store, now, 10, 8)
        .await
        .unwrap()
        .iter()
        .map(|d| d.delivery)
        .collect();
    assert_eq!(ready, [ds[0].delivery]);
    // A fetch of an older version never moves what this desktop keeps back.
    secret_versions::fetched(&store, acc, hook, 1)
        .await
        .unwrap();
    assert_eq!(
        secret_versions::kept(&store, acc, hook).await.unwrap(),
        Some(2)
    );
}
