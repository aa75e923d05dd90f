//! Starting a draft through the app: once only. Pressed twice (a double
//! click, a retry) or in two windows at the same moment, exactly one
//! campaign with one set of recipients results; the other start is refused.

use crate::support::{self, Recorder};

use zapdesk_app::App;
use zapdesk_core::campaigns::drafts;
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInfo, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{CampaignStatus, InstanceKind};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ErrorCode, UserError};

const DAY: i64 = 86_400_000;

/// A scheduled campaign (tomorrow: its number need not be connected) to
/// two contacts.
fn input(number: zapdesk_core::InstanceId) -> CampaignInput {
    CampaignInput {
        name: "Promoção".into(),
        message: "Oi {{primeiro_nome}}, pão em dobro amanhã.".into(),
        audience: ContactFilter::default(),
        numbers: vec![number],
        pacing: Pacing::default(),
        starts_at: Some(now_ms() + DAY),
        attachment: None,
        reply_flow: None,
    }
}

/// An account with a number, two contacts and a draft copied from a campaign.
async fn with_a_draft(app: &App) -> (AccountId, CampaignInput, CampaignInfo) {
    let acc = support::account(app.store()).await;
    let number = instances::create(
        app.store(),
        acc,
        &NumberInput {
            name: "Balcão".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    for (phone, name) in [("+5511911112222", "Ana"), ("+5511911113333", "Bruno")] {
        contacts::create(
            app.store(),
            acc,
            &ContactInput {
                phone: phone.into(),
                name: Some(name.into()),
            },
        )
        .await
        .unwrap();
    }
    let input = input(number);
    let original = app.campaigns_create(acc, &input).await.unwrap();
    let draft = drafts::duplicate(app.store(), acc, original.id, "Cópia", now_ms())
        .await
        .unwrap();
    (acc, input, draft)
}

/// (campaigns that are not drafts, recipient rows) of the account.
async fn counts(app: &App, acc: AccountId) -> (usize, i64) {
    let sent = campaigns::list(app.store(), acc)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status != CampaignStatus::Draft)
        .count();
    let recipients: i64 =
        sqlx::query_scalar("SELECT count(*) FROM campaign_recipients WHERE account_id = ?")
            .bind(acc)
            .fetch_one(app.store().pool_for_sync())
            .await
            .unwrap();
    (sent, recipients)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_started_twice_in_a_row_is_one_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let app = support::open(dir.path(), &Recorder::new()).await;
    let (acc, input, draft) = with_a_draft(&app).await;

    let started = app
        .campaigns_start_draft(acc, draft.id, &input, true)
        .await
        .unwrap();
    assert_eq!(
        (started.id, started.status),
        (draft.id, CampaignStatus::Scheduled)
    );
    let again = app
        .campaigns_start_draft(acc, draft.id, &input, true)
        .await
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::CampaignStatusInvalid);
    // The original and the started draft, two recipients each.
    assert_eq!(counts(&app, acc).await, (2, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_started_in_two_windows_at_once_is_one_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let app = support::open(dir.path(), &Recorder::new()).await;
    let (acc, input, draft) = with_a_draft(&app).await;

    let (one, two) = tokio::join!(
        app.campaigns_start_draft(acc, draft.id, &input, true),
        app.campaigns_start_draft(acc, draft.id, &input, true),
    );
    let mut codes: Vec<_> = [&one, &two]
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.code()))
        .collect();
    codes.sort_by_key(|c| c.is_some());
    assert_eq!(codes, vec![None, Some(ErrorCode::CampaignStatusInvalid)]);
    assert_eq!(counts(&app, acc).await, (2, 4));
}
