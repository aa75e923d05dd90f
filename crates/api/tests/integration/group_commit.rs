//! `POST /send`'s group commit: concurrent sends written in one transaction.
//! A batch is gathered on purpose: the writer is held at the commit of a
//! first send's batch (a hook) while the next requests join the queue, so
//! they all go in the next one. Inside a batch, one key twice is one
//! message, a refused send leaves the others queued, and no request is
//! answered before its batch is committed (a commit that fails answers none
//! as queued).

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;
use zapdesk_api::config::Commit;
use zapdesk_api::{ApiConfig, Hooks};
use zapdesk_core::accounts::Plan;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::plans::{self, PlanLimits};
use zapdesk_core::{AccountId, Store};

use crate::support::{self, code};

/// The writer's batches, held at their commit until the test says.
struct Gate {
    /// Each batch's number of sends, when it reaches its commit.
    batches: mpsc::UnboundedReceiver<usize>,
    /// Commit (`true`) or fail (`false`) the batch held.
    commit: mpsc::UnboundedSender<bool>,
    /// One for each send that joined the queue.
    queued: mpsc::UnboundedReceiver<()>,
}

fn gated() -> (ApiConfig, Gate) {
    let (reached, batches) = mpsc::unbounded_channel();
    let (commit, decisions) = mpsc::unbounded_channel::<bool>();
    let decisions = Arc::new(Mutex::new(decisions));
    let (joined, queued) = mpsc::unbounded_channel();
    let hooks = Hooks {
        before_commit: Some(Arc::new(move |size| -> Commit {
            reached.send(size).unwrap();
            let decisions = Arc::clone(&decisions);
            Box::pin(async move { decisions.lock().await.recv().await.unwrap_or(true) })
        })),
        send_queued: Some(Arc::new(move || {
            let _ = joined.send(());
        })),
        ..Hooks::default()
    };
    let config = ApiConfig {
        hooks,
        ..support::config()
    };
    (
        config,
        Gate {
            batches,
            commit,
            queued,
        },
    )
}

impl Gate {
    /// Waits for `n` sends to have joined the queue.
    async fn joined(&mut self, n: usize) {
        for _ in 0..n {
            self.queued.recv().await.unwrap();
        }
    }

    async fn next_batch(&mut self) -> usize {
        self.batches.recv().await.unwrap()
    }
}

/// A send in a task of its own: it stays in flight while the test goes on.
fn spawn_send(
    api: &support::Api,
    account: AccountId,
    token: &str,
    key: Option<&str>,
    body: Value,
) -> JoinHandle<(StatusCode, Value)> {
    let mut request = api
        .http
        .post(format!("{}/api/accounts/{account}/send", api.base))
        .bearer_auth(token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    tokio::spawn(async move { support::read(request.send().await.unwrap()).await })
}

async fn outbound(store: &Store, account: AccountId) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM messages WHERE account_id = ? AND direction = 'outbound'",
    )
    .bind(account)
    .fetch_one(store.pool_for_sync())
    .await
    .unwrap()
}

const ANA: &str = "+5511987654321";
const BIA: &str = "+5511987654322";

/// An account with a number and two contacts who already have a
/// conversation on it (their first sends, made alone: new contacts), so the
/// next sends to them settle with reads and go through the group commit.
async fn talking(api: &support::Api) -> (AccountId, String) {
    let acc = api.account("Padaria").await;
    api.number(acc, "Balcão").await;
    let token = api.token(Some(acc), &[Scope::Send, Scope::Read]).await;
    for phone in [ANA, BIA] {
        let (s, body) = api
            .post(
                &format!("/api/accounts/{acc}/send"),
                &token,
                json!({"phone": phone, "text": "Olá!"}),
            )
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    }
    (acc, token)
}

#[tokio::test]
async fn one_key_twice_in_a_batch_is_one_message_and_another_request_under_it_is_refused() {
    let (config, mut gate) = gated();
    let api = support::start_with(config).await;
    let (acc, token) = talking(&api).await;

    // The first send's batch is held at its commit.
    let first = spawn_send(
        &api,
        acc,
        &token,
        None,
        json!({"phone": ANA, "text": "Primeira"}),
    );
    assert_eq!(gate.next_batch().await, 1);
    gate.joined(1).await;
    // Meanwhile: the same request twice under one key, another request
    // under that key, and a send without a key.
    let order = json!({"phone": BIA, "text": "Pedido #7 saiu para entrega."});
    let twice = [
        spawn_send(&api, acc, &token, Some("pedido-7"), order.clone()),
        spawn_send(&api, acc, &token, Some("pedido-7"), order),
    ];
    let other = spawn_send(
        &api,
        acc,
        &token,
        Some("pedido-7"),
        json!({"phone": BIA, "text": "Outro pedido"}),
    );
    let plain = spawn_send(
        &api,
        acc,
        &token,
        None,
        json!({"phone": ANA, "text": "Sem chave"}),
    );
    gate.joined(4).await;
    gate.commit.send(true).unwrap();
    assert_eq!(
        gate.next_batch().await,
        4,
        "the four waiting sends in one batch"
    );
    gate.commit.send(true).unwrap();

    let (s, body) = first.await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    let (s, body) = plain.await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    let mut answers = Vec::new();
    for send in twice {
        answers.push(send.await.unwrap());
    }
    let (other_status, other_body) = other.await.unwrap();
    // Whichever request claimed the key first in the batch is the message;
    // the other request under the key is refused.
    if answers[0].0 == StatusCode::ACCEPTED {
        assert_eq!(answers[1].0, StatusCode::ACCEPTED, "{}", answers[1].1);
        assert_eq!(answers[0].1["message"]["id"], answers[1].1["message"]["id"]);
        assert_eq!(
            answers[0].1["message"]["body"],
            "Pedido #7 saiu para entrega."
        );
        assert_eq!(
            (other_status, code(&other_body)),
            (StatusCode::CONFLICT, "api_idempotency_conflict")
        );
    } else {
        assert_eq!(other_status, StatusCode::ACCEPTED, "{other_body}");
        for (s, body) in &answers {
            assert_eq!(
                (*s, code(body)),
                (StatusCode::CONFLICT, "api_idempotency_conflict")
            );
        }
    }
    // Two first sends, the held one, the one without a key, one under the key.
    assert_eq!(outbound(api.store(), acc).await, 5);

    // Asked again later, the key still names its message.
    let retried = if answers[0].0 == StatusCode::ACCEPTED {
        json!({"phone": BIA, "text": "Pedido #7 saiu para entrega."})
    } else {
        json!({"phone": BIA, "text": "Outro pedido"})
    };
    let again = spawn_send(&api, acc, &token, Some("pedido-7"), retried);
    assert_eq!(gate.next_batch().await, 1);
    gate.commit.send(true).unwrap();
    let (s, body) = again.await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    assert_eq!(outbound(api.store(), acc).await, 5);
    api.stop().await;
}

#[tokio::test]
async fn a_send_refused_inside_a_batch_leaves_the_others_queued() {
    let (config, mut gate) = gated();
    let api = support::start_with(config).await;
    let (acc, token) = talking(&api).await;
    // Room for the held send and two more this month: the third of the
    // batch is refused by the plan inside the batch's transaction.
    plans::set_defaults(
        api.store(),
        Plan::Starter,
        &PlanLimits {
            messages: Some(5),
            ..PlanLimits::default()
        },
    )
    .await
    .unwrap();

    let first = spawn_send(
        &api,
        acc,
        &token,
        None,
        json!({"phone": ANA, "text": "Primeira"}),
    );
    assert_eq!(gate.next_batch().await, 1);
    gate.joined(1).await;
    let batch: Vec<_> = (0..3)
        .map(|i| {
            spawn_send(
                &api,
                acc,
                &token,
                Some(&format!("lote-{i}")),
                json!({"phone": BIA, "text": format!("Mensagem {i}")}),
            )
        })
        .collect();
    // A request refused before it joins the queue (an empty text) is
    // answered on its own meanwhile.
    let (s, body) = api
        .post(
            &format!("/api/accounts/{acc}/send"),
            &token,
            json!({"phone": BIA, "text": "   "}),
        )
        .await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "message_empty")
    );
    gate.joined(3).await;
    gate.commit.send(true).unwrap();
    assert_eq!(gate.next_batch().await, 3);
    gate.commit.send(true).unwrap();

    assert_eq!(first.await.unwrap().0, StatusCode::ACCEPTED);
    let mut queued = 0;
    let mut refused_key = None;
    for (i, send) in batch.into_iter().enumerate() {
        let (s, body) = send.await.unwrap();
        match s {
            StatusCode::ACCEPTED => queued += 1,
            StatusCode::CONFLICT => {
                assert_eq!(code(&body), "plan_limit_reached", "{body}");
                refused_key = Some(i);
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(queued, 2, "the others of the batch are queued");
    assert_eq!(outbound(api.store(), acc).await, 5);

    // The refused send's key was released with its savepoint: under a
    // bigger plan, the same key with a corrected request goes.
    let i = refused_key.unwrap();
    plans::set_defaults(
        api.store(),
        Plan::Starter,
        &PlanLimits {
            messages: Some(1000),
            ..PlanLimits::default()
        },
    )
    .await
    .unwrap();
    let corrected = spawn_send(
        &api,
        acc,
        &token,
        Some(&format!("lote-{i}")),
        json!({"phone": BIA, "text": "Mensagem corrigida"}),
    );
    assert_eq!(gate.next_batch().await, 1);
    gate.commit.send(true).unwrap();
    let (s, body) = corrected.await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["message"]["body"], "Mensagem corrigida");
    assert_eq!(outbound(api.store(), acc).await, 6);
    api.stop().await;
}

#[tokio::test]
async fn no_send_is_answered_before_its_batch_is_committed() {
    let (config, mut gate) = gated();
    let api = support::start_with(config).await;
    let (acc, token) = talking(&api).await;
    assert_eq!(outbound(api.store(), acc).await, 2);

    let first = spawn_send(
        &api,
        acc,
        &token,
        None,
        json!({"phone": ANA, "text": "Primeira"}),
    );
    assert_eq!(gate.next_batch().await, 1);
    gate.joined(1).await;
    let held = [
        spawn_send(
            &api,
            acc,
            &token,
            Some("a"),
            json!({"phone": ANA, "text": "A"}),
        ),
        spawn_send(&api, acc, &token, None, json!({"phone": BIA, "text": "B"})),
    ];
    gate.joined(2).await;
    gate.commit.send(true).unwrap();
    // The batch is written and held before its commit: nothing of it is in
    // the store for anyone else, and it has not been answered.
    assert_eq!(gate.next_batch().await, 2);
    assert_eq!(outbound(api.store(), acc).await, 3);
    assert!(held.iter().all(|send| !send.is_finished()));
    // Its commit fails (as a crash there would end it): no request of it
    // is told its message was queued.
    gate.commit.send(false).unwrap();
    assert_eq!(first.await.unwrap().0, StatusCode::ACCEPTED);
    for send in held {
        let (s, body) = send.await.unwrap();
        assert_eq!(
            (s, code(&body)),
            (StatusCode::INTERNAL_SERVER_ERROR, "database_failed")
        );
    }
    assert_eq!(
        outbound(api.store(), acc).await,
        3,
        "nothing of it was kept"
    );

    // The writer goes on; the client's retry under its key is queued.
    let retry = spawn_send(
        &api,
        acc,
        &token,
        Some("a"),
        json!({"phone": ANA, "text": "A"}),
    );
    assert_eq!(gate.next_batch().await, 1);
    gate.commit.send(true).unwrap();
    let (s, body) = retry.await.unwrap();
    assert_eq!(s, StatusCode::ACCEPTED, "{body}");
    assert_eq!(outbound(api.store(), acc).await, 4);
    api.stop().await;
}
