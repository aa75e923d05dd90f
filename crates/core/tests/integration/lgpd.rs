//! LGPD: a contact's data exported whole, and erased so that no row of any
//! table still holds their id, phone or words; both recorded in the audit log.

use crate::support;
use sqlx::{Column, Row, SqlitePool, TypeInfo, ValueRef};

use zapdesk_core::domain::{InstanceKind, MessageKind, Role};
use zapdesk_core::fields::{self, FieldInput, FieldKind, FieldValue};
use zapdesk_core::inbox::ingest::{Inbound, Media, ingest};
use zapdesk_core::inbox::{outbox, work};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::lgpd::{self, Actor};
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{ErrorCode, UserError, contacts};

const PHONE: &str = "+5511987650000";
const SECRET: &str = "xyzzyplugh";

/// Every table's rows that hold `id` as a blob, or `needle` in a text or blob.
async fn traces(pool: &SqlitePool, id: &[u8], needles: &[&str]) -> Vec<String> {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM \"{table}\""))
            .fetch_all(pool)
            .await
            .unwrap();
        for row in rows {
            for col in row.columns() {
                let raw = row.try_get_raw(col.ordinal()).unwrap();
                if raw.is_null() {
                    continue;
                }
                let bytes: Vec<u8> = match raw.type_info().name() {
                    "BLOB" => row.get::<Vec<u8>, _>(col.ordinal()),
                    "TEXT" => row.get::<String, _>(col.ordinal()).into_bytes(),
                    _ => continue,
                };
                let hit = bytes.windows(id.len()).any(|w| w == id)
                    || needles
                        .iter()
                        .any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()));
                if hit {
                    found.push(format!("{table}.{}", col.name()));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn export_holds_everything_and_erase_leaves_no_trace_but_the_audit_line() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let carla = users::create(
        &store,
        &UserInput {
            name: "Carla".into(),
            email: "carla@agencia.com".into(),
            role: Role::Admin,
        },
    )
    .await
    .unwrap();
    let number = instances::create(
        &store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap();
    let text = ingest(
        &store,
        acc,
        number.id,
        &Inbound {
            wa_id: "w1".into(),
            phone: PHONE.into(),
            push_name: Some("Maria".into()),
            body: format!("meu pedido {SECRET}"),
            sent_at: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    ingest(
        &store,
        acc,
        number.id,
        &Inbound {
            wa_id: "w2".into(),
            phone: PHONE.into(),
            kind: Some(MessageKind::Image),
            body: "foto".into(),
            sent_at: 2,
            media: Some(Media {
                bytes: vec![7; 100],
                mime: Some("image/jpeg".into()),
                filename: None,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let media_files = || {
        let dir = dir.path().join("media").join(acc.to_string());
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    };
    assert_eq!(media_files(), 1);
    let conv = text.conversation;
    let contact = text.contact;
    outbox::enqueue_text(&store, acc, conv, "Olá Maria")
        .await
        .unwrap();
    work::add_note(&store, acc, conv, Some(carla.id), "cliente antiga")
        .await
        .unwrap();
    work::save_draft(&store, acc, conv, "rascunho")
        .await
        .unwrap();
    let tag = tags::create(
        &store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#aa0000".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&store, acc, tag.id, &[contact], true)
        .await
        .unwrap();
    let city = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Cidade".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    fields::set_values(
        &store,
        acc,
        contact,
        &[FieldValue {
            field_id: city.id,
            value: "Recife".into(),
        }],
    )
    .await
    .unwrap();
    // Someone else in the same account, who must keep everything.
    let other = ingest(
        &store,
        acc,
        number.id,
        &Inbound {
            wa_id: "w3".into(),
            phone: "+5511912340000".into(),
            body: "outra pessoa".into(),
            sent_at: 3,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();

    let actor = Actor::or(Some(carla.clone()), "?");
    let json: serde_json::Value =
        serde_json::from_str(&lgpd::export(&store, acc, contact, &actor).await.unwrap()).unwrap();
    assert_eq!(json["contact"]["phone"], PHONE);
    assert_eq!(json["tags"][0], "VIP");
    assert_eq!(json["fields"]["Cidade"], "Recife");
    let messages = json["conversations"][0]["messages"].as_array().unwrap();
    let bodies: Vec<&str> = messages
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [format!("meu pedido {SECRET}").as_str(), "foto", "Olá Maria"]
    );
    assert_eq!(
        json["conversations"][0]["internal_notes"][0]["body"],
        "cliente antiga"
    );

    let raw = support::raw(&dir).await;
    let id_bytes = contact.as_uuid().into_bytes();
    assert!(!traces(&raw, &id_bytes, &[PHONE, SECRET]).await.is_empty());

    let removed = lgpd::erase(&store, acc, contact, &actor).await.unwrap();
    assert_eq!(removed, 1);
    assert_eq!(media_files(), 0);
    let left = traces(
        &raw,
        &id_bytes,
        &[PHONE, SECRET, "cliente antiga", "rascunho", "Recife"],
    )
    .await;
    // The sync outbox (migration 0007) keeps the bare id until the erase is
    // pushed as the server's tombstone, which needs it; nothing else of the person.
    let (outbox, left): (Vec<String>, Vec<String>) = left
        .into_iter()
        .partition(|t| t.starts_with("sync_outbox."));
    assert!(outbox.iter().all(|t| t == "sync_outbox.key1"), "{outbox:?}");
    // The audit log keeps the id (that is its job) and nothing else of the person.
    assert_eq!(
        left,
        ["audit_log.contact_id", "audit_log.contact_id"],
        "{left:?}"
    );

    let log = lgpd::audit(&store, acc, 10).await.unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor_name.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("contact_erased", "Carla"), ("contact_exported", "Carla")]
    );
    assert!(
        log.iter()
            .all(|e| e.contact_id == contact && e.actor_id == Some(carla.id))
    );

    // The other person is untouched, and erasing twice is a clear error.
    assert!(contacts::get(&store, acc, other.contact).await.is_ok());
    let err = lgpd::erase(&store, acc, contact, &actor).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ContactUnknown);
}

#[tokio::test]
async fn the_bots_sessions_and_answers_are_exported_and_go_with_the_contact() {
    use crate::support::automation::{JOAO, MARIA, actions, bot, doc, end, menu};
    use serde_json::json;
    const ANSWER: &str = "maria.quietude@exemplo.com.br";

    let b = bot().await;
    let ask = json!({
        "id": "email", "position": {"x": 0.0, "y": 0.0}, "type": "ask",
        "question": "Qual é o seu e-mail?", "answer": "email", "field": null,
        "retry": "Não entendi, pode repetir?", "tries": 2, "timeout_minutes": null
    });
    let flow = b
        .publish(
            "Cadastro",
            doc(
                "email",
                vec![
                    ask,
                    menu("menu", "Quer ofertas?", &["Sim", "Não"]),
                    end("fim"),
                ],
                vec![
                    ("email", "next", "menu"),
                    ("email", "failed", "fim"),
                    ("menu", "option:a", "fim"),
                    ("menu", "option:b", "fim"),
                    ("menu", "other", "fim"),
                ],
            ),
            json!([]),
        )
        .await;
    b.keyword(
        "Cadastro",
        "exact",
        &["cadastro"],
        actions(json!({"start_flow": flow})),
    )
    .await;
    let maria = b.write(MARIA, "cadastro").await;
    b.handle().await;
    b.write(MARIA, ANSWER).await;
    b.handle().await;
    // Someone else in the flow, who must keep their session.
    let joao = b.write(JOAO, "cadastro").await;
    b.handle().await;
    // Maria writes again; the bot has not looked yet (a queued event).
    b.write(MARIA, "e agora?").await;
    assert_eq!(b.queued().await, 1);

    let actor = Actor {
        id: None,
        name: "zapdesk-cli".into(),
    };
    let exported: serde_json::Value = serde_json::from_str(
        &lgpd::export(&b.store, b.acc, maria.contact, &actor)
            .await
            .unwrap(),
    )
    .unwrap();
    let thread = &exported["conversations"][0];
    let session = &thread["bot_sessions"][0];
    assert_eq!(session["flow"], "Cadastro");
    assert_eq!(session["version"], 1);
    assert_eq!(session["status"], "active");
    assert_eq!(session["started_by"]["by"], "keyword");
    assert_eq!(session["variables"]["email"], ANSWER, "{session}");
    assert_eq!(session["variables"]["ultima_resposta"], ANSWER);
    let log: Vec<&str> = thread["bot_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["what"].as_str().unwrap())
        .collect();
    assert!(
        log.contains(&"keyword") && log.contains(&"started") && log.contains(&"path"),
        "{log:?}"
    );
    let marks = exported["bot_marks"].as_array().unwrap();
    assert!(
        marks
            .iter()
            .any(|m| m["what"].as_str().unwrap().starts_with("keyword:")),
        "{marks:?}"
    );

    // Erased: no session, log line, queued event or mark of hers remains,
    // and her answer is nowhere in the file.
    lgpd::erase(&b.store, b.acc, maria.contact, &actor)
        .await
        .unwrap();
    let rows = async |sql: &str, id: Vec<u8>| -> i64 {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&b.raw)
            .await
            .unwrap()
    };
    let conv = maria.conversation.as_uuid().into_bytes().to_vec();
    let contact = maria.contact.as_uuid().into_bytes().to_vec();
    for (sql, id) in [
        (
            "SELECT count(*) FROM flow_sessions WHERE conversation_id = ?",
            &conv,
        ),
        (
            "SELECT count(*) FROM automation_log WHERE conversation_id = ?",
            &conv,
        ),
        (
            "SELECT count(*) FROM automation_queue WHERE contact_id = ?",
            &contact,
        ),
        (
            "SELECT count(*) FROM automation_marks WHERE contact_id = ?",
            &contact,
        ),
    ] {
        assert_eq!(rows(sql, id.clone()).await, 0, "{sql}");
    }
    let left = traces(&b.raw, &contact, &[MARIA, ANSWER]).await;
    let left: Vec<String> = left
        .into_iter()
        .filter(|t| !t.starts_with("sync_outbox."))
        .collect();
    assert_eq!(
        left,
        ["audit_log.contact_id", "audit_log.contact_id"],
        "{left:?}"
    );
    assert!(
        traces(&b.raw, &conv, &[])
            .await
            .iter()
            .all(|t| t.starts_with("sync_outbox.")),
        "the conversation's id is gone but for the deletes still to sync"
    );
    // João's session is untouched.
    assert_eq!(
        b.sessions(joao.conversation).await,
        [("active".to_owned(), None)]
    );
}
