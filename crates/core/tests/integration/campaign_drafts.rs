//! Campaign drafts against a real SQLite file: a copy keeps the original's
//! settings and file but has no recipients and is never sent; starting it
//! resolves the audience then (a contact added after the copy receives it),
//! in place and once; only a draft is deleted, its file with it; another account's campaign is unknown.

use crate::support;

use base64::Engine;
use zapdesk_core::campaigns::drafts;
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::report::report;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::inbox::attachments::FileInput;
use zapdesk_core::{AccountId, ErrorCode, Store, UserError};

const HOUR: i64 = 3_600_000;
/// Monday 2026-11-30 10:00 in Brasília.
const MONDAY_10: i64 = 1_796_007_600_000 + 10 * HOUR;

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

#[tokio::test]
async fn a_copy_is_a_draft_with_the_settings_and_file_and_nobody_yet() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Padaria").await;
    let a = support::number(&store, acc, "Balcão", true).await;
    person(&store, acc, "+5531977000001", "Ana Souza").await;
    person(&store, acc, "+5531977000002", "Bruno Lima").await;
    let png = b"\x89PNG fake image bytes".to_vec();
    let pacing = Pacing {
        delay_min_s: 5,
        delay_max_s: 9,
        warmup_days: 0,
        ..Pacing::default()
    };
    let original = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Pão quentinho".into(),
            message: "Oi {{primeiro_nome}}, saiu pão!".into(),
            audience: ContactFilter {
                search: Some("a".into()),
                ..ContactFilter::default()
            },
            numbers: vec![a],
            pacing: pacing.clone(),
            starts_at: None,
            attachment: Some(FileInput {
                name: "pao.png".into(),
                mime: "image/png".into(),
                data: base64::engine::general_purpose::STANDARD.encode(&png),
            }),
            reply_flow: None,
        },
        MONDAY_10,
    )
    .await
    .unwrap();

    let long = format!("Cópia de {}", "x".repeat(100));
    let copy = drafts::duplicate(&store, acc, original.id, &long, MONDAY_10 + HOUR)
        .await
        .unwrap();
    assert_ne!(copy.id, original.id);
    assert_eq!(copy.status, CampaignStatus::Draft);
    assert_eq!(
        copy.name.chars().count(),
        campaigns::NAME_MAX,
        "cut, not refused"
    );
    assert!(copy.name.starts_with("Cópia de xx"));
    assert_eq!(
        (&copy.message, &copy.audience, &copy.numbers, &copy.pacing),
        (
            &original.message,
            &original.audience,
            &original.numbers,
            &original.pacing
        )
    );
    assert_eq!(
        (
            copy.media_name.as_deref(),
            copy.media_mime.as_deref(),
            copy.media_size
        ),
        (Some("pao.png"), Some("image/png"), Some(png.len() as i64))
    );
    assert_eq!((copy.starts_at, copy.created_at), (None, MONDAY_10 + HOUR));
    assert_eq!(report(&store, acc, copy.id).await.unwrap().total, 0);
    // The sender never takes a draft, whatever the time.
    let stepped = step(&store, acc, copy.id, MONDAY_10 + 2 * HOUR, 3, &|_| true)
        .await
        .unwrap();
    assert_eq!((stepped.queued, stepped.skipped), (0, 0));
    assert_eq!(
        campaigns::get(&store, acc, copy.id).await.unwrap().status,
        CampaignStatus::Draft
    );

    // The file the editor gets back is the original's bytes.
    let file = drafts::file(&store, acc, copy.id).await.unwrap().unwrap();
    assert_eq!(
        (file.name.as_str(), file.mime.as_str()),
        ("pao.png", "image/png")
    );
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&file.data)
            .unwrap(),
        png
    );

    // Started later, the audience is resolved then: Carla, added after the copy, receives it.
    person(&store, acc, "+5531977000003", "Carla Dias").await;
    let input = CampaignInput {
        name: copy.name.clone(),
        message: copy.message.clone(),
        audience: copy.audience.clone(),
        numbers: copy.numbers.clone(),
        pacing: copy.pacing.clone(),
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };
    // Kept, the draft's file goes with it: the draft becomes the campaign.
    let started = drafts::start(
        &store,
        acc,
        copy.id,
        &input,
        true,
        MONDAY_10 + 3 * HOUR,
        &[],
    )
    .await
    .unwrap();
    assert_eq!(started.id, copy.id, "started in place");
    assert_eq!(started.status, CampaignStatus::Running);
    assert_eq!(report(&store, acc, started.id).await.unwrap().total, 3);
    assert_eq!(started.media_name.as_deref(), Some("pao.png"));
    assert_eq!(started.created_at, MONDAY_10 + 3 * HOUR);
    assert_eq!(
        drafts::file(&store, acc, started.id)
            .await
            .unwrap()
            .unwrap()
            .data,
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    // Started once: a second start (a double click, another window) is
    // refused and writes nothing.
    assert_eq!(
        drafts::start(
            &store,
            acc,
            copy.id,
            &input,
            true,
            MONDAY_10 + 4 * HOUR,
            &[]
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::CampaignStatusInvalid
    );
    assert_eq!(report(&store, acc, started.id).await.unwrap().total, 3);
    assert_eq!(
        campaigns::get(&store, acc, started.id).await.unwrap(),
        started
    );
    let listed: Vec<_> = campaigns::list(&store, acc)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, vec![started.id, original.id]);
}

/// A draft started without its file (text only) or deleted leaves no
/// `campaign_files` row: it is deleted on its own, so its deletion syncs.
#[tokio::test]
async fn a_draft_started_without_its_file_or_deleted_keeps_no_file() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Floricultura").await;
    let a = support::number(&store, acc, "Loja", true).await;
    person(&store, acc, "+5531977000009", "Dora Reis").await;
    let input = CampaignInput {
        name: "Rosas".into(),
        message: "Rosas hoje.".into(),
        audience: ContactFilter::default(),
        numbers: vec![a],
        pacing: Pacing::default(),
        starts_at: None,
        attachment: Some(FileInput {
            name: "rosa.png".into(),
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(b"\x89PNG rosa"),
        }),
        reply_flow: None,
    };
    let original = campaigns::create(&store, acc, &input, MONDAY_10)
        .await
        .unwrap();
    let files = async |id| -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM campaign_files WHERE campaign_id = ?")
            .bind(id)
            .fetch_one(store.pool_for_sync())
            .await
            .unwrap()
    };
    let one = drafts::duplicate(&store, acc, original.id, "Um", MONDAY_10)
        .await
        .unwrap();
    let two = drafts::duplicate(&store, acc, original.id, "Dois", MONDAY_10)
        .await
        .unwrap();
    assert_eq!((files(one.id).await, files(two.id).await), (1, 1));
    let text_only = CampaignInput {
        attachment: None,
        ..input.clone()
    };
    let started = drafts::start(&store, acc, one.id, &text_only, false, MONDAY_10, &[])
        .await
        .unwrap();
    assert_eq!((started.media_name, files(one.id).await), (None, 0));
    drafts::delete(&store, acc, two.id).await.unwrap();
    assert_eq!(files(two.id).await, 0);
    // Each file's deletion is in the outbox, not only its campaign's.
    let tombstones: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sync_outbox WHERE table_name = 'campaign_files' AND op = 'delete'",
    )
    .fetch_one(store.pool_for_sync())
    .await
    .unwrap();
    assert_eq!(tombstones, 2);
}

#[tokio::test]
async fn only_a_draft_is_deleted_and_only_in_its_account() {
    let (_dir, store) = support::store().await;
    let acc = support::account(&store, "Academia").await;
    let other = support::account(&store, "Outra").await;
    let a = support::number(&store, acc, "Recepção", true).await;
    person(&store, acc, "+5511911110000", "Ana Lima").await;
    let original = campaigns::create(
        &store,
        acc,
        &CampaignInput {
            name: "Aviso".into(),
            message: "Aula extra sábado.".into(),
            audience: ContactFilter::default(),
            numbers: vec![a],
            pacing: Pacing::default(),
            starts_at: None,
            attachment: None,
            reply_flow: None,
        },
        MONDAY_10,
    )
    .await
    .unwrap();

    // Another account's campaign is not there to copy or delete.
    assert_eq!(
        drafts::duplicate(&store, other, original.id, "Cópia", MONDAY_10)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CampaignUnknown
    );
    let copy = drafts::duplicate(&store, acc, original.id, "  Cópia de Aviso ", MONDAY_10)
        .await
        .unwrap();
    assert_eq!(copy.name, "Cópia de Aviso");
    assert_eq!(copy.media_name, None);
    assert!(drafts::file(&store, acc, copy.id).await.unwrap().is_none());
    assert_eq!(
        drafts::duplicate(&store, acc, original.id, "   ", MONDAY_10)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NameEmpty
    );
    assert_eq!(
        drafts::delete(&store, other, copy.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CampaignUnknown
    );
    // A campaign that was created keeps its report.
    assert_eq!(
        drafts::delete(&store, acc, original.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CampaignStatusInvalid
    );
    assert_eq!(report(&store, acc, original.id).await.unwrap().total, 1);
    drafts::delete(&store, acc, copy.id).await.unwrap();
    assert_eq!(campaigns::list(&store, acc).await.unwrap().len(), 1);
}
