//! Sessions over time, against a real SQLite file: delays that fire once,
//! a turn's messages leaving in order after their pauses, a turn stepped
//! twice, tags, `go to flow`, the loop guard, outside calls cut by a
//! restart, people taking over, and an operator starting and stopping a
//! flow.

use serde_json::json;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::automation::engine::{CallOutcome, CallRequest};
use zapdesk_core::automation::run::{self, Done};
use zapdesk_core::automation::sessions::{self, StartedBy, Waiting};
use zapdesk_core::domain::Role;
use zapdesk_core::ids::{FlowId, SessionId};
use zapdesk_core::inbox::outbox;
use zapdesk_core::inbox::work::{self, Owner};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{ConversationId, ErrorCode, InstanceId, UserError};

use crate::support::automation::{
    Bot, JOAO, MARIA, actions, bot, delay, doc, end, go_to, http, menu, send, tags as tags_node,
};

const MINUTE: i64 = 60_000;

fn everywhere(_: InstanceId) -> bool {
    true
}

/// A keyword `word` that starts `flow`.
async fn starts(b: &Bot, word: &str, flow: FlowId) {
    b.keyword(word, "exact", &[word], actions(json!({"start_flow": flow})))
        .await;
}

/// The conversation's active session: its id and `wake_at`.
async fn active(b: &Bot, conv: ConversationId) -> Option<(SessionId, Option<i64>)> {
    sqlx::query_as(
        "SELECT id, wake_at FROM flow_sessions WHERE conversation_id = ? AND status = 'active'",
    )
    .bind(conv)
    .fetch_optional(&b.raw)
    .await
    .unwrap()
}

/// Steps every due session, as the runner does.
async fn step_due(b: &Bot, now: i64) -> Vec<Done> {
    let mut done = Vec::new();
    for due in run::due(&b.store, &everywhere, now, 100).await.unwrap() {
        done.push(
            run::handle_due(&b.store, due.account, due.session, due.wake_at, now)
                .await
                .unwrap(),
        );
    }
    done
}

/// Claims the number's next message at `at` and hands it to WhatsApp, as
/// the number's sender does.
async fn claim(b: &Bot, at: i64) -> Result<Option<outbox::Job>, zapdesk_core::inbox::InboxError> {
    let job = outbox::claim_next_at(&b.store, b.acc, b.number, at).await?;
    if let Some(job) = &job {
        let wa_id = format!("true_x_3EB0{}", job.message.as_uuid().simple());
        outbox::mark_sent(&b.store, b.acc, job.message, &wa_id, 1).await?;
    }
    Ok(job)
}

#[tokio::test]
async fn a_turns_messages_leave_in_order_after_their_pauses_and_a_delay_fires_once() {
    let b = bot().await;
    let flow = b
        .publish(
            "Sequência",
            doc(
                "a",
                vec![
                    send("a", "Um", 1000),
                    send("b", "Dois", 2000),
                    send("c", "Três", 500),
                    delay("d", 5),
                    send("e", "Depois", 0),
                    end("end"),
                ],
                vec![
                    ("a", "next", "b"),
                    ("b", "next", "c"),
                    ("c", "next", "d"),
                    ("d", "next", "e"),
                    ("e", "next", "end"),
                ],
            ),
            json!([]),
        )
        .await;
    starts(&b, "oi", flow).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    let t = now_ms();
    let done = b.handle_at(t).await;
    assert_eq!(done[0].wake_at, Some(t + 5 * MINUTE));
    let queued: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT body, send_after FROM messages WHERE conversation_id = ? AND bot_source = 'flow' ORDER BY id",
    )
    .bind(conv)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    assert_eq!(
        queued,
        [
            ("Um".to_owned(), Some(t + 1000)),
            ("Dois".to_owned(), Some(t + 3000)),
            ("Três".to_owned(), Some(t + 3500)),
        ]
    );

    // Nothing leaves before its pause; then one by one, in order.
    assert_eq!(claim(&b, t).await.unwrap(), None);
    assert_eq!(
        outbox::next_send_after(&b.store, b.acc, b.number, t)
            .await
            .unwrap(),
        Some(t + 1000)
    );
    assert_eq!(claim(&b, t + 1000).await.unwrap().unwrap().body, "Um");
    assert_eq!(claim(&b, t + 1000).await.unwrap(), None);
    assert_eq!(
        outbox::next_send_after(&b.store, b.acc, b.number, t + 1000)
            .await
            .unwrap(),
        Some(t + 3000)
    );
    // An operator's reply queued meanwhile is not held behind the bot's
    // pauses: it goes in its own time, then the bot's messages, in order.
    outbox::enqueue_text(&b.store, b.acc, conv, "Oi, aqui é a Ana")
        .await
        .unwrap();
    let later = t + 60_000;
    let mut order = Vec::new();
    while let Some(job) = claim(&b, later).await.unwrap() {
        order.push(job.body);
    }
    assert_eq!(order, ["Oi, aqui é a Ana", "Dois", "Três"]);

    // The delay: not before its time, then once.
    let (session, wake_at) = active(&b, conv).await.unwrap();
    let wake_at = wake_at.unwrap();
    assert!(step_due(&b, wake_at - 1).await.is_empty());
    assert_eq!(
        run::handle_due(&b.store, b.acc, session, wake_at, wake_at - 1)
            .await
            .unwrap(),
        Done::default()
    );
    assert_eq!(
        run::next_wake_at(&b.store, &everywhere).await.unwrap(),
        Some(wake_at)
    );
    let fired = run::handle_due(&b.store, b.acc, session, wake_at, wake_at)
        .await
        .unwrap();
    assert_eq!(fired.kick, [b.number]);
    assert_eq!(b.bot_said(conv).await.last().unwrap(), "Depois");
    // Two passes (or two desktops) with the same reading: the second does nothing.
    assert_eq!(
        run::handle_due(&b.store, b.acc, session, wake_at, wake_at)
            .await
            .unwrap(),
        Done::default()
    );
    assert!(step_due(&b, wake_at + MINUTE).await.is_empty());
    assert_eq!(b.bot_said(conv).await.len(), 4);
    assert_eq!(
        b.sessions(conv).await,
        [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))]
    );
    assert_eq!(
        run::next_wake_at(&b.store, &everywhere).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_answer_while_the_bot_is_still_typing_comes_after_what_it_was_typing() {
    let b = bot().await;
    let flow = b
        .publish(
            "Lento",
            doc(
                "a",
                vec![
                    send("a", "Deixa eu ver…", 5000),
                    menu("m", "Escolha:", &["Sim", "Não"]),
                    send("y", "Ótimo!", 1000),
                ],
                vec![("a", "next", "m"), ("m", "option:a", "y")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "oi", flow).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    let t = now_ms();
    b.handle_at(t).await;
    b.write(MARIA, "1").await;
    b.handle_at(t + 1000).await;
    let queued: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT body, send_after FROM messages WHERE conversation_id = ? AND bot_source = 'flow'
         ORDER BY COALESCE(send_after, created_at), created_at, id",
    )
    .bind(conv)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    let bodies: Vec<&str> = queued.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies[0], "Deixa eu ver…");
    assert!(bodies[1].starts_with("Escolha:"));
    assert_eq!(bodies[2], "Ótimo!");
    // The menu (no pause) is 1 ms after the message before it; the answer
    // comes its pause after the menu.
    assert_eq!(queued[1].1, Some(t + 5000 + 1));
    assert_eq!(queued[2].1, Some(t + 5000 + 1 + 1000));
}

#[tokio::test]
async fn the_same_turn_stepped_twice_queues_each_message_once() {
    let b = bot().await;
    let second = FlowId::new();
    b.publish_as(
        second,
        "Segundo",
        doc(
            "b1",
            vec![send("b1", "B1", 0), menu("m", "Escolha:", &["Sim"])],
            vec![("b1", "next", "m")],
        ),
        json!([]),
    )
    .await;
    let first = b
        .publish(
            "Primeiro",
            doc(
                "a1",
                vec![send("a1", "A1", 700), go_to("go", &second.to_string())],
                vec![("a1", "next", "go")],
            ),
            json!([]),
        )
        .await;
    let conv = b.write_at(MARIA, "oi", 1).await.conversation;
    b.handle().await;
    let session = sessions::start_by_hand(&b.store, b.acc, conv, first, None)
        .await
        .unwrap();
    // What the session was before its turn, as the desktop that took the
    // number over would still have it.
    let before: (String, Option<i64>) =
        sqlx::query_as("SELECT state, wake_at FROM flow_sessions WHERE id = ?")
            .bind(session)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    let wake_at = before.1.unwrap();
    run::handle_due(&b.store, b.acc, session, wake_at, wake_at)
        .await
        .unwrap();
    let said = b.bot_said(conv).await;
    assert_eq!(said.len(), 3, "{said:?}");
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM messages WHERE conversation_id = ? AND bot_source IS NOT NULL",
        )
        .bind(conv)
        .fetch_one(&b.raw)
        .await
        .unwrap()
    };
    assert_eq!(count().await, 3);

    sqlx::query(
        "UPDATE flow_sessions SET state = ?, wake_at = ?, status = 'active', ended_reason = NULL, ended_at = NULL
         WHERE id = ?",
    )
    .bind(&before.0)
    .bind(wake_at)
    .bind(session)
    .execute(&b.raw)
    .await
    .unwrap();
    run::handle_due(&b.store, b.acc, session, wake_at, wake_at)
        .await
        .unwrap();
    assert_eq!(count().await, 3, "same ids: nothing queued twice");
    assert_eq!(b.bot_said(conv).await, said);
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM flow_sessions")
        .fetch_one(&b.raw)
        .await
        .unwrap();
    assert_eq!(all, 2, "the flow it went to was not started twice");
}

#[tokio::test]
async fn tags_the_bot_adds_start_no_flow_and_a_persons_tag_does() {
    let b = bot().await;
    let lead = tags::create(
        &b.store,
        b.acc,
        &TagInput {
            name: "Lead".into(),
            color: "#16a34a".into(),
        },
    )
    .await
    .unwrap();
    b.publish(
        "Para leads",
        doc("l", vec![send("l", "Vi que você é lead!", 0)], vec![]),
        json!([{"on": "tag_added", "tag": lead.id}]),
    )
    .await;
    let tagger = b
        .publish(
            "Marca",
            doc(
                "t",
                vec![tags_node("t", &["lead"], &[]), send("ok", "Anotado.", 0)],
                vec![("t", "next", "ok")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "quero", tagger).await;
    b.keyword(
        "Lead",
        "exact",
        &["lead"],
        actions(json!({"add_tags": ["Lead"]})),
    )
    .await;
    let seen = b.write(MARIA, "quero").await;
    let conv = seen.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Anotado."]);
    assert_eq!(b.queued().await, 0, "the bot's own tag started nothing");
    let on: Vec<_> = tags::of_contact(&b.store, b.acc, seen.contact)
        .await
        .unwrap();
    assert_eq!(on.len(), 1);

    // A keyword's tag is the bot's too.
    tags::apply(&b.store, b.acc, lead.id, &[seen.contact], false)
        .await
        .unwrap();
    b.write(MARIA, "lead").await;
    b.handle().await;
    assert_eq!(b.queued().await, 0);
    assert_eq!(b.bot_said(conv).await.len(), 1);

    // A person's tag starts the flow, due now on the number's desktop.
    tags::apply(&b.store, b.acc, lead.id, &[seen.contact], false)
        .await
        .unwrap();
    tags::apply(&b.store, b.acc, lead.id, &[seen.contact], true)
        .await
        .unwrap();
    assert_eq!(b.queued().await, 1);
    let now = now_ms();
    let done = b.handle_at(now).await;
    assert_eq!(done[0].wake_at, Some(now));
    assert_eq!(step_due(&b, now).await.len(), 1);
    assert_eq!(
        b.bot_said(conv).await.last().unwrap(),
        "Vi que você é lead!"
    );
    let by: String = sqlx::query_scalar(
        "SELECT started_by FROM flow_sessions WHERE conversation_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
    )
    .bind(conv)
    .fetch_one(&b.raw)
    .await
    .unwrap();
    assert_eq!(by, json!({"by": "tag", "tag": lead.id}).to_string());
}

#[tokio::test]
async fn go_to_flow_goes_on_in_the_other_flow_and_a_missing_one_ends_the_session() {
    let b = bot().await;
    let second = FlowId::new();
    b.publish_as(
        second,
        "Segundo",
        doc(
            "b",
            vec![
                send("b", "Agora no segundo, {{ultima_resposta}}.", 0),
                end("end"),
            ],
            vec![("b", "next", "end")],
        ),
        json!([]),
    )
    .await;
    let first = b
        .publish(
            "Primeiro",
            doc(
                "m",
                vec![
                    menu("m", "Continuar?", &["Sim"]),
                    send("a", "No primeiro.", 0),
                    go_to("go", &second.to_string()),
                ],
                vec![("m", "option:a", "a"), ("a", "next", "go")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "ir", first).await;
    let conv = b.write(MARIA, "ir").await.conversation;
    b.write(MARIA, "sim").await;
    b.handle().await;
    let said = b.bot_said(conv).await;
    assert_eq!(said[1..], ["No primeiro.", "Agora no segundo, Sim."]);
    // Two sessions, no pauses, one millisecond: the sender's order is their
    // times, strictly one after the other (not the ids' order, which is
    // random between two sessions).
    let times: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT body, send_after FROM messages WHERE conversation_id = ? AND bot_node IN ('a', 'b')
         ORDER BY send_after",
    )
    .bind(conv)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    assert_eq!(times.len(), 2);
    assert_eq!(times[0].0, "No primeiro.");
    assert!(times[0].1.unwrap() < times[1].1.unwrap(), "{times:?}");
    let rows: Vec<(String, Option<String>, String, FlowId)> = sqlx::query_as(
        "SELECT status, ended_reason, started_by, flow_id FROM flow_sessions WHERE conversation_id = ?
         ORDER BY started_at, rowid",
    )
    .bind(conv)
    .fetch_all(&b.raw)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    let went: serde_json::Value = serde_json::from_str(rows[0].1.as_deref().unwrap()).unwrap();
    assert_eq!(
        went,
        json!({"reason": "went_to", "flow": second.to_string()})
    );
    assert_eq!(rows[1].3, second);
    assert_eq!(rows[1].2, json!({"by": "flow", "from": first}).to_string());
    assert_eq!(rows[1].1.as_deref(), Some(r#"{"reason":"done"}"#));
    let last = b.thread(conv).await.pop().unwrap();
    assert_eq!(last.bot_ref, Some(second.as_uuid()));

    let nowhere = b
        .publish(
            "Para lugar nenhum",
            doc(
                "c",
                vec![
                    send("c", "Vou te passar…", 0),
                    go_to("go", &FlowId::new().to_string()),
                ],
                vec![("c", "next", "go")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "nada", nowhere).await;
    let joao = b.write(JOAO, "nada").await.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(joao).await, ["Vou te passar…"]);
    let ended = b.sessions(joao).await;
    assert_eq!(
        ended,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"broken","node":"go"}"#.to_owned())
        )]
    );
    assert!(
        b.log(joao)
            .await
            .iter()
            .any(|(what, detail)| what == "skipped" && detail.contains("go to flow"))
    );
}

#[tokio::test]
async fn a_flow_that_loops_ends_its_session_and_sends_no_more_than_the_budget() {
    let b = bot().await;
    let flow = b
        .publish(
            "Eco",
            doc(
                "a",
                vec![send("a", "eco", 0), send("b", "eco de novo", 0)],
                vec![("a", "next", "b"), ("b", "next", "a")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "eco", flow).await;
    let conv = b.write(MARIA, "eco").await.conversation;
    b.handle().await;
    let said = b.bot_said(conv).await;
    assert!(!said.is_empty() && said.len() <= 10, "{said:?}");
    let (status, reason) = b.sessions(conv).await.remove(0);
    assert_eq!(status, "ended");
    let reason = reason.unwrap();
    assert!(
        reason.contains(r#""reason":"loop""#) || reason.contains(r#""reason":"budget""#),
        "{reason}"
    );
    assert!(
        b.log(conv)
            .await
            .iter()
            .any(|(what, detail)| what == "ended" && detail == &reason)
    );
}

/// A flow started by the keyword `pedido` that looks the order up over
/// HTTP (on a port nobody listens on) and says what it found, or that it
/// could not.
async fn order_lookup(b: &Bot) {
    let flow = b
        .publish(
            "Pedido",
            doc(
                "h",
                vec![
                    http("h", "http://127.0.0.1:9/pedido/{{telefone}}"),
                    send("ok", "Achei seu pedido.", 0),
                    send("err", "Não consegui consultar agora.", 0),
                ],
                vec![("h", "next", "ok"), ("h", "error", "err")],
            ),
            json!([]),
        )
        .await;
    starts(b, "pedido", flow).await;
}

#[tokio::test]
async fn an_interrupted_call_takes_the_error_branch_once_and_holds_the_contacts_messages() {
    let b = bot().await;
    order_lookup(&b).await;
    let conv = b.write(MARIA, "pedido").await.conversation;
    let done = b.handle().await;
    let (session, wake_at) = active(&b, conv).await.unwrap();
    assert_eq!(wake_at, None);
    assert_eq!(done[0].calls, [(b.acc, session)]);
    assert_eq!(
        run::waiting_calls(&b.store, &everywhere).await.unwrap(),
        [(b.acc, session)]
    );

    // The contact writes while the call is out: kept until it answers.
    b.write(MARIA, "e aí?").await;
    assert!(
        run::next_queued(&b.store, &everywhere, 0, now_ms(), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(b.queued().await, 1);

    let request = run::mark_call_started(&b.store, b.acc, session, &|_| true)
        .await
        .unwrap();
    assert!(
        matches!(&request, Some(CallRequest::Http { url, .. }) if url == "http://127.0.0.1:9/pedido/%2B5511987654321"),
        "{request:?}"
    );
    assert_eq!(
        run::mark_call_started(&b.store, b.acc, session, &|_| true)
            .await
            .unwrap(),
        None,
        "never made twice"
    );
    assert!(
        run::waiting_calls(&b.store, &everywhere)
            .await
            .unwrap()
            .is_empty()
    );
    // The app stops here; at start-up the runner finds the call cut short.
    let cut = run::interrupted_calls(&b.store, &everywhere).await.unwrap();
    assert_eq!(cut, [(b.acc, session)]);
    let interrupted = || CallOutcome::Failed {
        reason: "interrupted".into(),
    };
    run::handle_called(&b.store, b.acc, session, interrupted(), now_ms())
        .await
        .unwrap();
    assert_eq!(b.bot_said(conv).await, ["Não consegui consultar agora."]);
    assert_eq!(
        run::handle_called(&b.store, b.acc, session, interrupted(), now_ms())
            .await
            .unwrap(),
        Done::default()
    );
    assert_eq!(b.bot_said(conv).await.len(), 1);
    assert!(
        run::interrupted_calls(&b.store, &everywhere)
            .await
            .unwrap()
            .is_empty()
    );
    // The message that waited is handled now.
    assert_eq!(b.handle().await.len(), 1);
    assert_eq!(b.queued().await, 0);
}

#[tokio::test]
async fn a_call_not_yet_made_is_not_made_elsewhere_nor_after_an_opt_out() {
    let b = bot().await;
    order_lookup(&b).await;
    let conv = b.write(MARIA, "pedido").await.conversation;
    b.handle().await;
    let (session, _) = active(&b, conv).await.unwrap();

    // The number's lease moved to another desktop: that one makes it.
    assert_eq!(
        run::mark_call_started(&b.store, b.acc, session, &|_| false)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        run::waiting_calls(&b.store, &everywhere).await.unwrap(),
        [(b.acc, session)],
        "still to be made"
    );

    // Maria opts out while the call waits (her "SAIR" waits behind it):
    // the call never leaves and the session ends.
    b.write(MARIA, "SAIR").await;
    assert_eq!(
        run::mark_call_started(&b.store, b.acc, session, &everywhere)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"opted_out"}"#.to_owned())
        )]
    );
    assert!(
        run::waiting_calls(&b.store, &everywhere)
            .await
            .unwrap()
            .is_empty()
    );
    b.handle().await;
    assert!(b.bot_said(conv).await.is_empty());
}

#[tokio::test]
async fn an_answer_queued_before_the_questions_time_limit_wins_over_the_timer() {
    let b = bot().await;
    let ask = serde_json::json!({
        "id": "nome", "position": {"x": 0.0, "y": 0.0}, "type": "ask",
        "question": "Qual é o seu nome?", "answer": "text", "field": null,
        "retry": "Pode me dizer seu nome?", "tries": 2, "timeout_minutes": 10
    });
    let flow = b
        .publish(
            "Cadastro",
            doc(
                "nome",
                vec![
                    ask,
                    send("ok", "Obrigado, {{ultima_resposta}}!", 0),
                    send("late", "Vou te chamar mais tarde.", 0),
                    send("again", "Não entendi.", 0),
                ],
                vec![
                    ("nome", "next", "ok"),
                    ("nome", "timeout", "late"),
                    ("nome", "failed", "again"),
                ],
            ),
            json!([]),
        )
        .await;
    starts(&b, "cadastro", flow).await;
    let conv = b.write(MARIA, "cadastro").await.conversation;
    b.handle().await;
    let (_, Some(limit)) = active(&b, conv).await.unwrap() else {
        panic!("a time limit")
    };
    // Maria answers in time; the runner looks at its timers before it
    // looks at the queue again.
    b.write(MARIA, "Maria").await;
    assert_eq!(step_due(&b, limit + MINUTE).await, [Done::default()]);
    assert_eq!(active(&b, conv).await.unwrap().1, Some(limit), "still due");
    b.handle_at(limit + MINUTE).await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Qual é o seu nome?", "Obrigado, Maria!"]
    );
    assert!(step_due(&b, limit + 2 * MINUTE).await.is_empty());
}

#[tokio::test]
async fn any_message_of_the_contact_sets_the_count_of_unanswered_turns_back() {
    let b = bot().await;
    let flow = b
        .publish(
            "Lembrete",
            doc(
                "a",
                vec![
                    send("a", "Já volto com o cupom.", 0),
                    delay("wait", 60),
                    send("b", "Seu cupom: BEMVINDO10", 0),
                    end("end"),
                ],
                vec![
                    ("a", "next", "wait"),
                    ("wait", "next", "b"),
                    ("b", "next", "end"),
                ],
            ),
            json!([]),
        )
        .await;
    starts(&b, "cupom", flow).await;
    let conv = b.write(MARIA, "cupom").await.conversation;
    b.handle().await;
    let (session, Some(wake)) = active(&b, conv).await.unwrap() else {
        panic!("a delay")
    };
    // As if the flow had gone round its delay 20 times without a word
    // from Maria.
    let unanswered = |b: &Bot| {
        let raw = b.raw.clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT json_extract(state, '$.unanswered') FROM flow_sessions WHERE id = ?",
            )
            .bind(session)
            .fetch_one(&raw)
            .await
            .unwrap()
        }
    };
    sqlx::query(
        "UPDATE flow_sessions SET state = json_set(state, '$.unanswered', 20) WHERE id = ?",
    )
    .bind(session)
    .execute(&b.raw)
    .await
    .unwrap();
    // She writes during the delay: the delay does not take it, but she
    // answered; the delay's end goes on.
    b.write(MARIA, "ok, obrigada").await;
    b.handle().await;
    assert_eq!(unanswered(&b).await, None);
    step_due(&b, wake).await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Já volto com o cupom.", "Seu cupom: BEMVINDO10"]
    );
    assert_eq!(
        b.sessions(conv).await,
        [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))]
    );
}

#[tokio::test]
async fn taking_over_in_the_inbox_ends_the_session_and_the_bot_stays_quiet() {
    let b = bot().await;
    let flow = b
        .publish(
            "Menu",
            doc(
                "m",
                vec![
                    menu("m", "Escolha:", &["Pedidos", "Horários"]),
                    send("a", "Pedidos!", 0),
                    send("h", "Horários!", 0),
                ],
                vec![("m", "option:a", "a"), ("m", "option:b", "h")],
            ),
            json!([]),
        )
        .await;
    starts(&b, "menu", flow).await;
    let maria = b.write(MARIA, "menu").await.conversation;
    let joao = b.write(JOAO, "menu").await.conversation;
    b.handle().await;
    assert!(active(&b, maria).await.is_some() && active(&b, joao).await.is_some());

    work::set_owner(&b.store, b.acc, maria, Owner::Human)
        .await
        .unwrap();
    let ana = users::create(
        &b.store,
        &UserInput {
            name: "Ana".into(),
            email: "ana@agencia.com.br".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    crate::support::give_account(&b.store, ana.id, b.acc).await;
    work::assign(&b.store, b.acc, joao, Some(ana.id))
        .await
        .unwrap();
    for conv in [maria, joao] {
        assert_eq!(
            b.sessions(conv).await,
            [(
                "ended".to_owned(),
                Some(r#"{"reason":"stopped"}"#.to_owned())
            )]
        );
    }
    b.write(MARIA, "1").await;
    b.write(JOAO, "2").await;
    b.write(MARIA, "menu").await;
    b.handle().await;
    assert_eq!(b.bot_said(maria).await.len(), 1);
    assert_eq!(b.bot_said(joao).await.len(), 1);
}

#[tokio::test]
async fn an_operator_starts_and_stops_a_flow_from_the_conversation() {
    let b = bot().await;
    let flow = b
        .publish(
            "Pesquisa",
            doc(
                "hi",
                vec![
                    send("hi", "Uma pergunta rápida:", 0),
                    menu("m", "Gostou?", &["Sim", "Não"]),
                ],
                vec![("hi", "next", "m")],
            ),
            json!([]),
        )
        .await;
    let conv = b.write_at(MARIA, "oi", 1).await.conversation;
    work::set_owner(&b.store, b.acc, conv, Owner::Human)
        .await
        .unwrap();

    let session = sessions::start_by_hand(&b.store, b.acc, conv, flow, None)
        .await
        .unwrap();
    assert_eq!(
        work::owner(&b.store, b.acc, conv).await.unwrap(),
        Owner::Bot,
        "starting a flow hands the conversation back to the bot"
    );
    let view = sessions::active_session(&b.store, b.acc, conv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.id, session);
    assert_eq!(view.flow_name, "Pesquisa");
    assert_eq!(view.version_number, 1);
    assert_eq!(
        (view.node.as_str(), view.node_kind.as_deref()),
        ("hi", Some("send"))
    );
    assert_eq!(view.waiting, Waiting::Start);
    assert_eq!(view.started_by, StartedBy::Manual { operator: None });

    assert_eq!(step_due(&b, now_ms()).await.len(), 1);
    let view = sessions::active_session(&b.store, b.acc, conv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.node_kind.as_deref(), Some("menu"));
    assert!(matches!(view.waiting, Waiting::Reply { .. }));
    b.write(MARIA, "sim").await;
    b.handle().await;
    // The menu's branch has nowhere to go: done, with the answer kept in the log.
    assert!(
        sessions::active_session(&b.store, b.acc, conv)
            .await
            .unwrap()
            .is_none()
    );

    // Started again, then "Parar o bot".
    sessions::start_by_hand(&b.store, b.acc, conv, flow, None)
        .await
        .unwrap();
    assert!(sessions::stop(&b.store, b.acc, conv).await.unwrap());
    assert!(!sessions::stop(&b.store, b.acc, conv).await.unwrap());
    assert!(step_due(&b, now_ms()).await.is_empty());
    assert_eq!(
        b.sessions(conv).await.last().unwrap(),
        &(
            "ended".to_owned(),
            Some(r#"{"reason":"stopped"}"#.to_owned())
        )
    );
    let log = b.log(conv).await;
    assert!(log.iter().any(|(what, _)| what == "handed_back"));
    assert!(log.iter().any(|(what, _)| what == "started"));

    // Refusals, each with its code.
    let code = |e: AutomationError| e.code();
    let draft_only = FlowId::new();
    sqlx::query(
        "INSERT INTO flows (id, account_id, name, draft, created_at, updated_at) VALUES (?, ?, 'Rascunho', ?, 0, 0)",
    )
    .bind(draft_only)
    .bind(b.acc)
    .bind(doc("e", vec![end("e")], vec![]).to_string())
    .execute(&b.raw)
    .await
    .unwrap();
    let refused = sessions::start_by_hand(&b.store, b.acc, conv, draft_only, None)
        .await
        .unwrap_err();
    assert_eq!(code(refused), ErrorCode::FlowNotPublished);
    let refused = sessions::start_by_hand(&b.store, b.acc, conv, FlowId::new(), None)
        .await
        .unwrap_err();
    assert_eq!(code(refused), ErrorCode::FlowUnknown);
    b.write(MARIA, "SAIR").await;
    let refused = sessions::start_by_hand(&b.store, b.acc, conv, flow, None)
        .await
        .unwrap_err();
    assert_eq!(code(refused), ErrorCode::ContactOptedOut);
    b.setting("enabled", json!(false)).await;
    let refused = sessions::start_by_hand(&b.store, b.acc, conv, flow, None)
        .await
        .unwrap_err();
    assert!(!refused.message(zapdesk_core::Lang::PtBr).is_empty());
    assert_eq!(code(refused), ErrorCode::AutomationSettingsInvalid);
}

#[tokio::test]
async fn a_flow_started_by_hand_under_a_chosen_id_starts_once() {
    let b = bot().await;
    let flow = b
        .publish(
            "Boas-vindas",
            doc("hi", vec![send("hi", "Olá!", 0)], vec![]),
            json!([]),
        )
        .await;
    let conv = b.write_at(MARIA, "oi", 1).await.conversation;
    let chosen = SessionId::new();

    let first = sessions::start_by_hand_as(&b.store, b.acc, conv, flow, None, chosen)
        .await
        .unwrap();
    assert_eq!((first.session, first.started), (chosen, true));
    // Asked again (a cloud command executed again, here or on another
    // desktop the session was synced to): nothing new, even once it ended…
    assert_eq!(step_due(&b, now_ms()).await.len(), 1);
    let again = sessions::start_by_hand_as(&b.store, b.acc, conv, flow, None, chosen)
        .await
        .unwrap();
    assert_eq!(
        (again.session, again.conversation, again.started),
        (chosen, conv, false)
    );
    // Asked for in another conversation: the one it runs in, untouched.
    let elsewhere = b.write_at(JOAO, "oi", 2).await.conversation;
    let moved = sessions::start_by_hand_as(&b.store, b.acc, elsewhere, flow, None, chosen)
        .await
        .unwrap();
    assert_eq!(
        (moved.session, moved.conversation, moved.started),
        (chosen, conv, false)
    );
    assert!(b.sessions(elsewhere).await.is_empty());
    // …or once the bot is off: what was asked for was done.
    b.setting("enabled", json!(false)).await;
    let later = sessions::start_by_hand_as(&b.store, b.acc, conv, flow, None, chosen)
        .await
        .unwrap();
    assert_eq!((later.session, later.started), (chosen, false));
    assert!(step_due(&b, now_ms()).await.is_empty());
    let started = b
        .log(conv)
        .await
        .into_iter()
        .filter(|(what, _)| what == "started")
        .count();
    assert_eq!(started, 1);
    assert_eq!(b.sessions(conv).await.len(), 1);

    // Another id is another start (refused here: the bot is off).
    let other = sessions::start_by_hand_as(&b.store, b.acc, conv, flow, None, SessionId::new())
        .await
        .unwrap_err();
    assert_eq!(other.code(), ErrorCode::AutomationSettingsInvalid);
}
