//! The change hub and the inbox's "mine", on one connected Sandbox number:
//! a message a contact sends and a campaign's progress reach the host as
//! changes; with no operator chosen at this desktop, nothing is "mine".

use crate::support::{self, Recorder};

use zapdesk_app::{InboxFilter, Scope, Who};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInput};
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::time::now_ms;
use zapdesk_whatsapp::actor::SandboxAction;
use zapdesk_whatsapp::sandbox::Incoming;

fn filter(who: Who) -> InboxFilter {
    InboxFilter {
        instance: None,
        who,
        status: None,
        campaigns: false,
        after: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_and_a_campaigns_progress_are_reported_and_mine_is_empty_without_an_operator() {
    let _one = support::serial();
    let dir = tempfile::tempdir().unwrap();
    let told = Recorder::new();
    let app = support::open(dir.path(), &told).await;
    let acc = support::account(app.store()).await;
    let number = support::sandbox_number(app.store(), dir.path(), acc).await;
    app.start(Scope::All).await.unwrap();
    support::pair(&app, &told, acc, number).await;
    told.until_change(Change::of(acc, Table::Instances)).await;

    // A contact writes to the number.
    told.clear();
    app.fleet()
        .sandbox(
            acc,
            number,
            SandboxAction::Incoming(Incoming {
                from: "+5511987654321".into(),
                name: Some("Cliente".into()),
                body: "Vocês entregam hoje?".into(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    // One burst, handed to the sink one change at a time: wait for each.
    for table in [Table::Messages, Table::Conversations, Table::Contacts] {
        told.until_change(Change::of(acc, table)).await;
    }
    // Everyone's conversation; nobody chosen at this desktop: none is "mine".
    let all = app.inbox_list(acc, filter(Who::All)).await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(
        app.inbox_list(acc, filter(Who::Mine))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.inbox_list(acc, filter(Who::Unassigned))
            .await
            .unwrap()
            .len(),
        1
    );
    let panel = app.inbox_contact(acc, all[0].id).await.unwrap();
    assert_eq!(panel.contact.phone, "+5511987654321");
    assert_eq!(panel.conversations.len(), 1);

    // A campaign written straight into the store (not through the app, so
    // only the runner can report it) to that contact, sendable at any hour.
    told.clear();
    let input = CampaignInput {
        name: "Promoção".into(),
        message: "Pão quentinho às 18h!".into(),
        audience: ContactFilter::default(),
        numbers: vec![number],
        pacing: Pacing {
            window_start: 0,
            window_end: 24 * 60,
            weekdays: [true; 7],
            delay_min_s: 0,
            delay_max_s: 0,
            warmup_days: 0,
            ..Pacing::default()
        },
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };
    campaigns::create_with(app.store(), acc, &input, now_ms(), &[])
        .await
        .unwrap();
    told.until_change(Change::of(acc, Table::CampaignRecipients))
        .await;
    assert!(told.changes().contains(&Change::of(acc, Table::Campaigns)));
    app.shutdown().await;
}
