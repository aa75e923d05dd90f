//! The runner's outside calls, against real local servers: a call holds up
//! only its own conversation (and that contact's next message waits for its
//! answer), a call that never answers takes the error branch at the node's
//! time limit, the AI node answers with the model's text or hands off, a
//! call cut by a stop is answered "interrupted" once by the next runner and
//! never sent twice, calls one after another are each made at once, and a
//! stale look at calls never fails a call that is under way.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, http::StatusCode};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use zapdesk_automation::{Caller, RunnerTiming, keep_ai_key};
use zapdesk_core::automation::engine::CallOutcome;
use zapdesk_core::automation::{call_key, run};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::ids::SessionId;
use zapdesk_core::time::now_ms;

use crate::ai::{KEY, fake_openai};
use crate::bot::{Bot, JOAO, MARIA, WAIT, ai, bot, bot_waiting, doc, end, http, menu, send};
use crate::server::Server;

/// A third contact.
const ANA: &str = "+5511955554444";

/// A server whose `/pedido` tells the test each request that arrived (with
/// its `Idempotency-Key`) and answers each with the JSON the test sends,
/// when it sends it; `/nunca` never answers.
struct Held {
    server: Server,
    arrived: mpsc::UnboundedReceiver<Option<String>>,
    answers: mpsc::UnboundedSender<Value>,
}

struct HeldState {
    arrived: mpsc::UnboundedSender<Option<String>>,
    answers: Mutex<mpsc::UnboundedReceiver<Value>>,
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn held_server() -> Held {
    let (arrived_tx, arrived) = mpsc::unbounded_channel();
    let (answers, answers_rx) = mpsc::unbounded_channel();
    let state = Arc::new(HeldState {
        arrived: arrived_tx,
        answers: Mutex::new(answers_rx),
    });
    let router = Router::new()
        .route(
            "/pedido",
            get(
                |State(s): State<Arc<HeldState>>, headers: HeaderMap| async move {
                    let _ = s.arrived.send(idempotency_key(&headers));
                    match s.answers.lock().await.recv().await {
                        Some(answer) => (StatusCode::OK, Json(answer)),
                        None => (StatusCode::SERVICE_UNAVAILABLE, Json(Value::Null)),
                    }
                },
            ),
        )
        .route(
            "/nunca",
            get(
                |State(s): State<Arc<HeldState>>, headers: HeaderMap| async move {
                    let _ = s.arrived.send(idempotency_key(&headers));
                    std::future::pending::<()>().await;
                    StatusCode::OK
                },
            ),
        )
        .with_state(state);
    Held {
        server: Server::start(router).await,
        arrived,
        answers,
    }
}

impl Held {
    /// Waits for the next request to arrive; its `Idempotency-Key`.
    async fn arrival(&mut self) -> Option<String> {
        tokio::time::timeout(WAIT, self.arrived.recv())
            .await
            .expect("a request arrived")
            .unwrap()
    }
}

/// A text custom field of the account; its key.
async fn text_field(b: &Bot, label: &str) -> String {
    fields::create(
        &b.store,
        b.acc,
        &FieldInput {
            label: label.into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        },
    )
    .await
    .unwrap()
    .key
}

/// `send "Vou consultar seu pedido." → GET url → next: OK / error: ERRO`;
/// the answer's `/status` saved in `field`.
async fn lookup_flow(b: &Bot, url: &str, timeout_ms: u32, field: &str) {
    b.settings(|s| s.allow_private_http = true).await;
    let flow = b
        .publish(
            "Pedido",
            doc(
                "a",
                vec![
                    send("a", "Vou consultar seu pedido."),
                    http("h", url, timeout_ms, &[("/status", field)]),
                    send("ok", &format!("Seu pedido está {{{{{field}}}}}.")),
                    menu("menu", "Mais alguma coisa?", &["Horários", "Endereço"]),
                    send("hours", "Abrimos às 8h."),
                    send("where", "Rua das Flores, 10."),
                    send("err", "ERRO"),
                    end("end"),
                ],
                vec![
                    ("a", "next", "h"),
                    ("h", "next", "ok"),
                    ("h", "error", "err"),
                    ("ok", "next", "menu"),
                    ("menu", "option:a", "hours"),
                    ("menu", "option:b", "where"),
                    ("menu", "other", "end"),
                ],
            ),
        )
        .await;
    b.starts("pedido", flow).await;
    b.replies("oi", "Olá!").await;
}

const ASKED: &str = "Vou consultar seu pedido.";

async fn queued(b: &Bot) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM automation_queue")
        .fetch_one(&b.raw)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_slow_call_holds_up_only_its_own_conversation() {
    let b = bot().await;
    let mut held = held_server().await;
    let field = text_field(&b, "Status do pedido").await;
    lookup_flow(&b, &held.server.url("/pedido"), 10_000, &field).await;
    b.start();

    let maria = b.write(MARIA, "pedido").await.conversation;
    let key = held.arrival().await;
    assert_eq!(b.bot_said(maria).await, [ASKED]);
    // The call is named by its session and the turn that made it (the
    // first): the same on every desktop that makes it.
    let session: SessionId = sqlx::query_scalar(
        "SELECT id FROM flow_sessions WHERE account_id = ? AND conversation_id = ?",
    )
    .bind(b.acc)
    .bind(maria)
    .fetch_one(&b.raw)
    .await
    .unwrap();
    assert_eq!(key, Some(format!("{session}:1")));
    assert_eq!(
        call_key::of_session(&b.store, b.acc, session)
            .await
            .unwrap(),
        key
    );

    // João is answered while Maria's call is out.
    let joao = b.write(JOAO, "oi").await.conversation;
    b.until_said(joao, &["Olá!"]).await;

    // Maria answers the menu before it was even asked: her message waits
    // for the call's answer (João's second answer is the fence: the queue
    // is read in order, so Maria's row was looked at and kept).
    b.write(MARIA, "1").await;
    b.write(JOAO, "oi").await;
    b.until_said(joao, &["Olá!", "Olá!"]).await;
    assert_eq!(b.bot_said(maria).await, [ASKED]);
    assert_eq!(queued(&b).await, 1, "Maria's reply is kept");

    held.answers.send(json!({"status": "enviado"})).unwrap();
    b.until_said(
        maria,
        &[
            ASKED,
            "Seu pedido está enviado.",
            "Mais alguma coisa?\n\n1 - Horários\n2 - Endereço",
            "Abrimos às 8h.",
        ],
    )
    .await;
    assert_eq!(b.field(maria, &field).await.as_deref(), Some("enviado"));
    assert_eq!(held.server.hits(), 1);
    assert_eq!(queued(&b).await, 0);
    // Answered: the session waits on no call, and names none.
    assert_eq!(
        call_key::of_session(&b.store, b.acc, session)
            .await
            .unwrap(),
        None
    );
    b.stop().await;
}

#[tokio::test]
async fn a_call_that_never_answers_takes_the_error_branch_at_its_time_limit() {
    let b = bot().await;
    let mut held = held_server().await;
    let field = text_field(&b, "Status do pedido").await;
    // The shortest limit a flow may have (checked at publish).
    lookup_flow(&b, &held.server.url("/nunca"), 1_000, &field).await;
    b.start();
    let maria = b.write(MARIA, "pedido").await.conversation;
    held.arrival().await;
    b.until_said(maria, &[ASKED, "ERRO"]).await;
    assert_eq!(held.server.hits(), 1);
    assert_eq!(b.field(maria, &field).await, None);
    let log = b.log(maria).await;
    assert!(
        log.iter()
            .any(|(what, detail)| what == "call" && detail.starts_with("failed: timeout")),
        "{log:?}"
    );
    b.stop().await;
}

#[tokio::test]
async fn the_ai_node_answers_with_the_models_text_and_its_marker_hands_off() {
    crate::secret::use_memory_keyring();
    let b = bot().await;
    let (server, seen) = fake_openai().await;
    let base = |scenario: &str| server.url(&format!("/{scenario}/v1"));
    keep_ai_key(b.acc, KEY, &base("text")).unwrap();
    b.settings(|s| {
        s.allow_private_http = true;
        s.ai_base_url = Some(base("text"));
        s.ai_model = Some("llama3.2".into());
        s.ai_instructions = "Somos a Padaria Pão Quente.".into();
    })
    .await;
    let flow = b
        .publish(
            "IA",
            doc(
                "ia",
                vec![
                    ai("ia", "Responda só sobre horários."),
                    send("more", "Posso ajudar em algo mais?"),
                    json!({"id": "human", "position": {"x": 0.0, "y": 0.0}, "type": "handoff",
                           "assign": null, "note": "A IA pediu uma pessoa"}),
                ],
                vec![("ia", "next", "more"), ("ia", "handoff", "human")],
            ),
        )
        .await;
    b.starts("horario", flow).await;
    b.start();

    let maria = b.write(MARIA, "horario").await.conversation;
    b.until_said(
        maria,
        &[
            "Abrimos aos sábados das 8h às 12h.",
            "Posso ajudar em algo mais?",
        ],
    )
    .await;
    let requests = seen.all();
    assert_eq!(requests.len(), 1);
    let (auth, body) = &requests[0];
    assert_eq!(auth.as_deref(), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(body["model"], "llama3.2");
    let messages = body["messages"].as_array().unwrap();
    let system = messages[0]["content"].as_str().unwrap();
    assert!(
        system.contains("Padaria Pão Quente") && system.contains("Responda só sobre horários"),
        "{system}"
    );
    let last = messages.last().unwrap();
    assert_eq!(
        (last["role"].as_str(), last["content"].as_str()),
        (Some("user"), Some("horario"))
    );

    // The model says it needs a person: the hand-off branch.
    b.settings(|s| s.ai_base_url = Some(base("handoff"))).await;
    let joao = b.write(JOAO, "horario").await.conversation;
    b.until("João's session handed off", async || {
        (b.sessions(joao).await
            == [(
                "ended".to_owned(),
                Some(r#"{"reason":"handoff"}"#.to_owned()),
            )])
        .then_some(())
    })
    .await;
    assert!(b.bot_said(joao).await.is_empty());
    let owner: String =
        sqlx::query_scalar("SELECT owner FROM conversations WHERE account_id = ? AND id = ?")
            .bind(b.acc)
            .bind(joao)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    assert_eq!(owner, "human");
    assert_eq!(seen.all().len(), 2);

    // Someone points the account's AI at another server (a synced setting
    // any member can change): the key kept on this computer does not
    // follow. The call fails before anything is sent, and hands off.
    let (elsewhere, elsewhere_seen) = fake_openai().await;
    b.settings(|s| s.ai_base_url = Some(elsewhere.url("/text/v1")))
        .await;
    let ana = b.write(ANA, "horario").await.conversation;
    b.until("Ana's session handed off", async || {
        (b.sessions(ana).await
            == [(
                "ended".to_owned(),
                Some(r#"{"reason":"handoff"}"#.to_owned()),
            )])
        .then_some(())
    })
    .await;
    let log = b.log(ana).await;
    assert!(
        log.iter()
            .any(|(what, detail)| what == "call"
                && detail.starts_with("failed: o endereço da IA mudou")),
        "{log:?}"
    );
    assert_eq!(elsewhere.hits(), 0, "the other server saw nothing");
    assert!(elsewhere_seen.all().is_empty());
    b.stop().await;
}

#[tokio::test]
async fn a_call_cut_by_a_stop_is_answered_interrupted_once_and_never_sent_again() {
    let b = bot().await;
    let mut held = held_server().await;
    let field = text_field(&b, "Status do pedido").await;
    lookup_flow(&b, &held.server.url("/pedido"), 10_000, &field).await;
    b.start();
    let maria = b.write(MARIA, "pedido").await.conversation;
    held.arrival().await;

    // The app stops while the request is out; the next start answers it.
    b.stop().await;
    assert_eq!(b.bot_said(maria).await, [ASKED]);
    b.start();
    b.until_said(maria, &[ASKED, "ERRO"]).await;
    let log = b.log(maria).await;
    assert!(
        log.iter()
            .any(|(what, detail)| what == "call" && detail == "failed: interrupted"),
        "{log:?}"
    );
    // Once: another contact's answer is the fence, and the server never
    // got a second request (an answer now would find nobody waiting).
    let joao = b.write(JOAO, "oi").await.conversation;
    b.until_said(joao, &["Olá!"]).await;
    held.answers.send(json!({"status": "enviado"})).unwrap();
    assert_eq!(b.bot_said(maria).await, [ASKED, "ERRO"]);
    assert_eq!(held.server.hits(), 1);
    assert_eq!(
        b.sessions(maria).await,
        [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))]
    );
    b.stop().await;
}

/// An order's two steps: `/um` says it is paid, `/dois` that it was sent.
async fn two_steps_server() -> Server {
    Server::start(
        Router::new()
            .route("/um", get(|| async { Json(json!({"status": "pago"})) }))
            .route(
                "/dois",
                get(|| async { Json(json!({"status": "enviado"})) }),
            ),
    )
    .await
}

/// A flow started by `status` that calls `/um` (its status into `paid`),
/// then `/dois` (into `sent`, when given), then says `ok`; a failed call
/// says "ERRO". Private addresses allowed: the server is on loopback.
async fn two_steps_flow(b: &Bot, server: &Server, paid: &str, sent: Option<&str>, ok: &str) {
    b.settings(|s| s.allow_private_http = true).await;
    let second: Vec<(&str, &str)> = sent.map(|f| ("/status", f)).into_iter().collect();
    let flow = b
        .publish(
            "Dois passos",
            doc(
                "h1",
                vec![
                    http("h1", &server.url("/um"), 5_000, &[("/status", paid)]),
                    http("h2", &server.url("/dois"), 5_000, &second),
                    send("ok", ok),
                    send("err", "ERRO"),
                    end("end"),
                ],
                vec![
                    ("h1", "next", "h2"),
                    ("h1", "error", "err"),
                    ("h2", "next", "ok"),
                    ("h2", "error", "err"),
                    ("ok", "next", "end"),
                ],
            ),
        )
        .await;
    b.starts("status", flow).await;
}

/// Two HTTP nodes one after the other: the second call leaves as soon as
/// the first answers, not at the runner's next look for forgotten calls
/// (here an hour away).
#[tokio::test]
async fn calls_one_after_another_are_each_made_at_once() {
    let b = bot().await;
    let server = two_steps_server().await;
    let paid = text_field(&b, "Pagamento").await;
    let sent = text_field(&b, "Entrega").await;
    let ok = format!("{{{{{paid}}}}} e {{{{{sent}}}}}");
    two_steps_flow(&b, &server, &paid, Some(&sent), &ok).await;
    b.start_timed(
        RunnerTiming {
            calls_look: Duration::from_secs(3600),
            ..RunnerTiming::default()
        },
        Caller::new(),
    );
    let maria = b.write(MARIA, "status").await.conversation;
    b.until_said(maria, &["pago e enviado"]).await;
    assert_eq!(server.hits(), 2);
    b.stop().await;
}

/// The runner's look at calls nobody waits for reads its list, then answers
/// each "interrupted". A list read while a call was out, used after that
/// call answered and the session went on to its next call, must not fail
/// that next call: only a call that left is answered "interrupted".
#[tokio::test]
async fn an_interrupted_answer_ends_only_a_call_that_left() {
    let b = bot().await;
    let server = two_steps_server().await;
    let paid = text_field(&b, "Pagamento").await;
    two_steps_flow(&b, &server, &paid, None, "OK").await;
    // No runner: the test does what the runner does, in the order of the race.
    let maria = b.write(MARIA, "status").await.conversation;
    let here = |_| true;
    let items = run::next_queued(&b.store, &here, 0, now_ms(), 10)
        .await
        .unwrap();
    let run::Handled::Done(done) = run::handle_queued(&b.store, &items[0], &here, now_ms())
        .await
        .unwrap()
    else {
        panic!("handled")
    };
    let (account, session) = done.calls[0];
    assert!(
        run::mark_call_started(&b.store, account, session, &|_| true)
            .await
            .unwrap()
            .is_some()
    );
    // The look reads its list while the first call is out …
    let stale = run::interrupted_calls(&b.store, &here).await.unwrap();
    assert_eq!(stale, [(account, session)]);
    // … the call answers, and the session waits on its second call …
    run::handle_called(
        &b.store,
        account,
        session,
        CallOutcome::Http {
            status: 200,
            json: Some(json!({"status": "pago"})),
        },
        now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(
        b.state(maria).await.unwrap()["wait"]["request"]["node"],
        "h2"
    );
    // … and the look answers its stale list: nothing happens to the second call.
    for (account, session) in stale {
        run::handle_interrupted(&b.store, account, session, now_ms())
            .await
            .unwrap();
    }
    let state = b.state(maria).await.unwrap();
    assert_eq!(state["wait"]["for"], "call", "{state}");
    assert_eq!(state["wait"]["request"]["node"], "h2", "{state}");
    assert!(b.bot_said(maria).await.is_empty());
    // A call that left and is answered by nobody is the one it ends.
    assert!(
        run::mark_call_started(&b.store, account, session, &|_| true)
            .await
            .unwrap()
            .is_some()
    );
    run::handle_interrupted(&b.store, account, session, now_ms())
        .await
        .unwrap();
    assert_eq!(b.bot_said(maria).await, ["ERRO"]);
    assert_eq!(server.hits(), 0, "the test made no request");
}

/// A session waiting on a call whose state cannot be read is found first
/// by the look at interrupted calls; the other interrupted calls are still
/// answered, and the unreadable one is set aside.
#[tokio::test]
async fn a_call_session_that_cannot_be_read_never_holds_up_the_others() {
    let b = bot().await;
    let mut held = held_server().await;
    let field = text_field(&b, "Status do pedido").await;
    lookup_flow(&b, &held.server.url("/pedido"), 10_000, &field).await;
    b.start();
    let maria = b.write(MARIA, "pedido").await.conversation;
    held.arrival().await;
    let joao = b.write(JOAO, "pedido").await.conversation;
    held.arrival().await;
    b.stop().await;
    // Maria's session becomes unreadable (a newer ZapDesk's call, a damaged
    // row), and comes first.
    sqlx::query(
        "UPDATE flow_sessions SET state = '{\"node\":\"h\",\"wait\":{\"for\":\"call\",\"started\":true,\"request\":{\"kind\":\"telepathy\"}}}',
                updated_at = 1
         WHERE account_id = ? AND conversation_id = ?",
    )
    .bind(b.acc)
    .bind(maria)
    .execute(&b.raw)
    .await
    .unwrap();
    // Looks every 50 ms, so the unreadable session's tries run out soon.
    b.start_timed(
        RunnerTiming {
            idle: Duration::from_millis(50),
            calls_look: Duration::from_millis(50),
        },
        Caller::new(),
    );
    b.until_said(joao, &[ASKED, "ERRO"]).await;
    b.until("Maria's session set aside", async || {
        let sessions = b.sessions(maria).await;
        (sessions.len() == 1 && sessions[0].0 == "ended").then_some(())
    })
    .await;
    assert_eq!(b.bot_said(maria).await, [ASKED]);
    assert_eq!(held.server.hits(), 2);
    b.stop().await;
}

/// A call's answer the store cannot take at once (another connection holds
/// its write lock past the busy timeout) is saved again once it can: the
/// flow goes on with the server's answer, never "interrupted" — the request
/// had its effects, and its answer must not be lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calls_answer_the_store_refused_for_a_moment_is_saved_again() {
    let logs = crate::logs::logs();
    let b = bot_waiting(Duration::from_millis(100)).await;
    let mut held = held_server().await;
    let field = text_field(&b, "Status do pedido").await;
    lookup_flow(&b, &held.server.url("/pedido"), 10_000, &field).await;
    // Calls nobody waits for are looked for often: a session left to that
    // look is answered "interrupted" as soon as the lock is gone.
    b.start_timed(
        RunnerTiming {
            idle: Duration::from_secs(15),
            calls_look: Duration::from_millis(20),
        },
        Caller::new(),
    );
    let maria = b.write(MARIA, "pedido").await.conversation;
    held.arrival().await;
    let session: SessionId = sqlx::query_scalar(
        "SELECT id FROM flow_sessions WHERE account_id = ? AND conversation_id = ?",
    )
    .bind(b.acc)
    .bind(maria)
    .fetch_one(&b.raw)
    .await
    .unwrap();

    // The answer arrives while another connection holds the write lock.
    let mut lock = b.raw.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *lock)
        .await
        .unwrap();
    held.answers.send(json!({"status": "enviado"})).unwrap();
    logs.until(&["the call's answer", &session.to_string()])
        .await;
    sqlx::query("ROLLBACK").execute(&mut *lock).await.unwrap();
    drop(lock);

    let said = b
        .until("Maria's call answered", async || {
            let said = b.bot_said(maria).await;
            (said.len() >= 2).then_some(said)
        })
        .await;
    assert_eq!(
        said,
        [
            ASKED,
            "Seu pedido está enviado.",
            "Mais alguma coisa?\n\n1 - Horários\n2 - Endereço",
        ]
    );
    assert_eq!(b.field(maria, &field).await.as_deref(), Some("enviado"));
    let log = b.log(maria).await;
    assert!(
        !log.iter().any(|(_, detail)| detail.contains("interrupted")),
        "{log:?}"
    );
    assert_eq!(held.server.hits(), 1);
    b.stop().await;
}

/// Polls `future` once, with this task's context.
async fn poll_once<F: Future + ?Sized>(
    future: std::pin::Pin<&mut F>,
) -> std::task::Poll<F::Output> {
    let mut future = future;
    std::future::poll_fn(move |cx| std::task::Poll::Ready(future.as_mut().poll(cx))).await
}

/// A call whose answer asks for the session's next call while the runner is
/// stopping starts nothing: the stop has taken the set of calls it waits on
/// (the answering task in it), and a call started then would go into a set
/// nobody waits for and run on after "stopped". The answering task is held
/// by the test between its last await and that start (in the kick of the
/// answer's message), released only once the stop has taken the set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_answered_during_a_stop_starts_no_call_after_it() {
    let b = bot().await;
    let mut held = held_server().await;
    b.settings(|s| s.allow_private_http = true).await;
    let url = held.server.url("/pedido");
    let flow = b
        .publish(
            "Duas consultas",
            doc(
                "h1",
                vec![
                    http("h1", &url, 10_000, &[]),
                    send("ok", "Consultado."),
                    http("h2", &url, 10_000, &[]),
                    end("end"),
                ],
                vec![
                    ("h1", "next", "ok"),
                    ("h1", "error", "end"),
                    ("ok", "next", "h2"),
                    ("h2", "next", "end"),
                    ("h2", "error", "end"),
                ],
            ),
        )
        .await;
    b.starts("pedido", flow).await;
    b.start();
    let maria = b.write(MARIA, "pedido").await.conversation;
    held.arrival().await;

    let (entered, release) = b.numbers.hold_next_kick();
    held.answers.send(json!({"status": "ok"})).unwrap();
    tokio::task::spawn_blocking(move || entered.recv())
        .await
        .unwrap()
        .expect("the answer's message kicks its number");
    let runner = b.take_runner().unwrap();
    assert_eq!(runner.calls_held(), 1, "the answering task");
    {
        let mut stop = std::pin::pin!(runner.stop_and_wait());
        // Polled until it has taken the calls (after the loop's task
        // ended): the held task keeps it waiting.
        tokio::time::timeout(WAIT, async {
            loop {
                assert!(poll_once(stop.as_mut()).await.is_pending());
                if runner.calls_held() == 0 {
                    return;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the stop takes the set of calls");
        release.send(()).unwrap();
        tokio::time::timeout(WAIT, stop)
            .await
            .expect("the stop ends with the answering task");
    }
    assert_eq!(runner.calls_held(), 0, "a call started after the stop");
    assert!(runner.is_stopped());
    assert_eq!(held.server.hits(), 1);
    drop(runner);

    // The next call never left: the next start makes it.
    b.start();
    held.arrival().await;
    held.answers.send(json!({"status": "ok"})).unwrap();
    b.until("Maria's session done", async || {
        (b.sessions(maria).await == [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))])
            .then_some(())
    })
    .await;
    assert_eq!(b.bot_said(maria).await, ["Consultado."]);
    assert_eq!(held.server.hits(), 2);
    b.stop().await;
}
