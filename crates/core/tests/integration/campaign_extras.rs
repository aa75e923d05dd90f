//! What the campaign pages add around the sender, against a real SQLite file:
//! the recipients export with each one's state after sends, acks, a failure,
//! a reply, a skip and a cancel; the hourly timeline computed by hand from
//! the same events; and the test send's refusals and its one outbox row.

use crate::support;

use zapdesk_core::campaigns::export::{self as recipients, RecipientState};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::campaigns::test_send::test_send;
use zapdesk_core::campaigns::timeline::{TimelineBucket, timeline};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::fields::{self, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::{AccountId, ErrorCode, Lang, MessageId, Store, UserError};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
/// Monday 2026-11-30 10:00 in Brasília (13:00 UTC, the start of an hour).
const MONDAY_10: i64 = 1_796_007_600_000 + 10 * HOUR;

/// Name, sending number, state, reason, sent at.
type View<'a> = (
    &'a str,
    Option<&'a str>,
    RecipientState,
    Option<&'a str>,
    Option<i64>,
);

use crate::support::number;

async fn person(store: &Store, acc: AccountId, phone: &str, name: &str) {
    contacts::create(
        store,
        acc,
        &ContactInput {
            phone: phone.into(),
            name: Some(name.into()),
        },
    )
    .await
    .unwrap();
}

async fn step_at(
    store: &Store,
    acc: AccountId,
    c: zapdesk_core::ids::CampaignId,
    at: i64,
) -> (u32, u32) {
    let s = step(store, acc, c, at, 3, &|_| true).await.unwrap();
    (s.queued, s.skipped)
}

#[tokio::test]
async fn the_export_and_the_timeline_follow_each_recipient() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Academia").await;
    let a = number(&store, acc, "Recepção", true).await;
    person(&store, acc, "+5511911110000", "Ana Lima").await;
    person(&store, acc, "+5511922220000", "Edu Reis").await;
    person(&store, acc, "+5511933330000", "Bia Melo").await;
    person(&store, acc, "+5511944440000", "Caio Nunes").await;
    person(&store, acc, "+5511955550000", "Duda Paz").await;
    let c = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Aviso".into(),
            message: "Oi {{primeiro_nome}}, aula extra sábado.".into(),
            audience: ContactFilter::default(),
            numbers: vec![a],
            // One message per step, so each lands in the hour we step at.
            pacing: Pacing {
                delay_min_s: 1,
                delay_max_s: 1,
                warmup_days: 0,
                ..Pacing::default()
            },
            starts_at: None,
            attachment: None,
            reply_flow: None,
        },
        MONDAY_10,
    )
    .await
    .unwrap();
    // The sending order by name (ids alone do not fix it), and Edu's phone
    // broken as an old import could have left it: the sender skips him.
    let raw = support::raw(&dir).await;
    sqlx::query(
        "UPDATE campaign_recipients SET position = (SELECT CASE c.name
           WHEN 'Ana Lima' THEN 0 WHEN 'Edu Reis' THEN 1 WHEN 'Bia Melo' THEN 2
           WHEN 'Caio Nunes' THEN 3 ELSE 4 END
         FROM contacts c WHERE c.id = campaign_recipients.contact_id)",
    )
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query("UPDATE contacts SET phone = '+55119' WHERE name = 'Edu Reis'")
        .execute(&raw)
        .await
        .unwrap();

    assert_eq!(step_at(&store, acc, c.id, MONDAY_10).await, (1, 0), "Ana");
    assert_eq!(
        step_at(&store, acc, c.id, MONDAY_10 + HOUR + 5 * MIN).await,
        (0, 1),
        "Edu"
    );
    assert_eq!(
        step_at(&store, acc, c.id, MONDAY_10 + HOUR + 6 * MIN).await,
        (1, 0),
        "Bia"
    );
    assert_eq!(
        step_at(&store, acc, c.id, MONDAY_10 + 2 * HOUR + 10 * MIN).await,
        (1, 0),
        "Caio"
    );
    campaigns::set_status(
        &store,
        acc,
        c.id,
        CampaignStatus::Cancelled,
        MONDAY_10 + 2 * HOUR,
    )
    .await
    .unwrap();

    // Before the number sends anything: queued and still waiting.
    let before = recipients::rows(&store, acc, c.id).await.unwrap();
    let states: Vec<RecipientState> = before.iter().map(|r| r.state).collect();
    use RecipientState::*;
    assert_eq!(states, [Queued, Skipped, Queued, Queued, Cancelled]);

    // The number sends: Ana delivered then replies, Bia read, Caio refused.
    // A claimed row stays claimable until marked (crash safety), so each is
    // marked as the fleet would before the next claim.
    let mut jobs = Vec::new();
    while let Some(job) = outbox::claim_next(&store, acc, a).await.unwrap() {
        if job.phone == "+5511944440000" {
            outbox::mark_failed(&store, acc, job.message, "sem WhatsApp")
                .await
                .unwrap();
        } else {
            let wa = if job.phone == "+5511911110000" {
                "wa-ana"
            } else {
                "wa-bia"
            };
            outbox::mark_sent(&store, acc, job.message, wa, 1)
                .await
                .unwrap();
        }
        jobs.push(job);
        assert!(jobs.len() <= 3, "runaway");
    }
    assert_eq!(jobs.len(), 3);
    let mut phones: Vec<&str> = jobs.iter().map(|j| j.phone.as_str()).collect();
    phones.sort();
    assert_eq!(
        phones,
        ["+5511911110000", "+5511933330000", "+5511944440000"]
    );
    outbox::apply_ack(&store, acc, a, &["wa-ana".into()], 2)
        .await
        .unwrap();
    outbox::apply_ack(&store, acc, a, &["wa-bia".into()], 3)
        .await
        .unwrap();
    ingest(
        &store,
        acc,
        a,
        &Inbound {
            wa_id: "reply-ana".into(),
            phone: "+5511911110000".into(),
            body: "vou sim".into(),
            sent_at: MONDAY_10 + 3 * HOUR + MIN,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let rows = recipients::rows(&store, acc, c.id).await.unwrap();
    let view: Vec<View> = rows
        .iter()
        .map(|r| {
            (
                r.name.as_deref().unwrap(),
                r.number.as_deref(),
                r.state,
                r.reason.as_deref(),
                r.sent_at,
            )
        })
        .collect();
    assert_eq!(
        view,
        [
            ("Ana Lima", Some("Recepção"), Replied, None, Some(MONDAY_10)),
            (
                "Edu Reis",
                Some("Recepção"),
                Skipped,
                Some("invalid_phone"),
                None
            ),
            (
                "Bia Melo",
                Some("Recepção"),
                Read,
                None,
                Some(MONDAY_10 + HOUR + 6 * MIN)
            ),
            (
                "Caio Nunes",
                Some("Recepção"),
                Failed,
                Some("sem WhatsApp"),
                None
            ),
            ("Duda Paz", Some("Recepção"), Cancelled, None, None),
        ]
    );

    // The file: BOM, `;` and Brasília's clock in Portuguese; `,` in English.
    let pt = String::from_utf8(
        recipients::csv(&store, acc, c.id, Lang::PtBr)
            .await
            .unwrap(),
    )
    .unwrap();
    let pt = pt.strip_prefix('\u{feff}').expect("UTF-8 BOM");
    let lines: Vec<&str> = pt.lines().collect();
    assert_eq!(
        lines,
        [
            "telefone;nome;número que envia;estado;motivo;enviada em",
            "+5511911110000;Ana Lima;Recepção;respondeu;;2026-11-30 10:00",
            "+55119;Edu Reis;Recepção;pulada;telefone inválido;",
            "+5511933330000;Bia Melo;Recepção;lida;;2026-11-30 11:06",
            "+5511944440000;Caio Nunes;Recepção;falhou;sem WhatsApp;",
            "+5511955550000;Duda Paz;Recepção;cancelada;;",
        ]
    );
    let en =
        String::from_utf8(recipients::csv(&store, acc, c.id, Lang::En).await.unwrap()).unwrap();
    let en: Vec<&str> = en.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(en[0], "phone,name,sending number,state,reason,sent at");
    assert_eq!(en[2], "+55119,Edu Reis,Recepção,skipped,invalid phone,");

    // Per hour, by hand: Ana queued and out at 10h, Bia at 11h, Caio queued
    // at 12h but refused, Ana's reply at 13h (all Brasília).
    let b = |hour, queued, sent, replied| TimelineBucket {
        hour,
        queued,
        sent,
        replied,
    };
    assert_eq!(
        timeline(&store, acc, c.id).await.unwrap(),
        [
            b(MONDAY_10, 1, 1, 0),
            b(MONDAY_10 + HOUR, 1, 1, 0),
            b(MONDAY_10 + 2 * HOUR, 1, 0, 0),
            b(MONDAY_10 + 3 * HOUR, 0, 0, 1),
        ]
    );

    // Another account sees no such campaign.
    let other = support::account(&store, "Outra").await;
    assert_eq!(
        recipients::rows(&store, other, c.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CampaignUnknown
    );
    assert_eq!(
        timeline(&store, other, c.id).await.unwrap_err().code(),
        ErrorCode::CampaignUnknown
    );
}

#[tokio::test]
async fn a_test_send_is_refused_clearly_or_queued_once_rendered() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let on = number(&store, acc, "Vendas", true).await;
    let off = number(&store, acc, "Reserva", false).await;
    let other = support::account(&store, "Outra").await;
    let theirs = number(&store, other, "Deles", true).await;
    let plan = fields::create(
        &store,
        acc,
        &FieldInput {
            label: "Plano".into(),
            kind: FieldKind::Text,
            choices: vec![],
        },
    )
    .await
    .unwrap();
    let ana = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511911112222".into(),
            name: Some("Ana Lima".into()),
        },
    )
    .await
    .unwrap();
    fields::set_values(
        &store,
        acc,
        ana.id,
        &[FieldValue {
            field_id: plan.id,
            value: "Ouro".into(),
        }],
    )
    .await
    .unwrap();
    let message = "Oi {{primeiro_nome|cliente}}, plano {{plano|básico}}.";

    let refusals = [
        (
            "Oi {{apelido}}",
            on,
            "+5511911112222",
            ErrorCode::TemplateInvalid,
        ),
        (message, off, "+5511911112222", ErrorCode::NumberOffline),
        (message, theirs, "+5511911112222", ErrorCode::NumberUnknown),
        (message, on, "12ab", ErrorCode::PhoneInvalid),
        (message, on, "123", ErrorCode::PhoneInvalid),
    ];
    for (text, n, phone, code) in refusals {
        let err = test_send(&store, acc, MessageId::new(), text, n, phone, None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), code, "{}", err.message(Lang::PtBr));
    }
    let offline = test_send(
        &store,
        acc,
        MessageId::new(),
        message,
        off,
        "+5511911112222",
        None,
    )
    .await
    .unwrap_err();
    assert!(
        offline.message(Lang::PtBr).contains("Reserva"),
        "{}",
        offline.message(Lang::PtBr)
    );
    // Nothing written by a refusal: no new contact, nothing to send.
    assert_eq!(
        contacts::count(&store, acc, &ContactFilter::default())
            .await
            .unwrap(),
        1
    );
    assert!(outbox::claim_next(&store, acc, on).await.unwrap().is_none());
    assert!(
        outbox::claim_next(&store, acc, off)
            .await
            .unwrap()
            .is_none()
    );

    // A phone typed as people do finds Ana and renders her values. The
    // button pressed twice (one action, one id) queues one test.
    let action = MessageId::new();
    let first = test_send(&store, acc, action, message, on, "(11) 91111-2222", None)
        .await
        .unwrap();
    let again = test_send(&store, acc, action, message, on, "(11) 91111-2222", None)
        .await
        .unwrap();
    assert_eq!((first, again), (action, action));
    let job = outbox::claim_next(&store, acc, on).await.unwrap().unwrap();
    assert_eq!(
        (job.message, job.phone.as_str(), job.body.as_str()),
        (first, "+5511911112222", "Oi Ana, plano Ouro.")
    );
    outbox::mark_sent(&store, acc, first, "wa-1", 1)
        .await
        .unwrap();
    assert!(
        outbox::claim_next(&store, acc, on).await.unwrap().is_none(),
        "exactly one row"
    );

    // Someone who opted out gets no test message either.
    zapdesk_core::opt_out::set(&store, acc, ana.id, true)
        .await
        .unwrap();
    let err = test_send(
        &store,
        acc,
        MessageId::new(),
        message,
        on,
        "(11) 91111-2222",
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ContactOptedOut);
    assert!(outbox::claim_next(&store, acc, on).await.unwrap().is_none());

    // A phone that is no contact is refused (item 18): no "Sem nome" contact,
    // no open conversation, nothing queued.
    let err = test_send(
        &store,
        acc,
        MessageId::new(),
        message,
        on,
        "21 98888-7777",
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::ContactUnknown,
        "{}",
        err.message(Lang::PtBr)
    );
    assert!(err.message(Lang::PtBr).contains("Contatos"));
    assert!(outbox::claim_next(&store, acc, on).await.unwrap().is_none());
    assert_eq!(
        contacts::count(&store, acc, &ContactFilter::default())
            .await
            .unwrap(),
        1
    );
}

/// Item 18: the preview shows "Olá Kátia!" for the chosen contact; the test
/// sent to the operator's own phone must say the same, not "Olá !".
#[tokio::test]
async fn a_test_send_renders_for_the_previewed_contact() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let on = number(&store, acc, "Vendas", true).await;
    let katia = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511933334444".into(),
            name: Some("Kátia Souza".into()),
        },
    )
    .await
    .unwrap();
    // The operator's own phone, saved without a name.
    contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511955556666".into(),
            name: None,
        },
    )
    .await
    .unwrap();
    let message = "Olá {{primeiro_nome}}!";
    let sent = test_send(
        &store,
        acc,
        MessageId::new(),
        message,
        on,
        "11 95555-6666",
        Some(katia.id),
    )
    .await
    .unwrap();
    let job = outbox::claim_next(&store, acc, on).await.unwrap().unwrap();
    assert_eq!(
        (job.message, job.phone.as_str(), job.body.as_str()),
        (sent, "+5511955556666", "Olá Kátia!")
    );
    // A preview contact of another account is refused, nothing queued.
    let other = support::account(&store, "Outra").await;
    let err = test_send(
        &store,
        other,
        MessageId::new(),
        message,
        on,
        "11 95555-6666",
        Some(katia.id),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err.code(),
        ErrorCode::NumberUnknown | ErrorCode::ContactUnknown
    ));
}
