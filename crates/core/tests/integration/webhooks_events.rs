//! The events the triggers of migration 0023 write: each writer of the core
//! (ingest, the outbox and its acks, contacts, opt-out, tags, the inbox's
//! work, numbers, the bot, campaigns) queues its event with the data of the
//! rows it wrote; nothing while a pull applies another desktop's rows;
//! nothing for an account without a subscribed, enabled webhook. The
//! samples for Zapier and the Evolution format have the shapes of real
//! events.

use crate::support::{self, automation};
use crate::webhooks::{Stored, events_after, input, last_seq, subscribe_all};

use serde_json::{Value, json};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{ConversationStatus, InstanceStatus, MessageKind, Role};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::inbox::ingest::{Inbound, Media, ingest};
use zapdesk_core::inbox::{outbox, work};
use zapdesk_core::instances;
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::webhooks::envelope::body;
use zapdesk_core::webhooks::queue::Due;
use zapdesk_core::webhooks::{self, EventType, WebhookFormat, WebhookInput};
use zapdesk_core::{AccountId, InstanceId, Store, opt_out};

fn uuid(v: impl std::fmt::Display) -> Value {
    Value::from(v.to_string())
}

fn kinds(events: &[Stored]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

/// The key structure of a JSON value: objects by their keys, recursively
/// (a `null` matches anything: an optional part absent in one of the two;
/// a flow's answers are keyed by its own node ids).
fn same_shape(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Object(_), Value::Object(_)) if path.ends_with(".answers") => Ok(()),
        (Value::Object(x), Value::Object(y)) => {
            let mut kx: Vec<&String> = x.keys().collect();
            let mut ky: Vec<&String> = y.keys().collect();
            kx.sort();
            ky.sort();
            if kx != ky {
                return Err(format!("{path}: {kx:?} vs {ky:?}"));
            }
            for (k, v) in x {
                same_shape(v, &y[k], &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(_), _) | (_, Value::Object(_)) => Err(format!("{path}: {a} vs {b}")),
        _ => Ok(()),
    }
}

#[tokio::test]
async fn each_writer_queues_its_event_with_the_data_of_its_rows() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let number = support::number(&store, acc, "Vendas", false).await;
    subscribe_all(&store, acc).await;
    let mut seen: Vec<Stored> = Vec::new();
    let mut at = last_seq(&raw).await;
    let mut next = async |raw: &sqlx::SqlitePool| {
        let new = events_after(raw, at).await;
        if let Some(last) = new.last() {
            at = last.seq;
        }
        new
    };

    // A number's status, as the fleet records it.
    instances::set_status(&store, acc, number, InstanceStatus::Starting, None, None)
        .await
        .unwrap();
    assert!(next(&raw).await.is_empty(), "starting is no news");
    instances::set_status(&store, acc, number, InstanceStatus::AwaitingQr, None, None)
        .await
        .unwrap();
    instances::set_status(
        &store,
        acc,
        number,
        InstanceStatus::Connected,
        None,
        Some("+5511912345678"),
    )
    .await
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["number.status", "number.status"]);
    assert_eq!(got[0].data["status"], "qr_needed");
    assert_eq!(got[1].data["status"], "connected");
    assert_eq!(got[1].data["previous_status"], "qr_needed");
    assert_eq!(
        got[1].data["number"],
        json!({"id": uuid(number), "name": "Vendas", "phone": "+5511912345678"})
    );
    assert_eq!(
        got[1].instance.as_deref(),
        Some(&number.as_uuid().as_bytes()[..])
    );
    assert!(got[1].contact.is_none());
    seen.extend(got);
    // The QR's image comes from the fleet, not a row.
    assert!(
        webhooks::record_qr(&store, acc, number, "data:image/png;base64,AA==", "2@qr")
            .await
            .unwrap()
    );
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["number.qr"]);
    assert_eq!(
        (&got[0].data["qr"], &got[0].data["code"]),
        (&json!("data:image/png;base64,AA=="), &json!("2@qr"))
    );
    seen.extend(got);

    // A contact writes: the contact is new, then the message.
    let maria = ingest(
        &store,
        acc,
        number,
        &Inbound {
            wa_id: "false_5511987654321@c.us_IN1".into(),
            phone: "+5511987654321".into(),
            push_name: Some("Maria Souza".into()),
            body: "Oi! Vocês abrem sábado?".into(),
            sent_at: 1_767_268_800_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["contact.created", "message.received"]);
    let contact = &got[0].data["contact"];
    assert_eq!(
        (
            &contact["id"],
            &contact["phone"],
            &contact["name"],
            &contact["opted_out"]
        ),
        (
            &uuid(maria.contact),
            &json!("+5511987654321"),
            &json!("Maria Souza"),
            &json!(false)
        )
    );
    let received = &got[1].data;
    assert_eq!(received["message"]["id"], uuid(maria.message));
    assert_eq!(
        received["message"]["conversation_id"],
        uuid(maria.conversation)
    );
    assert_eq!(received["message"]["body"], "Oi! Vocês abrem sábado?");
    assert_eq!(received["message"]["direction"], "inbound");
    assert_eq!(received["message"]["status"], "received");
    assert_eq!(received["message"]["wa_id"], "false_5511987654321@c.us_IN1");
    assert_eq!(received["message"]["sent_at"], 1_767_268_800_000_i64);
    assert_eq!(received["message"]["media"], Value::Null);
    assert_eq!(received["contact"]["phone"], "+5511987654321");
    assert_eq!(received["number"]["name"], "Vendas");
    assert_eq!(
        got[1].contact.as_deref(),
        Some(&maria.contact.as_uuid().as_bytes()[..])
    );
    assert_eq!(
        got[1].instance.as_deref(),
        Some(&number.as_uuid().as_bytes()[..])
    );
    seen.extend(got);
    // A photo carries its file's facts (never its bytes).
    ingest(
        &store,
        acc,
        number,
        &Inbound {
            wa_id: "false_5511987654321@c.us_IN2".into(),
            phone: "+5511987654321".into(),
            kind: Some(MessageKind::Image),
            body: "a foto".into(),
            sent_at: 1_767_268_801_000,
            media: Some(Media {
                bytes: vec![1; 64],
                mime: Some("image/jpeg".into()),
                filename: Some("foto.jpg".into()),
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["message.received"]);
    assert_eq!(
        got[0].data["message"]["media"],
        json!({"mime": "image/jpeg", "name": "foto.jpg", "size": 64})
    );
    assert_eq!(got[0].data["message"]["kind"], "image");

    // Written on the phone itself: stored as sent.
    ingest(
        &store,
        acc,
        number,
        &Inbound {
            wa_id: "true_5511987654321@c.us_PHONE1".into(),
            phone: "+5511987654321".into(),
            from_me: true,
            body: "Abrimos sim!".into(),
            sent_at: 1_767_268_802_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["message.sent"]);
    assert_eq!(got[0].data["message"]["direction"], "outbound");

    // A reply through the outbox: nothing while it waits, then sent and its acks.
    let reply = outbox::enqueue_text(&store, acc, maria.conversation, "Das 9h às 13h.")
        .await
        .unwrap();
    let job = outbox::claim_next(&store, acc, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.message, reply.id);
    assert!(
        next(&raw).await.is_empty(),
        "pending and sending are no news"
    );
    outbox::mark_sent(&store, acc, reply.id, "true_5511987654321@c.us_3EB0R1", 1)
        .await
        .unwrap();
    let got = next(&raw).await;
    let mut sent_kinds = kinds(&got);
    sent_kinds.sort();
    assert_eq!(sent_kinds, ["message.sent", "message.status"]);
    let status = got.iter().find(|e| e.kind == "message.status").unwrap();
    assert_eq!(
        (&status.data["status"], &status.data["previous_status"]),
        (&json!("sent"), &json!("sending"))
    );
    assert_eq!(
        status.data["message"]["wa_id"],
        "true_5511987654321@c.us_3EB0R1"
    );
    seen.extend(got);
    for (ack, word) in [(2, "delivered"), (3, "read")] {
        outbox::apply_ack(
            &store,
            acc,
            number,
            &["true_5511987654321@c.us_3EB0R1".to_owned()],
            ack,
        )
        .await
        .unwrap();
        let got = next(&raw).await;
        assert_eq!(kinds(&got), ["message.status"]);
        assert_eq!(got[0].data["status"], word);
        assert_eq!(got[0].data["message"]["status"], word);
    }
    // An older ack changes nothing, so it says nothing.
    outbox::apply_ack(
        &store,
        acc,
        number,
        &["true_5511987654321@c.us_3EB0R1".to_owned()],
        2,
    )
    .await
    .unwrap();
    assert!(next(&raw).await.is_empty());
    let doomed = outbox::enqueue_text(&store, acc, maria.conversation, "vai falhar")
        .await
        .unwrap();
    outbox::mark_failed(&store, acc, doomed.id, "bloqueado")
        .await
        .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["message.status"]);
    assert_eq!(
        (&got[0].data["status"], &got[0].data["message"]["error"]),
        (&json!("failed"), &json!("bloqueado"))
    );

    // Contacts: created, renamed, opted out; a save that changes nothing says nothing.
    let joao = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511912340000".into(),
            name: Some("João".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(kinds(&next(&raw).await), ["contact.created"]);
    contacts::update(
        &store,
        acc,
        joao.id,
        &ContactInput {
            phone: "+5511912340000".into(),
            name: Some("João Lima".into()),
        },
    )
    .await
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["contact.updated"]);
    assert_eq!(got[0].data["contact"]["name"], "João Lima");
    assert_eq!(got[0].data["previous"]["name"], "João");
    seen.extend(got);
    contacts::update(
        &store,
        acc,
        joao.id,
        &ContactInput {
            phone: "+5511912340000".into(),
            name: Some("João Lima".into()),
        },
    )
    .await
    .unwrap();
    assert!(next(&raw).await.is_empty());
    opt_out::set(&store, acc, joao.id, true).await.unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["contact.updated"]);
    assert_eq!(
        (
            &got[0].data["contact"]["opted_out"],
            &got[0].data["previous"]["opted_out"]
        ),
        (&json!(true), &json!(false))
    );

    // Tags on and off; a tag deleted takes its links without a word.
    let vip = tags::create(
        &store,
        acc,
        &TagInput {
            name: "VIP".into(),
            color: "#f59e0b".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(&store, acc, vip.id, &[joao.id, maria.contact], true)
        .await
        .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["tag.added", "tag.added"]);
    assert_eq!(
        got[0].data["tag"],
        json!({"id": uuid(vip.id), "name": "VIP", "color": "#f59e0b"})
    );
    seen.extend(got);
    tags::apply(&store, acc, vip.id, &[joao.id], false)
        .await
        .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["tag.removed"]);
    assert_eq!(got[0].data["contact"]["id"], uuid(joao.id));
    seen.extend(got);
    tags::delete(&store, acc, vip.id).await.unwrap();
    assert!(
        next(&raw).await.is_empty(),
        "a deleted tag is not 'removed'"
    );

    // The inbox's work: assigned (a person takes over: handed off), resolved.
    let carla = users::create(
        &store,
        &UserInput {
            name: "Carla".into(),
            email: "carla@agencia.com".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap();
    crate::support::give_account(&store, carla.id, acc).await;
    work::assign(&store, acc, maria.conversation, Some(carla.id))
        .await
        .unwrap();
    let got = next(&raw).await;
    let mut work_kinds = kinds(&got);
    work_kinds.sort();
    assert_eq!(
        work_kinds,
        ["conversation.assigned", "conversation.handed_off"]
    );
    let assigned = got
        .iter()
        .find(|e| e.kind == "conversation.assigned")
        .unwrap();
    assert_eq!(
        assigned.data["conversation"]["assignee"],
        json!({"id": uuid(carla.id), "name": "Carla"})
    );
    assert_eq!(assigned.data["conversation"]["owner"], "human");
    assert_eq!(assigned.data["contact"]["id"], uuid(maria.contact));
    seen.extend(got);
    work::set_status(
        &store,
        acc,
        maria.conversation,
        ConversationStatus::Resolved,
    )
    .await
    .unwrap();
    let got = next(&raw).await;
    assert_eq!(kinds(&got), ["conversation.resolved"]);
    assert_eq!(got[0].data["conversation"]["status"], "resolved");
    seen.extend(got);
    work::set_status(
        &store,
        acc,
        maria.conversation,
        ConversationStatus::Resolved,
    )
    .await
    .unwrap();
    assert!(next(&raw).await.is_empty(), "resolved again is no news");

    // Every event's data has its sample's shape (what Zapier was shown).
    for event in &seen {
        let kind = EventType::from_name(&event.kind).unwrap();
        let sample = webhooks::sample(kind);
        assert_eq!(sample["type"], event.kind);
        same_shape(&event.data, &sample["data"], &event.kind).unwrap();
    }

    // A contact deleted takes its events along (an LGPD erasure leaves none).
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE contact_id = ?")
        .bind(joao.id)
        .fetch_one(&raw)
        .await
        .unwrap();
    assert!(left > 0);
    contacts::delete(&store, acc, joao.id).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE contact_id = ?")
        .bind(joao.id)
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_bot_and_a_campaign_queue_theirs_too() {
    let b = automation::bot().await;
    subscribe_all(&b.store, b.acc).await;
    let flow = b
        .publish(
            "Agendamento",
            automation::doc(
                "menu",
                vec![
                    automation::menu("menu", "Qual dia?", &["Sábado", "Domingo"]),
                    automation::send("ok", "Até lá!", 0),
                    automation::end("end"),
                ],
                vec![
                    ("menu", "option:a", "ok"),
                    ("menu", "option:b", "ok"),
                    ("ok", "next", "end"),
                ],
            ),
            json!([]),
        )
        .await;
    b.keyword(
        "Agenda",
        "exact",
        &["agenda"],
        automation::actions(json!({"start_flow": flow})),
    )
    .await;
    let at = last_seq(&b.raw).await;
    let first = b.write(automation::MARIA, "agenda").await;
    b.handle().await;
    b.write(automation::MARIA, "1").await;
    b.handle().await;
    let got = events_after(&b.raw, at).await;
    let done: Vec<&Stored> = got.iter().filter(|e| e.kind == "flow.completed").collect();
    assert_eq!(done.len(), 1, "{:?}", kinds(&got));
    let data = &done[0].data;
    assert_eq!(
        data["flow"],
        json!({"id": uuid(flow), "name": "Agendamento"})
    );
    assert_eq!(data["session"]["reason"], "done");
    assert!(
        data["session"]["answers"]
            .as_object()
            .is_some_and(|a| a.contains_key("ultima_resposta")),
        "{data}"
    );
    assert_eq!(data["conversation"]["id"], uuid(first.conversation));
    assert_eq!(data["contact"]["phone"], automation::MARIA);
    assert_eq!(data["number"]["id"], uuid(b.number));
    same_shape(
        data,
        &webhooks::sample(EventType::FlowCompleted)["data"],
        "flow",
    )
    .unwrap();

    // The contact's hand-off word: the bot hands the conversation to a person.
    let at = last_seq(&b.raw).await;
    b.write(automation::MARIA, "atendente").await;
    b.handle().await;
    let got = events_after(&b.raw, at).await;
    let handed: Vec<&Stored> = got
        .iter()
        .filter(|e| e.kind == "conversation.handed_off")
        .collect();
    assert_eq!(handed.len(), 1, "{:?}", kinds(&got));
    assert_eq!(handed[0].data["conversation"]["owner"], "human");

    // A campaign to two contacts, run to its end.
    let people: Vec<_> = ["+5511977000001", "+5511977000002"]
        .iter()
        .map(|p| ContactInput {
            phone: (*p).into(),
            name: None,
        })
        .collect();
    let saturday = tags::create(
        &b.store,
        b.acc,
        &TagInput {
            name: "Sábado".into(),
            color: "#123456".into(),
        },
    )
    .await
    .unwrap();
    for person in &people {
        let c = contacts::create(&b.store, b.acc, person).await.unwrap();
        tags::apply(&b.store, b.acc, saturday.id, &[c.id], true)
            .await
            .unwrap();
    }
    let now = zapdesk_core::time::now_ms();
    let campaign = campaigns::create(
        &b.store,
        b.acc,
        &CampaignInput {
            name: "Sábado".into(),
            message: "Promoção no sábado!".into(),
            audience: ContactFilter {
                tags_all: vec![saturday.id],
                ..Default::default()
            },
            numbers: vec![b.number],
            pacing: Pacing {
                daily_cap: 100,
                ..Pacing::default()
            },
            starts_at: None,
            attachment: None,
            reply_flow: None,
        },
        now,
    )
    .await
    .unwrap();
    let at = last_seq(&b.raw).await;
    // Driven with the clock, each step at the time it asks for.
    let mut clock = now;
    for _ in 0..50 {
        let s = step(&b.store, b.acc, campaign.id, clock, 10, &|_| true)
            .await
            .unwrap();
        match s.next_at {
            Some(next) => clock = next.max(clock),
            None => break,
        }
    }
    let got = events_after(&b.raw, at).await;
    let finished: Vec<&Stored> = got
        .iter()
        .filter(|e| e.kind == "campaign.finished")
        .collect();
    assert_eq!(finished.len(), 1, "{:?}", kinds(&got));
    let c = &finished[0].data["campaign"];
    assert_eq!(
        (
            &c["id"],
            &c["name"],
            &c["recipients"],
            &c["queued"],
            &c["skipped"]
        ),
        (
            &uuid(campaign.id),
            &json!("Sábado"),
            &json!(2),
            &json!(2),
            &json!(0)
        )
    );
    assert!(finished[0].contact.is_none() && finished[0].instance.is_none());
    same_shape(
        &finished[0].data,
        &webhooks::sample(EventType::CampaignFinished)["data"],
        "campaign",
    )
    .unwrap();
}

/// Writes of every kind that would each queue an event.
async fn write_everything(store: &Store, acc: AccountId, number: InstanceId, phone: &str) {
    instances::set_status(store, acc, number, InstanceStatus::Connected, None, None)
        .await
        .unwrap();
    let got = ingest(
        store,
        acc,
        number,
        &Inbound {
            wa_id: format!("false_{phone}_X"),
            phone: phone.into(),
            body: "oi".into(),
            sent_at: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    let tag = tags::create(
        store,
        acc,
        &TagInput {
            name: format!("T{phone}"),
            color: "#123456".into(),
        },
    )
    .await
    .unwrap();
    tags::apply(store, acc, tag.id, &[got.contact], true)
        .await
        .unwrap();
    work::set_status(store, acc, got.conversation, ConversationStatus::Resolved)
        .await
        .unwrap();
    instances::set_status(
        store,
        acc,
        number,
        InstanceStatus::Disconnected,
        Some("offline"),
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn nothing_is_queued_for_a_pull_or_an_account_without_a_subscribed_enabled_webhook() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let with = support::account(&store, "Com webhook").await;
    let without = support::account(&store, "Sem webhook").await;
    let with_number = support::number(&store, with, "A", false).await;
    let without_number = support::number(&store, without, "B", false).await;
    let hook = subscribe_all(&store, with).await;

    // Another desktop's rows, applied by a pull (the flag sync sets).
    sqlx::query("UPDATE sync_apply SET applying = 1")
        .execute(&raw)
        .await
        .unwrap();
    write_everything(&store, with, with_number, "+5511900000001").await;
    sqlx::query("UPDATE sync_apply SET applying = 0")
        .execute(&raw)
        .await
        .unwrap();
    assert!(
        events_after(&raw, 0).await.is_empty(),
        "a pull makes no event"
    );

    write_everything(&store, without, without_number, "+5511900000002").await;
    assert!(
        events_after(&raw, 0).await.is_empty(),
        "no webhook, no event"
    );

    // Subscribed to one event: only that one.
    webhooks::update(
        &store,
        with,
        hook,
        &input("http://127.0.0.1:9/h", &[EventType::TagAdded]),
    )
    .await
    .unwrap();
    write_everything(&store, with, with_number, "+5511900000003").await;
    assert_eq!(kinds(&events_after(&raw, 0).await), ["tag.added"]);

    // Off: nothing.
    let at = last_seq(&raw).await;
    webhooks::set_enabled(&store, with, hook, false)
        .await
        .unwrap();
    write_everything(&store, with, with_number, "+5511900000004").await;
    assert!(
        !webhooks::record_qr(&store, with, with_number, "q", "c")
            .await
            .unwrap()
    );
    assert!(
        events_after(&raw, at).await.is_empty(),
        "a webhook off queues nothing"
    );
}

/// Evolution API v2's webhook bodies as its source sends them
/// (EvolutionAPI/evolution-api 2.3.6: the envelope in
/// `src/api/integrations/event/webhook/webhook.controller.ts`, `emit`; the
/// data in `src/api/integrations/channel/whatsapp/whatsapp.baileys.service.ts`,
/// `prepareMessage` for `messages.upsert`, the `messages.update` handler,
/// `connectionUpdate` for `connection.update` and `qrcode.updated`). Values
/// are examples; the keys are what receivers read.
fn evolution_fixture(event: &str) -> Value {
    let envelope = |event: &str, data: Value| {
        json!({
            "event": event,
            "instance": "instance_3_553175564133",
            "data": data,
            "destination": "https://receiver.example/api/evolution",
            "date_time": "2024-01-19T14:13:49.253Z",
            "sender": "553175564133@s.whatsapp.net",
            "server_url": "https://evolution.example",
            "apikey": null,
        })
    };
    match event {
        "messages.upsert" => envelope(
            event,
            json!({
                "key": {"remoteJid": "553191819932@s.whatsapp.net", "fromMe": false, "id": "3A6687C4331054C34F0F"},
                "pushName": "Leila Fernanda",
                "status": "DELIVERY_ACK",
                "message": {"conversation": "Eu te amo"},
                "messageType": "conversation",
                "messageTimestamp": 1_705_684_429,
                "instanceId": "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
                "source": "ios",
            }),
        ),
        "messages.update" => envelope(
            event,
            json!({
                "keyId": "BAE520405E56E538",
                "remoteJid": "553191819932@s.whatsapp.net",
                "fromMe": true,
                "participant": null,
                "status": "READ",
                "instanceId": "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
                "messageId": "cm5x2k1qa0001",
            }),
        ),
        "connection.update" => envelope(
            event,
            json!({
                "instance": "instance_3_553175564133",
                "wuid": "553175564133@s.whatsapp.net",
                "profileName": "Loja",
                "profilePictureUrl": null,
                "state": "open",
                "statusReason": 200,
            }),
        ),
        "qrcode.updated" => envelope(
            event,
            json!({"qrcode": {
                "instance": "instance_3_553175564133",
                "pairingCode": null,
                "code": "2@y8eK+bjtEjUWy9/FOM...",
                "base64": "data:image/png;base64,iVBORw0KGgo...",
            }}),
        ),
        other => panic!("no fixture for {other}"),
    }
}

#[tokio::test]
async fn the_evolution_format_has_evolutions_shapes_and_zapdesks_has_its_envelope() {
    let (dir, store) = support::store().await;
    let raw = support::raw(&dir).await;
    let acc = support::account(&store, "Loja").await;
    let number = support::number(&store, acc, "Vendas", false).await;
    let hook = webhooks::create(
        &store,
        acc,
        &WebhookInput {
            url: "https://receiver.example/evo".into(),
            events: vec![
                EventType::MessageReceived,
                EventType::MessageStatus,
                EventType::NumberStatus,
                EventType::NumberQr,
            ],
            format: WebhookFormat::Evolution,
        },
    )
    .await
    .unwrap();
    instances::set_status(
        &store,
        acc,
        number,
        InstanceStatus::Connected,
        None,
        Some("+5511912345678"),
    )
    .await
    .unwrap();
    webhooks::record_qr(&store, acc, number, "data:image/png;base64,AA==", "2@x")
        .await
        .unwrap();
    let maria = ingest(
        &store,
        acc,
        number,
        &Inbound {
            wa_id: "false_5511987654321@c.us_E1".into(),
            phone: "+5511987654321".into(),
            push_name: Some("Maria".into()),
            body: "Oi".into(),
            sent_at: 1_705_684_429_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    let reply = outbox::enqueue_text(&store, acc, maria.conversation, "Olá")
        .await
        .unwrap();
    outbox::claim_next(&store, acc, number).await.unwrap();
    outbox::mark_sent(&store, acc, reply.id, "true_5511987654321@c.us_3EB0E2", 3)
        .await
        .unwrap();

    let due_of = |e: &Stored, format: WebhookFormat| Due {
        delivery: zapdesk_core::ids::DeliveryId::new(),
        account: acc,
        webhook: hook.id,
        url: "https://receiver.example/evo".into(),
        format,
        event: zapdesk_core::ids::EventId::new(),
        event_type: e.kind.clone(),
        instance: Some(number),
        data: e.data.to_string(),
        event_at: 1_705_684_429_253,
        attempts: 0,
        manual: false,
    };
    let events = events_after(&raw, 0).await;
    let mut names = Vec::new();
    for e in &events {
        let sent: Value =
            serde_json::from_slice(&body(&due_of(e, WebhookFormat::Evolution), None).unwrap())
                .unwrap();
        let name = sent["event"].as_str().unwrap().to_owned();
        same_shape(&sent, &evolution_fixture(&name), &name).unwrap();
        assert_eq!(sent["instance"], "Vendas");
        assert_eq!(sent["sender"], "5511912345678@s.whatsapp.net");
        assert_eq!(sent["date_time"], "2024-01-19T17:13:49.253Z");
        match name.as_str() {
            "messages.upsert" => {
                assert_eq!(
                    sent["data"]["key"]["remoteJid"],
                    "5511987654321@s.whatsapp.net"
                );
                assert_eq!(sent["data"]["key"]["id"], "false_5511987654321@c.us_E1");
                assert_eq!(sent["data"]["message"]["conversation"], "Oi");
                assert_eq!(sent["data"]["pushName"], "Maria");
                assert_eq!(sent["data"]["messageTimestamp"], 1_705_684_429);
            }
            "messages.update" => {
                assert_eq!(sent["data"]["keyId"], "true_5511987654321@c.us_3EB0E2");
                assert_eq!(sent["data"]["status"], "READ");
            }
            "connection.update" => assert_eq!(sent["data"]["state"], "open"),
            "qrcode.updated" => {
                assert_eq!(
                    sent["data"]["qrcode"]["base64"],
                    "data:image/png;base64,AA=="
                )
            }
            _ => {}
        }
        names.push(name);

        // The same event in ZapDesk's envelope.
        let due = due_of(e, WebhookFormat::Zapdesk);
        let zd: Value = serde_json::from_slice(&body(&due, None).unwrap()).unwrap();
        assert_eq!(
            zd,
            json!({
                "id": uuid(due.event),
                "type": e.kind,
                "account_id": uuid(acc),
                "instance_id": uuid(number),
                "timestamp": 1_705_684_429_253_i64,
                "data": e.data,
            })
        );
    }
    assert_eq!(
        names,
        [
            "connection.update",
            "qrcode.updated",
            "messages.upsert",
            "messages.update"
        ]
    );
    // An event Evolution has no name for is refused, not sent in another shape.
    let tag = Stored {
        seq: 0,
        kind: "tag.added".into(),
        data: json!({}),
        contact: None,
        instance: None,
    };
    assert!(body(&due_of(&tag, WebhookFormat::Evolution), None).is_err());
}
