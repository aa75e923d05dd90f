//! Campaigns against a real SQLite file, with an injected clock: bad input
//! refused before anything is queued, the audience without opted-out
//! contacts, pacing across two numbers, pause/resume/cancel, every recipient
//! queued exactly once through the durable outbox, and the report.

use crate::support;

use std::collections::BTreeMap;

use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::report::report;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::fields::{self, FieldInput, FieldKind, FieldValue};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::inbox::outbox;
use zapdesk_core::tags::{self, TagInput};
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Store, UserError, opt_out};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// Monday 2026-11-30 10:00 in Brasília.
const MONDAY_10: i64 = 1_796_007_600_000 + 10 * HOUR;

use crate::support::number;

/// Every queued message: (number, phone, body).
async fn outbox_of(
    store: &Store,
    acc: AccountId,
    numbers: &[InstanceId],
) -> Vec<(usize, String, String)> {
    // Draining the outbox as the fleet would, marking each as sent.
    let mut out = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        while let Some(job) = outbox::claim_next(store, acc, *n).await.unwrap() {
            outbox::mark_sent(store, acc, job.message, &format!("wa-{}", job.message), 1)
                .await
                .unwrap();
            out.push((i, job.phone, job.body));
        }
    }
    out
}

#[tokio::test]
async fn a_campaign_paces_two_numbers_and_queues_everyone_exactly_once() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Academia").await;
    let a = number(&store, acc, "Recepção", true).await;
    let b = number(&store, acc, "Vendas", true).await;
    let off = number(&store, acc, "Reserva", false).await;
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
    let alunos = tags::create(
        &store,
        acc,
        &TagInput {
            name: "Alunos".into(),
            color: "#123456".into(),
        },
    )
    .await
    .unwrap();
    let mut people = Vec::new();
    for i in 0..10 {
        let c = contacts::create(
            &store,
            acc,
            &ContactInput {
                phone: format!("+5511977{:06}", i),
                name: (i != 3).then(|| format!("Pessoa{i} Silva")),
            },
        )
        .await
        .unwrap();
        if i < 8 {
            tags::apply(&store, acc, alunos.id, &[c.id], true)
                .await
                .unwrap();
        }
        fields::set_values(
            &store,
            acc,
            c.id,
            &[FieldValue {
                field_id: plan.id,
                value: if i % 2 == 0 {
                    "Ouro".into()
                } else {
                    String::new()
                },
            }],
        )
        .await
        .unwrap();
        people.push(c);
    }
    // Pessoa1 opted out; Pessoa2 already talks to "Vendas".
    opt_out::set(&store, acc, people[1].id, true).await.unwrap();
    ingest(
        &store,
        acc,
        b,
        &Inbound {
            wa_id: "earlier".into(),
            phone: people[2].phone.clone(),
            body: "oi".into(),
            sent_at: MONDAY_10 - DAY,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let pacing = Pacing {
        daily_cap: 3,
        warmup_days: 0,
        ..Pacing::default()
    };
    let input = CampaignInput {
        name: "Black Friday".into(),
        message: "{Olá|Oi} {{primeiro_nome|aluno}}! Plano {{plano|básico}}.".into(),
        audience: ContactFilter {
            tags_all: vec![alunos.id],
            ..Default::default()
        },
        numbers: vec![a, b],
        pacing: pacing.clone(),
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };

    // Bad input: each refused with its code, nothing created.
    let refusals = [
        (
            CampaignInput {
                message: "Oi {{apelido}}".into(),
                ..input.clone()
            },
            ErrorCode::TemplateInvalid,
        ),
        (
            CampaignInput {
                audience: ContactFilter {
                    search: Some("ninguém".into()),
                    ..Default::default()
                },
                ..input.clone()
            },
            ErrorCode::AudienceEmpty,
        ),
        (
            CampaignInput {
                starts_at: Some(MONDAY_10 - HOUR),
                ..input.clone()
            },
            ErrorCode::ScheduleInPast,
        ),
        (
            CampaignInput {
                numbers: vec![a, off],
                ..input.clone()
            },
            ErrorCode::NumberOffline,
        ),
        (
            CampaignInput {
                numbers: vec![],
                ..input.clone()
            },
            ErrorCode::NumberUnknown,
        ),
    ];
    for (bad, code) in refusals {
        let err = campaigns::create(&store, acc, &bad, MONDAY_10)
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            code,
            "{}",
            err.message(zapdesk_core::Lang::PtBr)
        );
    }
    assert!(campaigns::list(&store, acc).await.unwrap().is_empty());
    // A disconnected number is fine for a campaign that starts tomorrow.
    let later = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            numbers: vec![off],
            starts_at: Some(MONDAY_10 + DAY),
            ..input.clone()
        },
        MONDAY_10,
    )
    .await
    .unwrap();
    assert_eq!(later.status, CampaignStatus::Scheduled);
    let s = step(&store, acc, later.id, MONDAY_10, 1, &|_| true)
        .await
        .unwrap();
    assert_eq!((s.queued, s.next_at), (0, Some(MONDAY_10 + DAY)));
    campaigns::set_status(&store, acc, later.id, CampaignStatus::Cancelled, MONDAY_10)
        .await
        .unwrap();

    let campaign = campaigns::create(&store, acc, &input, MONDAY_10)
        .await
        .unwrap();
    assert_eq!(campaign.status, CampaignStatus::Running);
    assert_eq!(
        report(&store, acc, campaign.id).await.unwrap().total,
        7,
        "8 tagged, 1 opted out"
    );

    // Drive the sender with the clock: each step at the moment it asks for.
    let mut now = MONDAY_10;
    let mut steps = 0;
    let mut queued_per_day: BTreeMap<i64, u32> = BTreeMap::new();
    loop {
        let s = step(&store, acc, campaign.id, now, 7, &|_| true)
            .await
            .unwrap();
        *queued_per_day
            .entry((now - (MONDAY_10 - 10 * HOUR)) / DAY)
            .or_default() += s.queued;
        let Some(next) = s.next_at else { break };
        if next == now && s.queued == 0 {
            panic!("no progress at {now}");
        }
        now = next.max(now);
        steps += 1;
        assert!(steps < 100, "runaway");
        if s.queued > 0 {
            // Asking again at once queues nothing: the delay is drawn once.
            let again = step(&store, acc, campaign.id, now, 7, &|_| true)
                .await
                .unwrap();
            assert_eq!(again.queued, 0);
            now = again.next_at.unwrap_or(now);
            if again.next_at.is_none() {
                break;
            }
        }
    }
    // Caps of 3 per number: 6 on Monday, the last one on Tuesday morning.
    assert_eq!(queued_per_day.values().sum::<u32>(), 7);
    assert_eq!(queued_per_day.get(&0), Some(&6), "{queued_per_day:?}");
    assert_eq!(
        campaigns::get(&store, acc, campaign.id)
            .await
            .unwrap()
            .status,
        CampaignStatus::Done
    );

    let sent = outbox_of(&store, acc, &[a, b]).await;
    let mut phones: Vec<&str> = sent.iter().map(|(_, p, _)| p.as_str()).collect();
    phones.sort();
    phones.dedup();
    assert_eq!(phones.len(), 7, "each recipient once: {sent:?}");
    assert!(
        !phones.contains(&people[1].phone.as_str()),
        "opted out never receives"
    );
    let to = |i: usize| sent.iter().find(|(_, p, _)| *p == people[i].phone).unwrap();
    assert_eq!(to(2).0, 1, "Pessoa2 stays on the number she talks to");
    assert!(to(0).2.ends_with("Pessoa0! Plano Ouro."), "{}", to(0).2);
    assert!(to(3).2.ends_with("aluno! Plano básico."), "{}", to(3).2);
    // The chat list shows the campaign's message as each conversation's last one.
    let chats = zapdesk_core::inbox::conversations::of_contact(&store, acc, people[0].id)
        .await
        .unwrap();
    assert_eq!(chats[0].last_body.as_deref(), Some(to(0).2.as_str()));
    let per_number = |n| sent.iter().filter(|(i, _, _)| *i == n).count();
    assert_eq!(per_number(0) + per_number(1), 7);
    assert!(per_number(0).abs_diff(per_number(1)) <= 1);

    // A reply shows in the report.
    ingest(
        &store,
        acc,
        b,
        &Inbound {
            wa_id: "reply".into(),
            phone: people[2].phone.clone(),
            body: "quero!".into(),
            sent_at: now + MIN,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let r = report(&store, acc, campaign.id).await.unwrap();
    assert_eq!(
        (r.total, r.sent, r.pending, r.replied),
        (7, 7, 0, 1),
        "{r:?}"
    );
}

#[tokio::test]
async fn pause_holds_resume_continues_and_cancel_stops_the_rest() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let a = number(&store, acc, "Loja", true).await;
    for i in 0..5 {
        contacts::create(
            &store,
            acc,
            &ContactInput {
                phone: format!("+5521977{:06}", i),
                name: None,
            },
        )
        .await
        .unwrap();
    }
    let c = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Aviso".into(),
            message: "Fechados amanhã.".into(),
            audience: ContactFilter::default(),
            numbers: vec![a],
            // A delay (even 1 s) means one message per number per step.
            pacing: Pacing {
                delay_min_s: 1,
                delay_max_s: 1,
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
    // A number that cannot send now (disconnected) gets nothing queued.
    let offline = step(&store, acc, c.id, MONDAY_10, 1, &|_| false)
        .await
        .unwrap();
    assert_eq!((offline.queued, offline.next_at), (0, None));
    assert_eq!(
        campaigns::get(&store, acc, c.id).await.unwrap().status,
        CampaignStatus::Running
    );
    assert_eq!(
        step(&store, acc, c.id, MONDAY_10, 1, &|_| true)
            .await
            .unwrap()
            .queued,
        1
    );
    campaigns::set_status(&store, acc, c.id, CampaignStatus::Paused, MONDAY_10)
        .await
        .unwrap();
    assert_eq!(
        step(&store, acc, c.id, MONDAY_10 + MIN, 1, &|_| true)
            .await
            .unwrap()
            .queued,
        0
    );
    campaigns::set_status(&store, acc, c.id, CampaignStatus::Running, MONDAY_10)
        .await
        .unwrap();
    assert_eq!(
        step(&store, acc, c.id, MONDAY_10 + 2 * MIN, 1, &|_| true)
            .await
            .unwrap()
            .queued,
        1
    );
    // Editing the pacing of a running campaign applies to the next step.
    campaigns::set_pacing(
        &store,
        acc,
        c.id,
        &Pacing {
            daily_cap: 2,
            ..Pacing::default()
        },
        MONDAY_10,
    )
    .await
    .unwrap();
    let capped = step(&store, acc, c.id, MONDAY_10 + 3 * MIN, 1, &|_| true)
        .await
        .unwrap();
    assert_eq!(capped.queued, 0);
    assert!(capped.next_at.unwrap() > MONDAY_10 + 20 * HOUR);
    campaigns::set_status(&store, acc, c.id, CampaignStatus::Cancelled, MONDAY_10)
        .await
        .unwrap();
    let r = report(&store, acc, c.id).await.unwrap();
    assert_eq!((r.queued, r.cancelled, r.pending), (2, 3, 0), "{r:?}");
    let err = campaigns::set_status(&store, acc, c.id, CampaignStatus::Running, MONDAY_10)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::CampaignStatusInvalid);
}

#[tokio::test]
async fn a_campaign_with_an_image_sends_it_with_each_caption_and_keeps_it_past_an_erasure() {
    use base64::Engine;
    use zapdesk_core::domain::MessageKind;
    use zapdesk_core::inbox::attachments::FileInput;
    use zapdesk_core::lgpd::{self, Actor};

    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Padaria").await;
    let a = number(&store, acc, "Balcão", true).await;
    let mut people = Vec::new();
    for (i, name) in ["Ana Souza", "Bruno Lima"].iter().enumerate() {
        people.push(
            contacts::create(
                &store,
                acc,
                &ContactInput {
                    phone: format!("+5531977{:06}", i),
                    name: Some((*name).into()),
                },
            )
            .await
            .unwrap(),
        );
    }
    let png = b"\x89PNG fake image bytes".to_vec();
    let input = CampaignInput {
        name: "Pão quentinho".into(),
        message: "Oi {{primeiro_nome}}, saiu pão!".into(),
        audience: ContactFilter::default(),
        numbers: vec![a],
        pacing: Pacing {
            delay_min_s: 0,
            delay_max_s: 0,
            warmup_days: 0,
            ..Pacing::default()
        },
        starts_at: None,
        attachment: Some(FileInput {
            name: "pao.png".into(),
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(&png),
        }),
        reply_flow: None,
    };
    let media_dir = dir.path().join("media").join(acc.to_string());
    let files_in_media = || {
        std::fs::read_dir(&media_dir)
            .map(|d| d.count())
            .unwrap_or(0)
    };

    // A blocked type is refused with the inbox's code, nothing written.
    let blocked = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            attachment: Some(FileInput {
                name: "promo.exe".into(),
                mime: "application/octet-stream".into(),
                data: base64::engine::general_purpose::STANDARD.encode(b"MZ"),
            }),
            ..input.clone()
        },
        MONDAY_10,
    )
    .await
    .unwrap_err();
    assert_eq!(blocked.code(), ErrorCode::AttachmentBlocked);
    assert!(campaigns::list(&store, acc).await.unwrap().is_empty());
    assert_eq!(files_in_media(), 0);

    let c = campaigns::create(&store, acc, &input, MONDAY_10)
        .await
        .unwrap();
    assert_eq!(c.media_name.as_deref(), Some("pao.png"));
    assert_eq!(c.media_mime.as_deref(), Some("image/png"));
    assert_eq!(c.media_size, Some(png.len() as i64));
    let done = step(&store, acc, c.id, MONDAY_10, 1, &|_| true)
        .await
        .unwrap();
    assert_eq!(done.queued, 2);
    let mut jobs = Vec::new();
    while let Some(job) = outbox::claim_next(&store, acc, a).await.unwrap() {
        outbox::mark_sent(&store, acc, job.message, &format!("wa-{}", job.message), 1)
            .await
            .unwrap();
        jobs.push(job);
    }
    let mut captions: Vec<&str> = jobs.iter().map(|j| j.body.as_str()).collect();
    captions.sort_unstable();
    assert_eq!(captions, ["Oi Ana, saiu pão!", "Oi Bruno, saiu pão!"]);
    let shared = format!("media/{acc}/campaign-{}.png", c.id);
    for job in &jobs {
        assert_eq!(job.kind, MessageKind::Image);
        assert_eq!(job.media_path.as_deref(), Some(shared.as_str()));
        assert_eq!(job.media_mime.as_deref(), Some("image/png"));
        assert_eq!(job.media_name.as_deref(), Some("pao.png"));
    }
    assert_eq!(std::fs::read(dir.path().join(&shared)).unwrap(), png);

    // Erasing (LGPD) or deleting a recipient removes their messages, not the
    // file the other recipients' messages still point at.
    lgpd::erase(&store, acc, people[0].id, &Actor::or(None, "teste"))
        .await
        .unwrap();
    contacts::delete_selection(
        &store,
        acc,
        &zapdesk_core::filter::ContactSelection::Ids {
            ids: vec![people[1].id],
        },
    )
    .await
    .unwrap();
    assert_eq!(std::fs::read(dir.path().join(&shared)).unwrap(), png);
}

#[tokio::test]
async fn a_contact_who_opts_out_while_a_campaign_runs_is_never_sent_it() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Escola").await;
    let n = number(&store, acc, "Vendas", true).await;
    let tag = tags::create(
        &store,
        acc,
        &TagInput {
            name: "Alunos".into(),
            color: "#2f80ed".into(),
        },
    )
    .await
    .unwrap();
    let mut people = Vec::new();
    for (name, phone) in [("Ana", "+5511911110001"), ("Bia", "+5511911110002")] {
        let c = contacts::create(
            &store,
            acc,
            &ContactInput {
                name: Some(name.into()),
                phone: phone.into(),
            },
        )
        .await
        .unwrap();
        tags::apply(&store, acc, tag.id, &[c.id], true)
            .await
            .unwrap();
        people.push(c);
    }
    // One a day: a campaign that runs over two days.
    let pacing = Pacing {
        daily_cap: 1,
        warmup_days: 0,
        delay_min_s: 0,
        delay_max_s: 0,
        ..Pacing::default()
    };
    let campaign = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Matrículas".into(),
            message: "Oi {{primeiro_nome}}!".into(),
            audience: ContactFilter {
                tags_all: vec![tag.id],
                ..Default::default()
            },
            numbers: vec![n],
            pacing,
            starts_at: None,
            attachment: None,
            reply_flow: None,
        },
        MONDAY_10,
    )
    .await
    .unwrap();
    let first = step(&store, acc, campaign.id, MONDAY_10, 1, &|_| true)
        .await
        .unwrap();
    assert_eq!(first.queued, 1);
    assert_eq!(outbox_of(&store, acc, &[n]).await.len(), 1);

    // Bia writes SAIR before her turn (the next day).
    ingest(
        &store,
        acc,
        n,
        &Inbound {
            wa_id: "sair".into(),
            phone: people[1].phone.clone(),
            body: "SAIR".into(),
            sent_at: MONDAY_10 + HOUR,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let confirmation = outbox_of(&store, acc, &[n]).await;
    assert_eq!(confirmation.len(), 1, "only the opt-out confirmation");
    let next = step(&store, acc, campaign.id, MONDAY_10 + DAY, 2, &|_| true)
        .await
        .unwrap();
    assert_eq!((next.queued, next.skipped), (0, 1));
    assert!(
        outbox_of(&store, acc, &[n]).await.is_empty(),
        "no campaign for Bia"
    );
    let rows = zapdesk_core::campaigns::export::rows(&store, acc, campaign.id)
        .await
        .unwrap();
    let bia = rows.iter().find(|r| r.phone == people[1].phone).unwrap();
    assert_eq!(bia.reason.as_deref(), Some("opted_out"));
    let r = report(&store, acc, campaign.id).await.unwrap();
    assert_eq!((r.skipped, r.pending), (1, 0));
}

#[tokio::test]
async fn a_reply_flow_is_a_published_flow_of_the_account_and_leaves_with_its_deletion() {
    use zapdesk_core::automation::flows;
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let elsewhere = support::account(&store, "Outra loja").await;
    let n = number(&store, acc, "Vendas", true).await;
    contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511977000001".into(),
            name: Some("Ana".into()),
        },
    )
    .await
    .unwrap();
    let publish = |account, name: &'static str| {
        let store = store.clone();
        async move {
            let flow = flows::create(&store, account, name, None).await.unwrap();
            flows::publish(&store, account, flow.id, flow.revision)
                .await
                .unwrap();
            flow.id
        }
    };
    let after_sale = publish(acc, "Pós-venda").await;
    let theirs = publish(elsewhere, "Deles").await;
    let draft = flows::create(&store, acc, "Ainda em rascunho", None)
        .await
        .unwrap()
        .id;
    let input = |reply_flow| CampaignInput {
        name: "Novidades".into(),
        message: "Oi {{primeiro_nome}}!".into(),
        audience: ContactFilter::default(),
        numbers: vec![n],
        pacing: Pacing::default(),
        starts_at: None,
        attachment: None,
        reply_flow,
    };

    // Refused, nothing written: a draft (named), another account's flow.
    let err = campaigns::create(&store, acc, &input(Some(draft)), MONDAY_10)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowNotPublished);
    assert!(
        err.message(zapdesk_core::Lang::PtBr)
            .contains("\"Ainda em rascunho\" ainda não foi publicado"),
        "{}",
        err.message(zapdesk_core::Lang::PtBr)
    );
    assert!(
        err.message(zapdesk_core::Lang::En)
            .contains("\"Ainda em rascunho\" is not published")
    );
    let err = campaigns::create(&store, acc, &input(Some(theirs)), MONDAY_10)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowUnknown);
    assert!(campaigns::list(&store, acc).await.unwrap().is_empty());

    // Kept, and shown with the campaign; none is the default.
    let plain = campaigns::create(&store, acc, &input(None), MONDAY_10)
        .await
        .unwrap();
    assert_eq!(plain.reply_flow_id, None);
    let replying = campaigns::create(&store, acc, &input(Some(after_sale)), MONDAY_10)
        .await
        .unwrap();
    assert_eq!(replying.reply_flow_id, Some(after_sale));
    assert_eq!(
        campaigns::get(&store, acc, replying.id)
            .await
            .unwrap()
            .reply_flow_id,
        Some(after_sale)
    );

    // Deleting the flow: the campaign stops starting it, and says so.
    flows::delete(&store, acc, after_sale, false).await.unwrap();
    let listed = campaigns::list(&store, acc).await.unwrap();
    assert!(
        listed.iter().all(|c| c.reply_flow_id.is_none()),
        "{listed:?}"
    );
}

/// The conversations a campaign opened stay out of the inbox's lists until
/// the contact answers (or anyone writes there): "Campanhas sem resposta"
/// lists them; a conversation that had messages before is not marked; a
/// second campaign to a contact who never answered keeps the mark.
#[tokio::test]
async fn conversations_a_campaign_opened_wait_apart_until_the_contact_answers() {
    use zapdesk_core::inbox::conversations::{self, ListFilter};

    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let a = number(&store, acc, "Loja", true).await;
    // Talked before: not opened by the campaign.
    let before = ingest(
        &store,
        acc,
        a,
        &Inbound {
            wa_id: "antes".into(),
            phone: "+5521977000000".into(),
            body: "oi".into(),
            sent_at: MONDAY_10 - DAY,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    for i in 1..3 {
        contacts::create(
            &store,
            acc,
            &ContactInput {
                phone: format!("+55219770000{i:02}"),
                name: None,
            },
        )
        .await
        .unwrap();
    }
    let campaign = |name: &str| CampaignInput {
        name: name.into(),
        message: "Promoção de hoje!".into(),
        audience: ContactFilter::default(),
        numbers: vec![a],
        pacing: Pacing {
            delay_min_s: 0,
            delay_max_s: 0,
            warmup_days: 0,
            ..Pacing::default()
        },
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };
    let first = campaigns::create(&store, acc, &campaign("Segunda"), MONDAY_10)
        .await
        .unwrap();
    assert_eq!(
        step(&store, acc, first.id, MONDAY_10, 10, &|_| true)
            .await
            .unwrap()
            .queued,
        3
    );
    outbox_of(&store, acc, &[a]).await;
    let list = |only: Option<bool>| {
        let store = store.clone();
        async move {
            let filter = ListFilter {
                campaign_unanswered: only,
                limit: 50,
                ..ListFilter::default()
            };
            let mut phones: Vec<String> = conversations::list(&store, acc, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.contact_phone)
                .collect();
            phones.sort();
            phones
        }
    };
    assert_eq!(list(Some(false)).await, ["+5521977000000"]);
    assert_eq!(list(Some(true)).await, ["+5521977000001", "+5521977000002"]);
    assert_eq!(list(None).await.len(), 3, "the API sees every chat");

    // One answers: back in the lists.
    ingest(
        &store,
        acc,
        a,
        &Inbound {
            wa_id: "resposta".into(),
            phone: "+5521977000001".into(),
            body: "Quero!".into(),
            sent_at: MONDAY_10 + HOUR,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        list(Some(false)).await,
        ["+5521977000000", "+5521977000001"]
    );

    // A second campaign: the one who never answered stays apart, the ones
    // who talked are not moved out of the lists.
    let second = campaigns::create(&store, acc, &campaign("Terça"), MONDAY_10 + DAY)
        .await
        .unwrap();
    assert_eq!(
        step(&store, acc, second.id, MONDAY_10 + DAY, 10, &|_| true)
            .await
            .unwrap()
            .queued,
        3
    );
    outbox_of(&store, acc, &[a]).await;
    assert_eq!(list(Some(true)).await, ["+5521977000002"]);
    assert_eq!(
        list(Some(false)).await,
        ["+5521977000000", "+5521977000001"]
    );
    let _ = before;
}

/// The recipients on screen: every one with where they stand, filtered by
/// state or a name or phone, a page at a time; another account's campaign
/// is unknown.
#[tokio::test]
async fn recipients_are_listed_with_their_state_filtered_and_paged() {
    use zapdesk_core::Lang;
    use zapdesk_core::campaigns::export::RecipientState;
    use zapdesk_core::campaigns::recipients::{self, RecipientQuery};

    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Loja").await;
    let a = number(&store, acc, "Loja", true).await;
    for (i, name) in ["Ana Júlia", "Bruno", "Carla"].iter().enumerate() {
        contacts::create(
            &store,
            acc,
            &ContactInput {
                phone: format!("+55219770000{i:02}"),
                name: Some((*name).into()),
            },
        )
        .await
        .unwrap();
    }
    let c = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Aviso".into(),
            message: "Abrimos domingo!".into(),
            audience: ContactFilter::default(),
            numbers: vec![a],
            pacing: Pacing {
                delay_min_s: 0,
                delay_max_s: 0,
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
    let page = |query: RecipientQuery| {
        let store = store.clone();
        async move {
            recipients::page(&store, acc, c.id, &query, Lang::PtBr)
                .await
                .unwrap()
        }
    };
    let all = || RecipientQuery {
        limit: 50,
        ..RecipientQuery::default()
    };
    let before = page(all()).await;
    assert_eq!(before.total, 3);
    assert!(
        before
            .items
            .iter()
            .all(|r| r.row.state == RecipientState::Pending)
    );

    step(&store, acc, c.id, MONDAY_10, 10, &|_| true)
        .await
        .unwrap();
    outbox_of(&store, acc, &[a]).await;
    ingest(
        &store,
        acc,
        a,
        &Inbound {
            wa_id: "r1".into(),
            phone: "+5521977000001".into(),
            body: "Que bom!".into(),
            sent_at: MONDAY_10 + HOUR,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let after = page(all()).await;
    let states: Vec<_> = after
        .items
        .iter()
        .map(|r| (r.row.name.clone().unwrap(), r.row.state))
        .collect();
    assert_eq!(
        states,
        [
            ("Ana Júlia".to_owned(), RecipientState::Sent),
            ("Bruno".to_owned(), RecipientState::Replied),
            ("Carla".to_owned(), RecipientState::Sent),
        ]
    );
    assert_eq!(after.items[0].row.number.as_deref(), Some("Loja"));
    let replied = page(RecipientQuery {
        state: Some(RecipientState::Replied),
        ..all()
    })
    .await;
    assert_eq!(
        (replied.total, replied.items[0].row.phone.as_str()),
        (1, "+5521977000001")
    );
    // A name without its accents, or digits of the phone.
    for search in ["ana julia", "97700-0000"] {
        let found = page(RecipientQuery {
            search: Some(search.into()),
            ..all()
        })
        .await;
        assert_eq!(found.total, 1, "{search}");
        assert_eq!(found.items[0].row.name.as_deref(), Some("Ana Júlia"));
    }
    let second = page(RecipientQuery {
        offset: 1,
        limit: 1,
        ..RecipientQuery::default()
    })
    .await;
    assert_eq!((second.total, second.items.len()), (3, 1));
    assert_eq!(second.items[0].row.name.as_deref(), Some("Bruno"));

    let elsewhere = support::account(&store, "Outra").await;
    let e = recipients::page(&store, elsewhere, c.id, &all(), Lang::PtBr)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CampaignUnknown);
}
