//! What the bot does with a message a contact sends: queued by ingest in
//! the message's transaction, then the rules of docs/automation.md in
//! order, against a real SQLite file.

use serde_json::json;
use zapdesk_core::automation::run::{self, Handled, STALE_AFTER};
use zapdesk_core::domain::{BotSource, Direction, MessageStatus, Role};
use zapdesk_core::fields::{self, FieldInput, FieldKind};
use zapdesk_core::ids::FlowId;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::inbox::work::{self, Owner};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{ContactId, ConversationId};

use crate::support::automation::{Bot, JOAO, MARIA, actions, bot, doc, end, menu, send};

const MINUTE: i64 = 60_000;

/// A keyword `oi` that answers "Olá!".
async fn hello(b: &Bot) {
    b.keyword(
        "Oi",
        "exact",
        &["oi"],
        actions(json!({"reply": {"kind": "text", "text": "Olá!"}})),
    )
    .await;
}

/// A menu flow started by the keyword `menu`: "1 Pedidos, 2 Horários".
async fn menu_flow(b: &Bot) -> FlowId {
    let flow = b
        .publish(
            "Atendimento",
            doc(
                "hi",
                vec![
                    send("hi", "Oi {{primeiro_nome}}!", 800),
                    menu("menu", "Escolha:", &["Pedidos", "Horários"]),
                    send("orders", "Seu pedido está a caminho.", 500),
                    send("hours", "Abrimos às 8h.", 500),
                    end("end"),
                ],
                vec![
                    ("hi", "next", "menu"),
                    ("menu", "option:a", "orders"),
                    ("menu", "option:b", "hours"),
                    ("orders", "next", "end"),
                    ("hours", "next", "end"),
                ],
            ),
            json!([]),
        )
        .await;
    b.keyword(
        "Menu",
        "exact",
        &["menu"],
        actions(json!({"start_flow": flow})),
    )
    .await;
    flow
}

async fn contact_of(b: &Bot, conv: ConversationId) -> ContactId {
    sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = ?")
        .bind(conv)
        .fetch_one(&b.raw)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_recent_message_is_queued_once_and_old_history_is_not() {
    let b = bot().await;
    let message = |wa_id: &str, sent_at: i64, from_me: bool| Inbound {
        wa_id: wa_id.into(),
        phone: MARIA.into(),
        body: "oi".into(),
        sent_at,
        from_me,
        ..Default::default()
    };
    let now = now_ms();
    let first = ingest(&b.store, b.acc, b.number, &message("w1", now, false))
        .await
        .unwrap();
    assert!(first.is_some());
    assert_eq!(b.queued().await, 1);
    // WhatsApp repeats itself: stored once, queued once.
    let again = ingest(&b.store, b.acc, b.number, &message("w1", now, false))
        .await
        .unwrap();
    assert!(again.is_none());
    assert_eq!(b.queued().await, 1);
    // A catch-up of yesterday's history is stored, not answered.
    let old = now - STALE_AFTER - MINUTE;
    assert!(
        ingest(&b.store, b.acc, b.number, &message("w2", old, false))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(b.queued().await, 1);
    // Sent from the phone itself: not the contact's.
    ingest(&b.store, b.acc, b.number, &message("w3", now, true))
        .await
        .unwrap();
    assert_eq!(b.queued().await, 1);
    // No WhatsApp time: now.
    ingest(&b.store, b.acc, b.number, &message("w4", 0, false))
        .await
        .unwrap();
    assert_eq!(b.queued().await, 2);
    let items = run::next_queued(&b.store, &|_| true, 0, now_ms(), 10)
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0].seq < items[1].seq);
    assert_eq!(items[0].instance, Some(b.number));
}

#[tokio::test]
async fn the_account_switched_off_answers_nothing() {
    let b = bot().await;
    hello(&b).await;
    b.setting("enabled", json!(false)).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    b.handle().await;
    assert!(b.bot_said(conv).await.is_empty());
    assert_eq!(b.queued().await, 0, "looked at, and gone from the queue");
    b.setting("enabled", json!(true)).await;
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Olá!"]);
}

/// The bot keeps the account's settings, fields, keywords and flows in
/// memory between messages (run/config.rs); a change made anywhere on the
/// file — here through another connection, as `zapdesk-cli` or a pull from
/// the agency's server writes — is seen by the very next message.
#[tokio::test]
async fn a_change_made_by_another_process_is_seen_at_the_next_message() {
    let b = bot().await;
    hello(&b).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Olá!"]);

    sqlx::query("UPDATE keywords SET actions = ?")
        .bind(actions(json!({"reply": {"kind": "text", "text": "Bom dia!"}})).to_string())
        .execute(&b.raw)
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Olá!", "Bom dia!"]);

    sqlx::query("DELETE FROM keywords")
        .execute(&b.raw)
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Olá!", "Bom dia!"],
        "the keyword is gone"
    );
}

#[tokio::test]
async fn a_conversation_a_person_owns_gets_no_answer() {
    let b = bot().await;
    hello(&b).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 1);

    work::set_owner(&b.store, b.acc, conv, Owner::Human)
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 1, "taken over");

    work::set_owner(&b.store, b.acc, conv, Owner::Bot)
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 2, "handed back");

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
    work::assign(&b.store, b.acc, conv, Some(ana.id))
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 2, "assigned");

    // One rule, as the inbox shows it: handed back to the bot, Ana still
    // assigned, the bot answers again.
    work::set_owner(&b.store, b.acc, conv, Owner::Bot)
        .await
        .unwrap();
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(
        b.bot_said(conv).await.len(),
        3,
        "handed back, still assigned"
    );
}

#[tokio::test]
async fn a_takeover_keeps_the_bots_waiting_messages_from_leaving() {
    let b = bot().await;
    menu_flow(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;
    // The greeting waits for its typing pause, the menu after it.
    let waiting = |b: &Bot| {
        let raw = b.raw.clone();
        async move {
            sqlx::query_as::<_, (String, String, Option<String>)>(
                "SELECT body, status, error FROM messages WHERE conversation_id = ? AND bot_source IS NOT NULL
                 ORDER BY send_after",
            )
            .bind(conv)
            .fetch_all(&raw)
            .await
            .unwrap()
        }
    };
    let before = waiting(&b).await;
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|(_, status, _)| status == "pending"));

    work::set_owner(&b.store, b.acc, conv, Owner::Human)
        .await
        .unwrap();
    // Nothing of the bot leaves once the person has the chat; the sender
    // finds nothing to claim.
    for (body, status, error) in waiting(&b).await {
        assert_eq!(
            (status.as_str(), error.as_deref()),
            ("failed", Some(outbox::BOT_STOPPED)),
            "{body}"
        );
    }
    let far = now_ms() + 60_000;
    assert!(
        outbox::claim_next_at(&b.store, b.acc, b.number, far)
            .await
            .unwrap()
            .is_none()
    );
    // The operator's own message goes.
    outbox::enqueue_text(&b.store, b.acc, conv, "Oi Maria, aqui é a Ana.")
        .await
        .unwrap();
    let job = outbox::claim_next_at(&b.store, b.acc, b.number, far)
        .await
        .unwrap()
        .expect("the operator's message");
    assert_eq!(job.body, "Oi Maria, aqui é a Ana.");
}

#[tokio::test]
async fn sair_ends_the_flow_and_an_opted_out_contact_gets_nothing() {
    let b = bot().await;
    menu_flow(&b).await;
    hello(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 2);
    assert_eq!(b.sessions(conv).await[0].0, "active");

    b.write(MARIA, "SAIR").await;
    b.handle().await;
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"opted_out"}"#.to_owned())
        )]
    );
    // Only ingest's confirmation went out, and it is not the bot's.
    let thread = b.thread(conv).await;
    let last = thread.last().unwrap();
    assert_eq!(last.body, zapdesk_core::opt_out::CONFIRMATION);
    assert_eq!(last.bot_source, None);
    assert_eq!(b.bot_said(conv).await.len(), 2);
    // The greeting and the menu, still in their typing pause when she wrote
    // SAIR, never leave.
    for m in thread.iter().filter(|m| m.bot_source.is_some()) {
        assert_eq!(
            (m.status, m.error.as_deref()),
            (MessageStatus::Failed, Some(outbox::BOT_OPTED_OUT)),
            "{}",
            m.body
        );
    }

    for text in ["menu", "oi", "2"] {
        b.write(MARIA, text).await;
    }
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 2, "opted out: nothing");
    assert_eq!(b.sessions(conv).await.len(), 1);
}

#[tokio::test]
async fn a_handoff_word_hands_the_conversation_to_a_person_with_a_note_and_a_reply() {
    let b = bot().await;
    menu_flow(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;

    b.write(MARIA, "quero falar com um ATENDENTE!").await;
    b.handle().await;
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"handoff"}"#.to_owned())
        )]
    );
    assert_eq!(
        work::owner(&b.store, b.acc, conv).await.unwrap(),
        Owner::Human
    );
    let notes = work::notes(&b.store, b.acc, conv).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].body.contains("quero falar com um ATENDENTE!"),
        "{}",
        notes[0].body
    );
    let last = b.thread(conv).await.pop().unwrap();
    assert_eq!(last.bot_source, Some(BotSource::System));
    assert_eq!(
        last.body,
        "Certo! Uma pessoa da nossa equipe vai continuar a conversa."
    );
    // The greeting and the menu, still "typing" when she asked, do not
    // follow the hand-off reply.
    let flow_said: Vec<(MessageStatus, Option<String>)> = b
        .thread(conv)
        .await
        .into_iter()
        .filter(|m| m.bot_source == Some(BotSource::Flow))
        .map(|m| (m.status, m.error))
        .collect();
    assert_eq!(
        flow_said,
        vec![(MessageStatus::Failed, Some(outbox::BOT_STOPPED.to_owned())); 2]
    );
    assert_eq!(last.status, MessageStatus::Pending);

    // A person has it now: the menu's answer is the person's to read.
    b.write(MARIA, "2").await;
    b.write(MARIA, "menu").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 3);

    // The account's own words and reply.
    let other = bot().await;
    other
        .setting("handoff_words", json!(json!(["humano"]).to_string()))
        .await;
    other
        .setting("handoff_reply", json!("Já chamo alguém."))
        .await;
    let conv = other.write(MARIA, "atendente").await.conversation;
    other.handle().await;
    assert!(other.bot_said(conv).await.is_empty());
    other.write(MARIA, "Humano, por favor").await;
    other.handle().await;
    assert_eq!(other.bot_said(conv).await, ["Já chamo alguém."]);
}

#[tokio::test]
async fn a_waiting_menu_takes_the_reply_until_the_session_expires() {
    let b = bot().await;
    let flow = menu_flow(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;
    let said = b.bot_said(conv).await;
    assert_eq!(said[0], "Oi Maria!");
    assert!(said[1].starts_with("Escolha:") && said[1].contains("2 - Horários"));
    let thread = b.thread(conv).await;
    let hi = thread.iter().find(|m| m.body == "Oi Maria!").unwrap();
    assert_eq!(hi.bot_source, Some(BotSource::Flow));
    assert_eq!(hi.bot_ref, Some(flow.as_uuid()));
    assert_eq!(hi.bot_node.as_deref(), Some("hi"));

    b.write(MARIA, "2").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.last().unwrap(), "Abrimos às 8h.");
    assert_eq!(
        b.sessions(conv).await,
        [("ended".to_owned(), Some(r#"{"reason":"done"}"#.to_owned()))]
    );
    let log = b.log(conv).await;
    assert!(
        log.contains(&("path".to_owned(), "menu → hours → end".to_owned())),
        "{log:?}"
    );
    // The ended session keeps the answer.
    let state: String =
        sqlx::query_scalar("SELECT state FROM flow_sessions WHERE conversation_id = ?")
            .bind(conv)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["vars"]["menu"], "Horários", "{state}");

    // A menu left unanswered longer than the account allows is over: the
    // next message is a new one.
    b.setting("session_expiry_minutes", json!(5)).await;
    b.write(MARIA, "menu").await;
    b.handle().await;
    let before = b.bot_said(conv).await.len();
    b.write(MARIA, "1").await;
    b.handle_at(now_ms() + 6 * MINUTE).await;
    assert_eq!(b.bot_said(conv).await.len(), before);
    let sessions = b.sessions(conv).await;
    assert_eq!(
        sessions.last().unwrap(),
        &(
            "ended".to_owned(),
            Some(r#"{"reason":"expired"}"#.to_owned())
        )
    );
}

#[tokio::test]
async fn a_keyword_fires_each_of_its_actions() {
    let b = bot().await;
    fields::create(
        &b.store,
        b.acc,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let vip = tags::create(
        &b.store,
        b.acc,
        &TagInput {
            name: "VIP".into(),
            color: "#16a34a".into(),
        },
    )
    .await
    .unwrap();
    let novo = tags::create(
        &b.store,
        b.acc,
        &TagInput {
            name: "Novo".into(),
            color: "#2563eb".into(),
        },
    )
    .await
    .unwrap();
    let flow = b
        .publish(
            "Boas-vindas",
            doc(
                "w",
                vec![send("w", "Bem-vindo ao clube, {{plano}}!", 0)],
                vec![],
            ),
            json!([]),
        )
        .await;
    let keyword = b
        .keyword(
            "Promoção",
            "contains",
            &["promoção"],
            actions(json!({
                "reply": {"kind": "text", "text": "{Oi|Olá} {{primeiro_nome}}, temos promoção!"},
                "add_tags": ["vip", "inexistente"],
                "remove_tags": ["NOVO"],
                "set_field": {"field": "plano", "value": "Ouro de {{primeiro_nome}}"},
                "start_flow": flow
            })),
        )
        .await;
    let conv = b.write(MARIA, "bom dia").await.conversation;
    b.handle().await;
    let contact = contact_of(&b, conv).await;
    tags::apply(&b.store, b.acc, novo.id, &[contact], true)
        .await
        .unwrap();

    b.write(MARIA, "Quero a PROMOCAO de hoje").await;
    let done = b.handle().await;
    let said = b.bot_said(conv).await;
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0] == "Oi Maria, temos promoção!" || said[0] == "Olá Maria, temos promoção!",
        "{said:?}"
    );
    // The flow started after the field was set, and sees it.
    assert_eq!(said[1], "Bem-vindo ao clube, Ouro de Maria!");
    let thread = b.thread(conv).await;
    let reply = thread.iter().find(|m| m.body == said[0]).unwrap();
    assert_eq!(reply.bot_source, Some(BotSource::Keyword));
    assert_eq!(reply.bot_ref, Some(keyword.as_uuid()));
    let tagged: Vec<_> = tags::of_contact(&b.store, b.acc, contact)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(tagged, [vip.id]);
    let values = fields::values_of(&b.store, b.acc, contact).await.unwrap();
    assert_eq!(values[0].value, "Ouro de Maria");
    assert!(
        b.log(conv)
            .await
            .iter()
            .any(|(what, detail)| what == "skipped" && detail.contains("inexistente"))
    );
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].kick, [b.number]);

    // A hand-off keyword: to an operator, with its note.
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
    b.keyword(
        "Humano",
        "exact",
        &["falar com a ana"],
        actions(json!({"handoff": {"assign": ana.id, "note": "Pediu a Ana"}})),
    )
    .await;
    b.write(MARIA, "Falar com a Ana").await;
    b.handle().await;
    let owner: (String, Option<zapdesk_core::UserId>) =
        sqlx::query_as("SELECT owner, assignee_id FROM conversations WHERE id = ?")
            .bind(conv)
            .fetch_one(&b.raw)
            .await
            .unwrap();
    assert_eq!(owner, ("human".to_owned(), Some(ana.id)));
    let notes = work::notes(&b.store, b.acc, conv).await.unwrap();
    assert_eq!(notes.last().unwrap().body, "Pediu a Ana");
}

#[tokio::test]
async fn a_keyword_in_its_cooldown_does_not_fire_again_for_that_contact() {
    let b = bot().await;
    b.keyword_with(
        "Oi",
        "exact",
        &["oi"],
        actions(json!({"reply": {"kind": "text", "text": "Olá!"}})),
        0,
        10,
        &[],
    )
    .await;
    let maria = b.write(MARIA, "oi").await.conversation;
    b.write(MARIA, "oi").await;
    let joao = b.write(JOAO, "oi").await.conversation;
    b.handle().await;
    assert_eq!(b.bot_said(maria).await.len(), 1);
    assert_eq!(b.bot_said(joao).await.len(), 1, "per contact");
    b.write(MARIA, "oi").await;
    b.handle_at(now_ms() + 11 * MINUTE).await;
    assert_eq!(b.bot_said(maria).await.len(), 2);
}

#[tokio::test]
async fn the_first_keyword_on_in_scope_wins() {
    let b = bot().await;
    let other = crate::support::number(&b.store, b.acc, "Suporte", true).await;
    let reply = |text: &str| actions(json!({"reply": {"kind": "text", "text": text}}));
    b.keyword_with(
        "Outro número",
        "contains",
        &["preço"],
        reply("A"),
        5,
        0,
        &[other],
    )
    .await;
    b.keyword_with("Geral", "contains", &["preço"], reply("B"), 0, 0, &[])
        .await;
    let off = b
        .keyword_with("Desligada", "contains", &["preço"], reply("C"), 9, 0, &[])
        .await;
    sqlx::query("UPDATE keywords SET enabled = 0 WHERE id = ?")
        .bind(off)
        .execute(&b.raw)
        .await
        .unwrap();
    b.keyword_with(
        "Este número",
        "contains",
        &["prazo"],
        reply("D"),
        0,
        0,
        &[b.number],
    )
    .await;
    let conv = b.write(MARIA, "qual o preço?").await.conversation;
    b.write(MARIA, "e o prazo?").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["B", "D"]);
}

#[tokio::test]
async fn the_first_message_on_a_number_starts_its_flow_once() {
    let b = bot().await;
    b.publish(
        "Primeiro contato",
        doc("w", vec![send("w", "Bem-vindo!", 0)], vec![]),
        json!([{"on": "first_message", "numbers": []}]),
    )
    .await;
    let conv = b.write(MARIA, "olá").await.conversation;
    b.write(MARIA, "olá de novo").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Bem-vindo!"]);
    let started: Vec<String> = sqlx::query_scalar("SELECT started_by FROM flow_sessions")
        .fetch_all(&b.raw)
        .await
        .unwrap();
    assert_eq!(started, [r#"{"by":"first_message"}"#]);

    // A contact whose history was caught up has written before.
    let old = now_ms() - STALE_AFTER - MINUTE;
    let joao = b.write_at(JOAO, "mensagem antiga", old).await.conversation;
    b.write(JOAO, "oi").await;
    b.handle().await;
    assert!(b.bot_said(joao).await.is_empty());
}

#[tokio::test]
async fn a_reply_to_a_campaign_starts_its_flow_once() {
    let b = bot().await;
    let flow = b
        .publish(
            "Resposta à campanha",
            doc("w", vec![send("w", "Que bom que respondeu!", 0)], vec![]),
            json!([]),
        )
        .await;
    // Maria's conversation, from history.
    let old = now_ms() - STALE_AFTER - MINUTE;
    let seen = b.write_at(MARIA, "antiga", old).await;
    let conv = seen.conversation;
    let campaign = zapdesk_core::ids::CampaignId::new();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO campaigns (id, account_id, name, message, status, created_at, updated_at, reply_flow_id)
         VALUES (?, ?, 'Natal', 'Feliz Natal!', 'running', ?, ?, ?)",
    )
    .bind(campaign)
    .bind(b.acc)
    .bind(now)
    .bind(now)
    .bind(flow)
    .execute(&b.raw)
    .await
    .unwrap();
    let sent = outbox::enqueue_text(&b.store, b.acc, conv, "Feliz Natal!")
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO campaign_recipients (account_id, campaign_id, contact_id, instance_id, position, state, message_id, queued_at)
         VALUES (?, ?, ?, ?, 0, 'queued', ?, ?)",
    )
    .bind(b.acc)
    .bind(campaign)
    .bind(seen.contact)
    .bind(b.number)
    .bind(sent.id)
    .bind(now)
    .execute(&b.raw)
    .await
    .unwrap();

    // Times set apart, as minutes apart in real life: history, then a
    // message while the campaign's was still queued, then the campaign's.
    let at = |minutes: i64| now - minutes * MINUTE;
    let set_time = |id: zapdesk_core::MessageId, t: i64| {
        sqlx::query("UPDATE messages SET created_at = ? WHERE id = ?")
            .bind(t)
            .bind(id)
            .execute(&b.raw)
    };
    set_time(seen.message, at(180)).await.unwrap();
    set_time(sent.id, at(120)).await.unwrap();

    // Not gone out yet: a message now is no reply to it.
    let early = b.write(MARIA, "oi?").await;
    b.handle().await;
    assert!(b.bot_said(conv).await.is_empty());
    set_time(early.message, at(150)).await.unwrap();

    outbox::mark_sent(&b.store, b.acc, sent.id, "true_x_3EB0AA", 1)
        .await
        .unwrap();
    b.write(MARIA, "Obrigada!").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await, ["Que bom que respondeu!"]);
    b.write(MARIA, "Obrigada de novo!").await;
    b.handle().await;
    assert_eq!(b.bot_said(conv).await.len(), 1, "the first reply only");
    let started: String = sqlx::query_scalar("SELECT started_by FROM flow_sessions")
        .fetch_one(&b.raw)
        .await
        .unwrap();
    assert_eq!(
        started,
        json!({"by": "campaign", "campaign": campaign}).to_string()
    );
}

#[tokio::test]
async fn nothing_matched_answers_at_most_once_per_contact_every_n_hours() {
    let b = bot().await;
    b.publish(
        "Padrão",
        doc(
            "w",
            vec![send("w", "Não entendi, mas já te respondemos.", 0)],
            vec![],
        ),
        json!([{"on": "no_match", "hours": 24, "numbers": []}]),
    )
    .await;
    hello(&b).await;
    let conv = b.write(MARIA, "xyz").await.conversation;
    b.write(MARIA, "abc").await;
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(
        b.bot_said(conv).await,
        ["Não entendi, mas já te respondemos.", "Olá!"]
    );
    b.write(MARIA, "e agora?").await;
    b.handle_at(now_ms() + 25 * 60 * MINUTE).await;
    assert_eq!(b.bot_said(conv).await.len(), 3);
}

#[tokio::test]
async fn a_message_of_a_number_run_elsewhere_waits_then_is_dropped_with_a_log_line() {
    let b = bot().await;
    hello(&b).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    let now = now_ms();
    let elsewhere = |_: zapdesk_core::InstanceId| false;
    assert!(
        run::next_queued(&b.store, &elsewhere, 0, now, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let item = run::next_queued(&b.store, &|_| true, 0, now, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        run::handle_queued(&b.store, &item, &elsewhere, now)
            .await
            .unwrap(),
        Handled::Kept {
            until: Some(item.created_at + run::KEEP_ELSEWHERE)
        }
    );
    assert_eq!(b.queued().await, 1);
    let later = now + run::KEEP_ELSEWHERE + MINUTE;
    let items = run::next_queued(&b.store, &elsewhere, 0, later, 10)
        .await
        .unwrap();
    assert_eq!(items, std::slice::from_ref(&item));
    assert!(matches!(
        run::handle_queued(&b.store, &item, &elsewhere, later)
            .await
            .unwrap(),
        Handled::Done(_)
    ));
    assert_eq!(b.queued().await, 0);
    assert!(b.bot_said(conv).await.is_empty());
    assert_eq!(b.log(conv).await[0].0, "dropped");
    // Handled twice (two passes): the second finds nothing to do.
    assert_eq!(
        run::handle_queued(&b.store, &item, &|_| true, later)
            .await
            .unwrap(),
        Handled::Done(Default::default())
    );
    assert!(
        b.thread(conv)
            .await
            .iter()
            .all(|m| m.direction == Direction::Inbound)
    );
}

#[tokio::test]
async fn a_message_queued_before_a_restart_waits_for_its_number_from_the_runners_start() {
    let b = bot().await;
    hello(&b).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    let queued_at = now_ms();
    // The desktop restarts 30 minutes later (a crash, a night off): its
    // number is still starting, its lease not granted yet.
    let started = queued_at + 30 * MINUTE;
    let starting = |_: zapdesk_core::InstanceId| false;
    assert!(
        run::next_queued(&b.store, &starting, started, started + MINUTE, 10)
            .await
            .unwrap()
            .is_empty(),
        "not dropped because it is old: the number may start here"
    );
    let item = run::next_queued(&b.store, &|_| true, started, started + MINUTE, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(item.waits_from, started);
    assert_eq!(
        run::handle_queued(&b.store, &item, &starting, started + MINUTE)
            .await
            .unwrap(),
        Handled::Kept {
            until: Some(started + run::KEEP_ELSEWHERE)
        }
    );
    // The number runs here two minutes after the start: Maria is answered.
    let item = run::next_queued(&b.store, &|_| true, started, started + 2 * MINUTE, 10)
        .await
        .unwrap()
        .remove(0);
    assert!(matches!(
        run::handle_queued(&b.store, &item, &|_| true, started + 2 * MINUTE)
            .await
            .unwrap(),
        Handled::Done(_)
    ));
    assert_eq!(b.bot_said(conv).await, ["Olá!"]);
}

#[tokio::test]
async fn rows_that_do_not_read_here_silence_nobody() {
    let b = bot().await;
    menu_flow(&b).await;
    hello(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;
    assert_eq!(b.sessions(conv).await[0].0, "active");
    // A session state and a keyword written by a newer ZapDesk (a wait and
    // an action this one does not know), synced here.
    sqlx::query(
        r#"UPDATE flow_sessions SET state = '{"node":"menu","wait":{"for":"hologram"}}' WHERE conversation_id = ?"#,
    )
    .bind(conv)
    .execute(&b.raw)
    .await
    .unwrap();
    let newer = b
        .keyword("Novo", "exact", &["novo"], actions(json!({})))
        .await;
    sqlx::query(r#"UPDATE keywords SET actions = '{"teleport": true}' WHERE id = ?"#)
        .bind(newer)
        .execute(&b.raw)
        .await
        .unwrap();

    // Maria still gets her keyword's answer; the session that does not read
    // ends, said in its log.
    b.write(MARIA, "oi").await;
    b.handle().await;
    assert_eq!(
        b.bot_said(conv).await.last().map(String::as_str),
        Some("Olá!")
    );
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"broken","node":"menu"}"#.to_owned())
        )]
    );
    assert!(
        b.log(conv)
            .await
            .iter()
            .any(|(what, detail)| what == "skipped"
                && detail.starts_with("the session's state does not read"))
    );
}

#[tokio::test]
async fn the_bots_log_is_pruned_by_age_in_batches() {
    let b = bot().await;
    hello(&b).await;
    let conv = b.write(MARIA, "oi").await.conversation;
    b.handle().await;
    let lines = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM automation_log")
            .fetch_one(&b.raw)
            .await
            .unwrap()
    };
    let recent = lines().await;
    assert!(recent > 0);
    // 12 000 lines of four months ago: more than two batches.
    let old = now_ms() - run::LOG_KEPT - 30 * 24 * 60 * MINUTE;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
         INSERT INTO automation_log (account_id, conversation_id, session_id, at, what, detail)
         SELECT ?, ?, NULL, ? + i, 'path', 'a → b' FROM n",
    )
    .bind(b.acc)
    .bind(conv)
    .bind(old)
    .execute(&b.raw)
    .await
    .unwrap();
    assert_eq!(lines().await, recent + 12_000);
    assert_eq!(
        run::prune_log(&b.store, now_ms() - run::LOG_KEPT)
            .await
            .unwrap(),
        12_000
    );
    assert_eq!(lines().await, recent, "today's lines stay");
    assert_eq!(
        run::prune_log(&b.store, now_ms() - run::LOG_KEPT)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_file_the_bot_sends_is_written_under_the_accounts_media_folder_once() {
    let b = bot().await;
    let file = zapdesk_core::ids::AutomationFileId::new();
    let bytes = b"\x89PNG\r\n\x1a\nimagem".to_vec();
    sqlx::query(
        "INSERT INTO automation_files (id, account_id, name, mime, kind, bytes, created_at)
         VALUES (?, ?, 'cardápio.png', 'image/png', 'image', ?, 0)",
    )
    .bind(file)
    .bind(b.acc)
    .bind(&bytes)
    .execute(&b.raw)
    .await
    .unwrap();
    b.keyword(
        "Cardápio",
        "contains",
        &["cardapio"],
        actions(json!({"reply": {"kind": "file", "file": file.to_string(), "caption": "Nosso cardápio, {{primeiro_nome}}"}})),
    )
    .await;
    b.keyword(
        "Sumiu",
        "contains",
        &["sumiu"],
        actions(json!({"reply": {"kind": "file", "file": zapdesk_core::ids::AutomationFileId::new().to_string(), "caption": ""}})),
    )
    .await;
    let conv = b.write(MARIA, "manda o cardápio").await.conversation;
    b.write(MARIA, "manda o cardápio de novo").await;
    b.write(MARIA, "o arquivo sumiu?").await;
    b.handle().await;
    let sent: Vec<_> = b
        .thread(conv)
        .await
        .into_iter()
        .filter(|m| m.bot_source.is_some())
        .collect();
    assert_eq!(sent.len(), 2, "a file the account lacks is skipped");
    let path = format!("media/{}/bot-{file}.png", b.acc);
    for m in &sent {
        assert_eq!(m.kind, zapdesk_core::domain::MessageKind::Image);
        assert_eq!(m.body, "Nosso cardápio, Maria");
        assert_eq!(m.media_path.as_deref(), Some(path.as_str()));
        assert_eq!(m.media_mime.as_deref(), Some("image/png"));
        assert_eq!(m.media_size, Some(bytes.len() as i64));
    }
    let on_disk =
        zapdesk_core::inbox::attachments::sendable_path(b.dir.path(), b.acc, &path).unwrap();
    assert_eq!(std::fs::read(&on_disk).unwrap(), bytes);
    assert!(
        b.log(conv)
            .await
            .iter()
            .any(|(what, detail)| what == "skipped" && detail.starts_with("file "))
    );

    // Queued on the desktop that ran the number before: written back here.
    std::fs::remove_file(&on_disk).unwrap();
    assert!(run::restore_bot_file(&b.store, b.acc, &path).await.unwrap());
    assert_eq!(std::fs::read(&on_disk).unwrap(), bytes);
    // Never any other path a synced column could name.
    let elsewhere = format!("media/{}/bot-{file}.exe", b.acc);
    assert!(
        !run::restore_bot_file(&b.store, b.acc, &elsewhere)
            .await
            .unwrap()
    );
    let other = crate::support::account(&b.store, "Outra").await;
    assert!(!run::restore_bot_file(&b.store, other, &path).await.unwrap());
}

#[tokio::test]
async fn a_session_left_running_in_a_persons_conversation_ends_at_the_next_message() {
    let b = bot().await;
    menu_flow(&b).await;
    let conv = b.write(MARIA, "menu").await.conversation;
    b.handle().await;
    // A takeover synced from another desktop: the owner changed, the
    // session row did not.
    sqlx::query("UPDATE conversations SET owner = 'human' WHERE id = ?")
        .bind(conv)
        .execute(&b.raw)
        .await
        .unwrap();
    b.write(MARIA, "1").await;
    b.handle().await;
    assert_eq!(
        b.sessions(conv).await,
        [(
            "ended".to_owned(),
            Some(r#"{"reason":"stopped"}"#.to_owned())
        )]
    );
    assert_eq!(b.bot_said(conv).await.len(), 2);
}
