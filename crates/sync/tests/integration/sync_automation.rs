//! Automation on two desktops through the real PostgreSQL (issue 15):
//! settings, keywords, the bot's files, flows, their versions and the
//! sessions running in conversations converge like the rest of an account's
//! data, the later clock winning an edit made on both; deleting a flow takes
//! its versions and sessions off every desktop; what the bot keeps to itself
//! (its queue, cooldowns, log, a message's typing pause) never reaches the
//! server; and a session stepped on one desktop is read on the other exactly
//! as it was, which is what a takeover continues from.
//!
//! The rows are written with SQL as the core's store writes them (its
//! automation CRUD is built beside this): the sync triggers see any write.

use std::collections::BTreeMap;

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use uuid::Uuid;
use zapdesk_core::automation::engine::{Session, Wait};
use zapdesk_core::automation::flow::{
    Content, Edge, FlowDocument, Node, NodeKind, Position, SCHEMA,
};
use zapdesk_core::automation::flows::{self, Trigger};
use zapdesk_core::automation::keywords::{self, Actions};
use zapdesk_core::automation::settings;
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::ids::{AutomationFileId, FlowId, FlowVersionId, KeywordId, SessionId};
use zapdesk_core::inbox::{conversations, outbox};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::lgpd::{self, Actor};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{ContactId, ConversationId, MessageId};
use zapdesk_sync::tables::TABLES;
use zapdesk_sync::testing::ScratchDatabase;

/// What each desktop keeps to itself (migrations/sqlite/0018).
const LOCAL_ONLY: &[&str] = &[
    "automation_queue",
    "automation_apply",
    "automation_marks",
    "automation_log",
];

/// A flow document: a greeting, then the end.
fn greeting(text: &str) -> String {
    let at = |y| Position { x: 0.0, y };
    serde_json::to_string(&FlowDocument {
        schema: SCHEMA,
        start: "oi".into(),
        nodes: vec![
            Node {
                id: "oi".into(),
                position: at(0.0),
                kind: NodeKind::Send {
                    content: Content::Text { text: text.into() },
                    typing_ms: 800,
                },
            },
            Node {
                id: "fim".into(),
                position: at(120.0),
                kind: NodeKind::End,
            },
        ],
        edges: vec![Edge {
            id: "e1".into(),
            from: "oi".into(),
            handle: "next".into(),
            to: "fim".into(),
        }],
    })
    .unwrap()
}

/// A contact's conversation on a new number of desktop `d`.
async fn conversation(d: &Desktop, phone: &str) -> (ContactId, ConversationId) {
    let acc = d.account_id();
    let number = instances::create(
        &d.store,
        acc,
        &NumberInput {
            name: format!("Vendas {phone}"),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let contact = contacts::create(
        &d.store,
        acc,
        &ContactInput {
            phone: phone.into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap()
    .id;
    let conv = conversations::open(&d.store, acc, number, contact)
        .await
        .unwrap();
    (contact, conv)
}

async fn save_settings(d: &Desktop, handoff_words: &[&str], ai_base_url: Option<&str>) {
    sqlx::query(
        "INSERT INTO automation_settings (account_id, enabled, time_zone, handoff_words, handoff_reply,
             session_expiry_minutes, allow_private_http, ai_base_url, ai_model, ai_instructions, updated_at)
         VALUES (?1, 1, 'America/Recife', ?2, 'Já chamo alguém da equipe 🙂', 90, 0, ?3, 'llama3',
                 'Responda em português, com frases curtas.', ?4)
         ON CONFLICT (account_id) DO UPDATE SET handoff_words = excluded.handoff_words,
             ai_base_url = excluded.ai_base_url, updated_at = excluded.updated_at",
    )
    .bind(d.account)
    .bind(serde_json::to_string(handoff_words).unwrap())
    .bind(ai_base_url)
    .bind(now_ms())
    .execute(d.pool())
    .await
    .unwrap();
}

async fn new_keyword(d: &Desktop, name: &str, start_flow: Option<FlowId>) -> KeywordId {
    let id = KeywordId::new();
    let actions = Actions {
        add_tags: vec!["lead".into()],
        start_flow,
        ..Actions::default()
    };
    sqlx::query(
        "INSERT INTO keywords (id, account_id, name, match_kind, words, numbers, priority, enabled,
             cooldown_minutes, actions, created_at, updated_at)
         VALUES (?, ?, ?, 'contains', '[\"orçamento\",\"preço\"]', '[]', 5, 1, 30, ?, ?, ?)",
    )
    .bind(id)
    .bind(d.account)
    .bind(name)
    .bind(serde_json::to_string(&actions).unwrap())
    .bind(now_ms())
    .bind(now_ms())
    .execute(d.pool())
    .await
    .unwrap();
    id
}

async fn new_file(d: &Desktop, bytes: &[u8]) -> AutomationFileId {
    let id = AutomationFileId::new();
    sqlx::query(
        "INSERT INTO automation_files (id, account_id, name, mime, kind, bytes, created_at)
         VALUES (?, ?, 'cardápio.pdf', 'application/pdf', 'document', ?, ?)",
    )
    .bind(id)
    .bind(d.account)
    .bind(bytes)
    .bind(now_ms())
    .execute(d.pool())
    .await
    .unwrap();
    id
}

async fn new_flow(d: &Desktop, name: &str, draft: &str, triggers: &[Trigger]) -> FlowId {
    let id = FlowId::new();
    sqlx::query(
        "INSERT INTO flows (id, account_id, name, draft, triggers, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(d.account)
    .bind(name)
    .bind(draft)
    .bind(serde_json::to_string(triggers).unwrap())
    .bind(now_ms())
    .bind(now_ms())
    .execute(d.pool())
    .await
    .unwrap();
    id
}

async fn save_draft(d: &Desktop, flow: FlowId, draft: &str) {
    sqlx::query(
        "UPDATE flows SET draft = ?, revision = revision + 1, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(draft)
    .bind(now_ms())
    .bind(d.account)
    .bind(flow)
    .execute(d.pool())
    .await
    .unwrap();
}

/// Publishes the flow's draft as its next version, in one transaction.
async fn publish(d: &Desktop, flow: FlowId) -> FlowVersionId {
    let id = FlowVersionId::new();
    let mut tx = d.pool().begin().await.unwrap();
    sqlx::query(
        "INSERT INTO flow_versions (id, account_id, flow_id, number, document, published_at, published_by)
         SELECT ?1, account_id, id,
                (SELECT coalesce(max(number), 0) + 1 FROM flow_versions WHERE account_id = ?2 AND flow_id = ?3),
                draft, ?4, 'Ana Lima'
         FROM flows WHERE account_id = ?2 AND id = ?3",
    )
    .bind(id)
    .bind(d.account)
    .bind(flow)
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE flows SET published_version_id = ? WHERE account_id = ? AND id = ?")
        .bind(id)
        .bind(d.account)
        .bind(flow)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn start_session(
    d: &Desktop,
    conv: ConversationId,
    flow: FlowId,
    version: FlowVersionId,
    state: &Session,
) -> SessionId {
    let id = SessionId::new();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO flow_sessions (id, account_id, conversation_id, flow_id, version_id, state, status,
             wake_at, started_by, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'active', ?, '{\"by\":\"keyword\"}', ?, ?)",
    )
    .bind(id)
    .bind(d.account)
    .bind(conv)
    .bind(flow)
    .bind(version)
    .bind(serde_json::to_string(state).unwrap())
    .bind(state.wait.wake_at(now))
    .bind(now)
    .bind(now)
    .execute(d.pool())
    .await
    .unwrap();
    id
}

/// One turn of a session, as the runner saves it.
async fn step(d: &Desktop, session: SessionId, state: &Session) {
    let now = now_ms();
    sqlx::query(
        "UPDATE flow_sessions SET state = ?, wake_at = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(serde_json::to_string(state).unwrap())
    .bind(state.wait.wake_at(now))
    .bind(now)
    .bind(d.account)
    .bind(session)
    .execute(d.pool())
    .await
    .unwrap();
}

/// A bot's message in the conversation: sent by `node` of `flow`, after a
/// typing pause that only this desktop waits for.
async fn bot_message(d: &Desktop, conv: ConversationId, flow: FlowId, node: &str) -> MessageId {
    let message = outbox::enqueue_text(&d.store, d.account_id(), conv, "Olá! Bem-vinda 🥖")
        .await
        .unwrap()
        .id;
    sqlx::query(
        "UPDATE messages SET bot_source = 'flow', bot_ref = ?, bot_node = ?, send_after = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(flow)
    .bind(node)
    .bind(now_ms() + 800)
    .bind(d.account)
    .bind(message)
    .execute(d.pool())
    .await
    .unwrap();
    message
}

async fn state_of(d: &Desktop, session: SessionId) -> (String, Option<i64>, String) {
    sqlx::query_as("SELECT state, wake_at, hlc FROM flow_sessions WHERE account_id = ? AND id = ?")
        .bind(d.account)
        .bind(session)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

async fn count(d: &Desktop, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(d.account)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

/// The tables the desktop's outbox names: synced ones only, never one the
/// bot keeps to itself.
async fn assert_outbox_names_synced_tables_only(d: &Desktop) {
    let named: Vec<String> = sqlx::query_scalar("SELECT DISTINCT table_name FROM sync_outbox")
        .fetch_all(d.pool())
        .await
        .unwrap();
    for name in &named {
        assert!(
            TABLES.iter().any(|t| t.name == name),
            "the outbox names {name}, which is not synced"
        );
        assert!(!LOCAL_ONLY.contains(&name.as_str()), "{name}");
    }
}

/// The rows of every automation table of the account, for "both desktops
/// have them" (rows() compares every synced table as a whole).
async fn automation_counts(d: &Desktop) -> [i64; 6] {
    let mut out = [0; 6];
    for (slot, table) in out.iter_mut().zip([
        "automation_settings",
        "keywords",
        "automation_files",
        "flows",
        "flow_versions",
        "flow_sessions",
    ]) {
        *slot = count(
            d,
            &format!("SELECT count(*) FROM {table} WHERE account_id = ?"),
        )
        .await;
    }
    out
}

#[tokio::test]
async fn automation_converges_on_two_desktops_with_the_later_clock_winning() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();

    // A sets up the account's bot: settings, a flow published, a keyword
    // that starts it, a file, a session running in a conversation with the
    // bot's first message, and a campaign whose replies start the flow.
    let (_, conv) = conversation(&a, "+5511987650001").await;
    save_settings(
        &a,
        &["atendente", "humano"],
        Some("http://127.0.0.1:11434/v1"),
    )
    .await;
    let flow = new_flow(
        &a,
        "Boas-vindas",
        &greeting("Olá! Bem-vinda à padaria 🥖"),
        &[],
    )
    .await;
    let version = publish(&a, flow).await;
    let keyword = new_keyword(&a, "Orçamento", Some(flow)).await;
    let pdf: Vec<u8> = (0..1_048_576u32).map(|i| (i * 31 % 251) as u8).collect();
    let file = new_file(&a, &pdf).await;
    let mut state = Session::starting("oi");
    let session = start_session(&a, conv, flow, version, &state).await;
    state.turn = 1;
    state.wait = Wait::Reply {
        timeout_at: Some(now_ms() + 3_600_000),
    };
    step(&a, session, &state).await;
    let message = bot_message(&a, conv, flow, "oi").await;
    let campaign = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO campaigns (id, account_id, name, message, created_at, updated_at)
         VALUES (?, ?, 'Natal', 'Feliz Natal!', 1, 1)",
    )
    .bind(campaign)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE campaigns SET reply_flow_id = ? WHERE id = ?")
        .bind(flow)
        .bind(campaign)
        .execute(a.pool())
        .await
        .unwrap();
    assert_outbox_names_synced_tables_only(&a).await;

    a.sync().await;
    let pulled = b.pull().await;
    assert_eq!(pulled.conflicts, 0, "{pulled:?}");
    for table in ["automation_settings", "keywords", "flows", "flow_sessions"] {
        assert!(pulled.changed.contains(&table), "{table}: {pulled:?}");
    }
    assert_eq!(automation_counts(&b).await, [1, 1, 1, 1, 1, 1]);
    assert_eq!(a.rows().await, b.rows().await);
    // Who published the version travels with it.
    let published_by: Option<String> =
        sqlx::query_scalar("SELECT published_by FROM flow_versions WHERE id = ?")
            .bind(version)
            .fetch_one(b.pool())
            .await
            .unwrap();
    assert_eq!(published_by.as_deref(), Some("Ana Lima"));
    assert_eq!(b.waiting().await, 0, "pulled rows are not B's changes");

    // B reads them through the core as A does.
    assert_eq!(
        settings::get(&b.store, acc).await.unwrap(),
        settings::get(&a.store, acc).await.unwrap()
    );
    assert_eq!(
        settings::get(&b.store, acc).await.unwrap().handoff_words,
        ["atendente", "humano"]
    );
    let b_keywords = keywords::list(&b.store, acc).await.unwrap();
    assert_eq!(b_keywords, keywords::list(&a.store, acc).await.unwrap());
    assert_eq!(b_keywords[0].id, keyword);
    assert_eq!(b_keywords[0].actions.start_flow, Some(flow));
    assert_eq!(
        flows::get(&b.store, acc, flow).await.unwrap(),
        flows::get(&a.store, acc, flow).await.unwrap()
    );
    assert_eq!(
        flows::version(&b.store, acc, version).await.unwrap(),
        flows::version(&a.store, acc, version).await.unwrap()
    );
    let bytes: Vec<u8> =
        sqlx::query_scalar("SELECT bytes FROM automation_files WHERE account_id = ? AND id = ?")
            .bind(b.account)
            .bind(file)
            .fetch_one(b.pool())
            .await
            .unwrap();
    assert!(bytes == pdf, "the file's bytes differ on B");
    let (source, reference, node): (Option<String>, Option<Uuid>, Option<String>) = sqlx::query_as(
        "SELECT bot_source, bot_ref, bot_node FROM messages WHERE account_id = ? AND id = ?",
    )
    .bind(b.account)
    .bind(message)
    .fetch_one(b.pool())
    .await
    .unwrap();
    assert_eq!(
        (source.as_deref(), reference, node.as_deref()),
        (Some("flow"), Some(flow.as_uuid()), Some("oi"))
    );
    let reply_flow: Option<Uuid> =
        sqlx::query_scalar("SELECT reply_flow_id FROM campaigns WHERE id = ?")
            .bind(campaign)
            .fetch_one(b.pool())
            .await
            .unwrap();
    assert_eq!(reply_flow, Some(flow.as_uuid()));

    // Both edit, neither seeing the other: the same draft on both (the later
    // save wins whole), the settings on B, the keyword on A; A steps the
    // session (a delay now) and B's campaign starts no flow any more.
    let draft_a = greeting("Oi! Versão de A");
    let draft_b = greeting("Oi! Versão de B");
    save_draft(&a, flow, &draft_a).await;
    save_draft(&b, flow, &draft_b).await;
    save_settings(&b, &["pessoa"], None).await;
    sqlx::query("UPDATE keywords SET priority = 9, updated_at = ? WHERE account_id = ? AND id = ?")
        .bind(now_ms())
        .bind(a.account)
        .bind(keyword)
        .execute(a.pool())
        .await
        .unwrap();
    state.turn = 2;
    state.node = "fim".into();
    state
        .vars
        .insert("ultima_resposta".into(), "quero um bolo 🎂".into());
    state.wait = Wait::Timer {
        at: now_ms() + 86_400_000,
    };
    step(&a, session, &state).await;
    sqlx::query("UPDATE campaigns SET reply_flow_id = NULL WHERE id = ?")
        .bind(campaign)
        .execute(b.pool())
        .await
        .unwrap();
    let clock = |d: &Desktop| {
        let pool = d.pool().clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT hlc FROM flows WHERE id = ?")
                .bind(flow)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (clock_a, clock_b) = (clock(&a).await, clock(&b).await);
    assert_ne!(clock_a, clock_b);
    let winner = if clock_b > clock_a {
        &draft_b
    } else {
        &draft_a
    };
    assert_outbox_names_synced_tables_only(&a).await;
    assert_outbox_names_synced_tables_only(&b).await;

    a.push().await;
    b.push().await;
    a.pull().await;
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    let again = (
        a.push().await,
        b.push().await,
        a.pull().await,
        b.pull().await,
    );
    assert_eq!((again.2.applied, again.3.applied), (0, 0), "{again:?}");
    for d in [&a, &b] {
        let seen = flows::get(&d.store, acc, flow).await.unwrap();
        assert_eq!(&serde_json::to_string(&seen.draft).unwrap(), winner);
        let settings = settings::get(&d.store, acc).await.unwrap();
        assert_eq!(settings.handoff_words, ["pessoa"]);
        assert_eq!(settings.ai_base_url, None);
        assert_eq!(keywords::list(&d.store, acc).await.unwrap()[0].priority, 9);
        let (text, wake_at, _) = state_of(d, session).await;
        assert_eq!(serde_json::from_str::<Session>(&text).unwrap(), state);
        assert_eq!(wake_at, state.wait.wake_at(0));
        let reply_flow: Option<Uuid> =
            sqlx::query_scalar("SELECT reply_flow_id FROM campaigns WHERE id = ?")
                .bind(campaign)
                .fetch_one(d.pool())
                .await
                .unwrap();
        assert_eq!(reply_flow, None);
    }
    // The server holds the later clock's draft too.
    let mut owner = db.connect_owner().await;
    let remote: String = sqlx::query_scalar("SELECT draft FROM zapdesk.flows WHERE id = $1")
        .bind(flow.as_uuid())
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(&remote, winner);
}

#[tokio::test]
async fn deleting_a_flow_takes_its_versions_and_sessions_off_the_other_desktop() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let (_, conv) = conversation(&a, "+5511987650001").await;
    let (kept_contact, kept_conv) = conversation(&a, "+5511987650002").await;

    let gone = new_flow(&a, "Promoção", &greeting("Só hoje!"), &[]).await;
    let v1 = publish(&a, gone).await;
    save_draft(&a, gone, &greeting("Só hoje, 20%!")).await;
    let v2 = publish(&a, gone).await;
    let mut answered = Session::starting("oi");
    answered.vars.insert("nome".into(), "Maria".into());
    let on_v1 = start_session(&a, conv, gone, v1, &answered).await;
    let on_v2 = start_session(&a, kept_conv, gone, v2, &Session::starting("oi")).await;
    let kept = new_flow(&a, "Boas-vindas", &greeting("Olá!"), &[]).await;
    let kept_version = publish(&a, kept).await;
    let mut cpf = Session::starting("oi");
    cpf.vars.insert("cpf".into(), "123.456.789-09".into());
    let kept_session = start_session(&a, kept_conv, kept, kept_version, &cpf).await;
    a.sync().await;
    b.pull().await;
    assert_eq!(automation_counts(&b).await, [0, 0, 0, 2, 3, 3]);

    // The core's delete of a flow: one row, the rest cascades.
    sqlx::query("DELETE FROM flows WHERE account_id = ? AND id = ?")
        .bind(a.account)
        .bind(gone)
        .execute(a.pool())
        .await
        .unwrap();
    // One tombstone for the flow, one per session (each holds answers the
    // server must blank), none for the versions (no desktop applies a
    // version whose flow it lacks).
    let recorded: Vec<(String, String)> =
        sqlx::query_as("SELECT table_name, op FROM sync_outbox ORDER BY table_name, key1")
            .fetch_all(a.pool())
            .await
            .unwrap();
    let delete = |t: &str| (t.to_owned(), "delete".to_owned());
    assert_eq!(
        recorded,
        [
            delete("flow_sessions"),
            delete("flow_sessions"),
            delete("flows")
        ]
    );
    a.push().await;
    let pulled = b.pull().await;
    assert!(pulled.changed.contains(&"flows"), "{pulled:?}");
    assert_eq!(automation_counts(&b).await, [0, 0, 0, 1, 1, 1]);
    for (table, id) in [
        ("flows", gone.as_uuid()),
        ("flow_versions", v1.as_uuid()),
        ("flow_versions", v2.as_uuid()),
        ("flow_sessions", on_v1.as_uuid()),
        ("flow_sessions", on_v2.as_uuid()),
    ] {
        let here: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE account_id = ? AND id = ?"
        ))
        .bind(b.account)
        .bind(id)
        .fetch_one(b.pool())
        .await
        .unwrap();
        assert_eq!(here, 0, "{table} {id} still on B");
    }
    assert_eq!(a.rows().await, b.rows().await);

    // On the server: tombstones for the flow and its sessions, the answers
    // blanked; the versions stay as they were, under a deleted flow.
    let mut owner = db.connect_owner().await;
    let sessions: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT state, deleted_at FROM zapdesk.flow_sessions WHERE flow_id = $1 ORDER BY id",
    )
    .bind(gone.as_uuid())
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions.iter().all(|(s, d)| s.is_empty() && d.is_some()),
        "{sessions:?}"
    );
    let flow_deleted: Option<i64> =
        sqlx::query_scalar("SELECT deleted_at FROM zapdesk.flows WHERE id = $1")
            .bind(gone.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(flow_deleted.is_some());

    // A desktop that joins now pulls none of it.
    let c = other_desktop(&db, &a).await;
    c.pull().await;
    assert_eq!(automation_counts(&c).await, [0, 0, 0, 1, 1, 1]);
    assert_eq!(c.rows().await, a.rows().await);

    // Erasing a contact (LGPD) takes its session's answers off the server.
    lgpd::erase(
        &a.store,
        acc,
        kept_contact,
        &Actor {
            id: None,
            name: "Ana".into(),
        },
    )
    .await
    .unwrap();
    a.push().await;
    b.pull().await;
    assert_eq!(automation_counts(&b).await, [0, 0, 0, 1, 1, 0]);
    let (state, deleted): (String, Option<i64>) =
        sqlx::query_as("SELECT state, deleted_at FROM zapdesk.flow_sessions WHERE id = $1")
            .bind(kept_session.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!((state.as_str(), deleted.is_some()), ("", true));
    assert_eq!(a.rows().await, b.rows().await);
}

#[tokio::test]
async fn what_the_bot_keeps_to_itself_never_reaches_the_server() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let (contact, conv) = conversation(&a, "+5511987650001").await;
    let vip = tags::create(
        &a.store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    let flow = new_flow(
        &a,
        "VIP",
        &greeting("Bem-vinda ao clube!"),
        &[Trigger::TagAdded { tag: vip.id }],
    )
    .await;
    publish(&a, flow).await;
    let message = bot_message(&a, conv, flow, "oi").await;
    // The bot's own bookkeeping on A.
    for sql in [
        "INSERT INTO automation_queue (account_id, contact_id, event, conversation_id, message_id, created_at)
         VALUES (?1, ?2, 'message', ?3, ?4, 1)",
        "INSERT INTO automation_marks (account_id, contact_id, what, at) VALUES (?1, ?2, 'no_match', 1)",
        "INSERT INTO automation_log (account_id, conversation_id, at, what, detail)
         VALUES (?1, ?3, 1, 'keyword', 'Orçamento')",
    ] {
        sqlx::query(sql)
            .bind(a.account)
            .bind(contact)
            .bind(conv)
            .bind(message)
            .execute(a.pool())
            .await
            .unwrap();
    }
    sqlx::query("UPDATE automation_apply SET applying = 1")
        .execute(a.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE automation_apply SET applying = 0")
        .execute(a.pool())
        .await
        .unwrap();
    a.sync().await;
    b.pull().await;
    // A person tags the contact on A: A's queue has it (A starts the flow,
    // and the session it starts is what syncs); B, pulling the tag, queues
    // nothing, so the flow is not started twice.
    tags::apply(&a.store, acc, vip.id, &[contact], true)
        .await
        .unwrap();
    assert_outbox_names_synced_tables_only(&a).await;
    a.sync().await;
    b.pull().await;
    assert_eq!(
        tags::of_contact(&b.store, acc, contact)
            .await
            .unwrap()
            .len(),
        1
    );
    let queued =
        "SELECT count(*) FROM automation_queue WHERE account_id = ? AND event = 'tag_added'";
    assert_eq!(count(&a, queued).await, 1);
    assert_eq!(count(&b, queued).await, 0);
    for table in LOCAL_ONLY {
        if *table == "automation_apply" {
            continue;
        }
        let n = count(
            &b,
            &format!("SELECT count(*) FROM {table} WHERE account_id = ?"),
        )
        .await;
        assert_eq!(n, 0, "{table} reached B");
    }
    assert_outbox_names_synced_tables_only(&b).await;

    // The typing pause stays on A; the message itself is on B.
    let pause = |d: &Desktop| {
        let pool = d.pool().clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>("SELECT send_after FROM messages WHERE id = ?")
                .bind(message)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert!(pause(&a).await.is_some());
    assert_eq!(pause(&b).await, None);

    // The server has no such tables and no such column.
    let mut owner = db.connect_owner().await;
    for table in LOCAL_ONLY {
        let exists: bool = sqlx::query_scalar(&format!(
            "SELECT to_regclass('zapdesk.{table}') IS NOT NULL"
        ))
        .fetch_one(&mut owner)
        .await
        .unwrap();
        assert!(!exists, "zapdesk.{table} exists");
    }
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text || '.' || column_name::text FROM information_schema.columns
         WHERE table_schema = 'zapdesk' AND column_name IN ('send_after', 'recipients_removed')",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(columns.is_empty(), "{columns:?}");
    assert_eq!(a.rows().await, b.rows().await);
}

/// The basis of a takeover: the session A stepped (turn 41, a question
/// waiting with its time limit, many answers, some long and in every
/// script) is on B exactly as A left it, so B's runner goes on from there;
/// B's next turn comes back to A the same way.
#[tokio::test]
async fn a_session_stepped_on_one_desktop_is_read_on_the_other_as_it_was() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let (_, conv) = conversation(&a, "+5511987650001").await;
    let flow = new_flow(&a, "Cadastro", &greeting("Vamos ao cadastro."), &[]).await;
    let version = publish(&a, flow).await;
    let session = start_session(&a, conv, flow, version, &Session::starting("oi")).await;
    a.sync().await;
    b.pull().await;

    let mut vars = BTreeMap::new();
    vars.insert(
        "nome".to_owned(),
        "Conceição Ñandú d'Ávila \"Ceci\" \\ 🌮 日本語 עברית".to_owned(),
    );
    vars.insert(
        "endereco".to_owned(),
        "Rua São João, 42\nApto 7 — fundos".to_owned(),
    );
    vars.insert("ultima_resposta".to_owned(), "sim 👍🏽".to_owned());
    for i in 0..2_000 {
        vars.insert(
            format!("resposta_{i:04}"),
            format!("{i}: açaí, pão de queijo e café ☕ ").repeat(8),
        );
    }
    let asked = Session {
        node: "pergunta_cpf".into(),
        wait: Wait::Reply {
            timeout_at: Some(now_ms() + 600_000),
        },
        tries: 2,
        vars,
        turn: 41,
        ..Session::starting("pergunta_cpf")
    };
    step(&a, session, &asked).await;
    let (text_a, wake_a, clock_a) = state_of(&a, session).await;
    assert!(text_a.len() > 500_000, "{} bytes", text_a.len());
    a.push().await;
    b.pull().await;
    let (text_b, wake_b, clock_b) = state_of(&b, session).await;
    assert!(text_b == text_a, "the state's text differs on B");
    assert_eq!((wake_b, &clock_b), (wake_a, &clock_a));
    assert_eq!(serde_json::from_str::<Session>(&text_b).unwrap(), asked);
    assert_eq!(a.rows().await, b.rows().await);

    // B takes the number over and steps the session: turn 42, a delay.
    let mut next = asked.clone();
    next.node = "espera".into();
    next.tries = 0;
    next.turn = 42;
    next.vars.insert("cpf".into(), "123.456.789-09".into());
    next.wait = Wait::Timer {
        at: now_ms() + 3_600_000,
    };
    step(&b, session, &next).await;
    b.push().await;
    a.pull().await;
    let (text, wake_at, _) = state_of(&a, session).await;
    assert_eq!(serde_json::from_str::<Session>(&text).unwrap(), next);
    assert_eq!(wake_at, next.wait.wake_at(0));
    assert_eq!(a.rows().await, b.rows().await);
}

/// The bot's rows that hang on a conversation (a session, and this
/// desktop's queue and log) follow it when a push merges it into the
/// server's conversation of the same contact and number: B opened its own
/// while A's, under another id, was on its way.
#[tokio::test]
async fn a_merged_conversation_keeps_its_session_and_the_bots_rows() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    let number = instances::create(
        &a.store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    let maria = contacts::create(
        &a.store,
        acc,
        &ContactInput {
            phone: "+5511987650001".into(),
            name: Some("Maria".into()),
        },
    )
    .await
    .unwrap()
    .id;
    a.sync().await;
    b.pull().await;
    // A's conversation from before natural ids (a random id).
    let theirs = ConversationId::new();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, 1)",
    )
    .bind(theirs)
    .bind(a.account)
    .bind(maria)
    .bind(number)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    // B, not having pulled it, opens its own and the bot runs there.
    let ours = conversations::open(&b.store, acc, number, maria)
        .await
        .unwrap();
    assert_ne!(ours, theirs);
    let flow = new_flow(&b, "Boas-vindas", &greeting("Olá!"), &[]).await;
    let version = publish(&b, flow).await;
    let session = start_session(&b, ours, flow, version, &Session::starting("oi")).await;
    for sql in [
        "INSERT INTO automation_queue (account_id, contact_id, event, conversation_id, created_at)
         VALUES (?1, ?2, 'message', ?3, 1)",
        "INSERT INTO automation_log (account_id, conversation_id, session_id, at, what)
         VALUES (?1, ?3, NULL, 1, 'started')",
    ] {
        sqlx::query(sql)
            .bind(b.account)
            .bind(maria)
            .bind(ours)
            .execute(b.pool())
            .await
            .unwrap();
    }
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        let on: Uuid = sqlx::query_scalar(
            "SELECT conversation_id FROM flow_sessions WHERE account_id = ? AND id = ?",
        )
        .bind(d.account)
        .bind(session)
        .fetch_one(d.pool())
        .await
        .unwrap();
        assert_eq!(on, theirs.as_uuid());
    }
    for table in ["automation_queue", "automation_log"] {
        let moved = count(
            &b,
            &format!(
                "SELECT count(*) FROM {table} WHERE account_id = ? AND conversation_id = x'{}'",
                theirs.as_uuid().simple()
            ),
        )
        .await;
        assert_eq!(moved, 1, "{table}");
    }
}

/// Likewise for a contact merged into the server's row with its phone: the
/// bot's queue and cooldowns of the contact follow it (they point at the
/// contact, and the local keys would refuse the merge otherwise).
#[tokio::test]
async fn a_merged_contact_keeps_the_bots_rows() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.sync().await;
    // A's contact from before natural ids (a random id).
    let legacy = ContactId::new();
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, '+5511987650300', 'Davi', 'davi', 1, 1)",
    )
    .bind(legacy)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    // B, not having pulled it, gets the same phone from WhatsApp; its bot
    // queues the message and answers (a cooldown starts).
    let (davi, conv) = conversation(&b, "+5511987650300").await;
    assert_ne!(davi, legacy);
    for sql in [
        "INSERT INTO automation_queue (account_id, contact_id, event, conversation_id, created_at)
         VALUES (?1, ?2, 'message', ?3, 1)",
        "INSERT INTO automation_marks (account_id, contact_id, what, at) VALUES (?1, ?2, 'no_match', 1)",
    ] {
        sqlx::query(sql)
            .bind(b.account)
            .bind(davi)
            .bind(conv)
            .execute(b.pool())
            .await
            .unwrap();
    }
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    assert_eq!(a.rows().await, b.rows().await);
    for table in ["automation_queue", "automation_marks"] {
        let moved = count(
            &b,
            &format!(
                "SELECT count(*) FROM {table} WHERE account_id = ? AND contact_id = x'{}'",
                legacy.as_uuid().simple()
            ),
        )
        .await;
        assert_eq!(moved, 1, "{table}");
    }
}

/// A flow started by adding a tag names the tag by id: when the tag is
/// merged into the server's tag of the same name, the flow follows it.
#[tokio::test]
async fn a_merged_tag_is_the_one_its_flows_are_started_by() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    a.sync().await;
    b.sync().await;
    // A's tag from before natural ids (a random id).
    let legacy = zapdesk_core::ids::TagId::new();
    sqlx::query(
        "INSERT INTO tags (id, account_id, name, name_folded, created_at) VALUES (?, ?, 'VIP', 'vip', 1)",
    )
    .bind(legacy)
    .bind(a.account)
    .execute(a.pool())
    .await
    .unwrap();
    a.sync().await;

    let vip = tags::create(
        &b.store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#ff0000".into(),
        },
    )
    .await
    .unwrap();
    assert_ne!(vip.id, legacy);
    let flow = new_flow(
        &b,
        "Clube VIP",
        &greeting("Bem-vinda ao clube!"),
        &[Trigger::TagAdded { tag: vip.id }],
    )
    .await;
    let report = b.push().await;
    assert_eq!(report.merged, 1, "{report:?}");
    b.pull().await;
    a.sync().await;
    b.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        assert_eq!(
            flows::get(&d.store, acc, flow).await.unwrap().triggers,
            [Trigger::TagAdded { tag: legacy }]
        );
    }
}

/// Business hours (issue 18, item 3) live on the settings row: saved on one
/// desktop through the core, they reach the other as saved, with the away
/// message; a later change made there comes back; and the other bot
/// settings saved meanwhile are not undone by either.
#[tokio::test]
async fn business_hours_converge_on_two_desktops() {
    use zapdesk_core::business_hours::{self, BusinessHours, Interval};
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let acc = a.account_id();
    save_settings(&a, &["atendente"], None).await;
    let day = vec![
        Interval {
            start: 480,
            end: 720,
        },
        Interval {
            start: 780,
            end: 1080,
        },
    ];
    let mut week = vec![day; 5];
    week.extend([vec![], vec![]]);
    let hours = BusinessHours {
        enabled: true,
        time_zone: "America/Manaus".into(),
        week,
        holidays: vec!["2026-12-25".into()],
        away_enabled: true,
        away_message: "Voltamos às 8h (horário de Manaus).".into(),
        campaigns_in_hours: true,
    };
    let saved = business_hours::save(&a.store, acc, &hours).await.unwrap();
    a.sync().await;
    let pulled = b.pull().await;
    assert!(
        pulled.changed.contains(&"automation_settings"),
        "{pulled:?}"
    );
    assert_eq!(business_hours::get(&b.store, acc).await.unwrap(), saved);
    assert!(
        business_hours::schedule(&b.store, acc)
            .await
            .unwrap()
            .is_some()
    );
    // The rest of the bot's settings came along unchanged.
    let on_b = settings::get(&b.store, acc).await.unwrap();
    assert_eq!(on_b.handoff_words, ["atendente"]);
    assert_eq!(on_b.time_zone, "America/Manaus");

    // B turns the away message off and adds a holiday; A gets it.
    let mut changed = saved.clone();
    changed.away_enabled = false;
    changed.holidays.push("2027-01-01".into());
    let changed = business_hours::save(&b.store, acc, &changed).await.unwrap();
    b.push().await;
    a.pull().await;
    assert_eq!(business_hours::get(&a.store, acc).await.unwrap(), changed);
    assert_eq!(
        settings::get(&a.store, acc).await.unwrap().handoff_reply,
        "Já chamo alguém da equipe 🙂"
    );
}
