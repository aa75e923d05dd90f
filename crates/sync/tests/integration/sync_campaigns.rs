//! Campaigns on two desktops through the real PostgreSQL: a campaign made on
//! one reaches the other with its recipients and its file; a campaign that
//! arrived only in part is not ended by the desktop that sees that part; and
//! two desktops that both claim the same recipients (a number taken over
//! before the last holder's claims reached the server) write one message per
//! recipient, converging on the same rows; a deleted or started draft's
//! file leaves the server.

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use base64::Engine as _;
use zapdesk_core::campaigns::drafts;
use zapdesk_core::campaigns::media::{self, FileHere};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::sender::step;
use zapdesk_core::campaigns::store::{self as campaigns, CampaignInfo, CampaignInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::{CampaignStatus, InstanceKind, InstanceStatus};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::ids::CampaignId;
use zapdesk_core::inbox::attachments::FileInput;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_sync::testing::ScratchDatabase;

/// Any hour, any day, no delay: the sender's pacing is not what is tested.
fn always() -> Pacing {
    Pacing {
        window_start: 0,
        window_end: 24 * 60,
        weekdays: [true; 7],
        delay_min_s: 0,
        delay_max_s: 0,
        daily_cap: 10_000,
        warmup_days: 0,
        ..Pacing::default()
    }
}

/// A connected number and `people` contacts on desktop `d`.
async fn number_and_people(d: &Desktop, people: usize) -> InstanceId {
    let acc = d.account_id();
    let number = instances::create(
        &d.store,
        acc,
        &NumberInput {
            name: "Vendas".into(),
            kind: InstanceKind::Sandbox,
        },
    )
    .await
    .unwrap()
    .id;
    instances::set_status(&d.store, acc, number, InstanceStatus::Connected, None, None)
        .await
        .unwrap();
    for i in 0..people {
        contacts::create(
            &d.store,
            acc,
            &ContactInput {
                phone: format!("+55119876{i:05}"),
                name: Some(format!("Cliente {i}")),
            },
        )
        .await
        .unwrap();
    }
    number
}

async fn campaign(d: &Desktop, number: InstanceId, file: Option<FileInput>) -> CampaignInfo {
    campaigns::create(
        &d.store,
        d.account_id(),
        &CampaignInput {
            name: "Black Friday".into(),
            message: "Oi {{primeiro_nome}}, 20% de desconto hoje!".into(),
            audience: ContactFilter::default(),
            numbers: vec![number],
            pacing: always(),
            starts_at: None,
            attachment: file,
            reply_flow: None,
        },
        now_ms(),
    )
    .await
    .unwrap()
}

async fn scalar(d: &Desktop, sql: &str, campaign: &CampaignInfo) -> i64 {
    sqlx::query_scalar(sql)
        .bind(d.account)
        .bind(campaign.id)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

async fn recipients_in(d: &Desktop, c: &CampaignInfo, state: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM campaign_recipients WHERE account_id = ? AND campaign_id = ? AND state = ?",
    )
    .bind(d.account)
    .bind(c.id)
    .bind(state)
    .fetch_one(d.pool())
    .await
    .unwrap()
}

async fn status_of(d: &Desktop, c: &CampaignInfo) -> CampaignStatus {
    campaigns::get(&d.store, d.account_id(), c.id)
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn a_campaign_reaches_the_other_desktop_with_its_recipients_and_its_file() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let number = number_and_people(&a, 3).await;
    let png = b"\x89PNG\r\n\x1a\n uma oferta".to_vec();
    let made = campaign(
        &a,
        number,
        Some(FileInput {
            name: "oferta.png".into(),
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(&png),
        }),
    )
    .await;
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;

    let seen = campaigns::get(&b.store, b.account_id(), made.id)
        .await
        .unwrap();
    assert_eq!(seen, made);
    assert_eq!(recipients_in(&b, &made, "pending").await, 3);
    assert_eq!(a.rows().await, b.rows().await);
    // The file is written under B's data folder when B needs it, from the store.
    let path: String = sqlx::query_scalar("SELECT media_path FROM campaigns WHERE id = ?")
        .bind(made.id)
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert!(!b.dir.path().join(&path).exists());
    assert_eq!(
        media::ensure_here(&b.store, b.account_id(), made.id)
            .await
            .unwrap(),
        FileHere::Ready
    );
    assert_eq!(std::fs::read(b.dir.path().join(&path)).unwrap(), png);

    // A pause on B stops A's sender.
    campaigns::set_status(
        &b.store,
        b.account_id(),
        made.id,
        CampaignStatus::Paused,
        now_ms(),
    )
    .await
    .unwrap();
    b.push().await;
    a.pull().await;
    assert_eq!(status_of(&a, &made).await, CampaignStatus::Paused);
    let stepped = step(&a.store, a.account_id(), made.id, now_ms(), 7, &|_| true)
        .await
        .unwrap();
    assert_eq!(stepped.queued, 0);
}

/// A's push of a big campaign takes several server transactions; B may pull
/// between them and see the campaign with only some (here: none) of its
/// recipients. With nothing pending there, B must not call it done: that
/// would end it on every desktop.
#[tokio::test]
async fn a_campaign_seen_in_part_is_not_ended_by_the_desktop_that_sees_it() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let number = number_and_people(&a, 4).await;
    a.sync().await;
    let made = campaign(&a, number, None).await;
    // Only the campaign row reaches the server (as the first of many batches).
    sqlx::query(
        "CREATE TABLE held AS SELECT * FROM sync_outbox WHERE table_name <> 'campaigns';
         DELETE FROM sync_outbox WHERE seq IN (SELECT seq FROM held);",
    )
    .execute(a.pool())
    .await
    .unwrap();
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    assert_eq!(status_of(&b, &made).await, CampaignStatus::Running);
    assert_eq!(
        scalar(
            &b,
            "SELECT count(*) FROM campaign_recipients WHERE account_id = ? AND campaign_id = ?",
            &made
        )
        .await,
        0
    );
    let acc: AccountId = b.account_id();
    step(&b.store, acc, made.id, now_ms(), 7, &|_| false)
        .await
        .unwrap();
    assert_eq!(status_of(&b, &made).await, CampaignStatus::Running);

    // The rest arrives; A sends everything; B sees the campaign done.
    sqlx::query("INSERT INTO sync_outbox SELECT * FROM held; DROP TABLE held;")
        .execute(a.pool())
        .await
        .unwrap();
    a.push().await;
    b.pull().await;
    assert_eq!(recipients_in(&b, &made, "pending").await, 4);
    let stepped = step(&a.store, a.account_id(), made.id, now_ms(), 7, &|_| true)
        .await
        .unwrap();
    assert_eq!(stepped.queued, 4);
    step(&a.store, a.account_id(), made.id, now_ms(), 7, &|_| true)
        .await
        .unwrap();
    assert_eq!(status_of(&a, &made).await, CampaignStatus::Done);
    a.sync().await;
    b.sync().await;
    assert_eq!(status_of(&b, &made).await, CampaignStatus::Done);
    assert_eq!(recipients_in(&b, &made, "queued").await, 4);
    assert_eq!(a.rows().await, b.rows().await);
}

/// Both desktops claim the same three recipients offline. Each writes the
/// recipient's message under the id both derive from the campaign and the
/// recipient, so after syncing there is one message per recipient (whose id
/// is also what WhatsApp is asked about before a send), each recipient
/// queued once, and the two conversations each desktop opened per contact
/// are merged into one.
#[tokio::test]
async fn recipients_claimed_on_two_desktops_are_one_message_each() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let number = number_and_people(&a, 3).await;
    let made = campaign(&a, number, None).await;
    a.sync().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;

    for d in [&a, &b] {
        let stepped = step(&d.store, d.account_id(), made.id, now_ms(), 7, &|_| true)
            .await
            .unwrap();
        assert_eq!(stepped.queued, 3);
    }
    for d in [&a, &b] {
        // Claims record their recipients in bulk with the triggers off for a
        // moment; they are on again after every claim.
        let applying: i64 = sqlx::query_scalar("SELECT applying FROM sync_apply")
            .fetch_one(d.pool())
            .await
            .unwrap();
        assert_eq!(applying, 0);
    }
    a.push().await;
    b.push().await;
    b.pull().await;
    a.pull().await;
    assert_eq!(a.rows().await, b.rows().await);
    for d in [&a, &b] {
        assert_eq!(recipients_in(d, &made, "queued").await, 3);
        let messages: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM messages m JOIN campaign_recipients r
               ON r.account_id = m.account_id AND r.message_id = m.id
             WHERE r.account_id = ? AND r.campaign_id = ?",
        )
        .bind(d.account)
        .bind(made.id)
        .fetch_one(d.pool())
        .await
        .unwrap();
        assert_eq!(messages, 3);
        let all: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE account_id = ?")
            .bind(d.account)
            .fetch_one(d.pool())
            .await
            .unwrap();
        assert_eq!(all, 3, "no second copy of any message");
        let threads: i64 =
            sqlx::query_scalar("SELECT count(*) FROM conversations WHERE account_id = ?")
                .bind(d.account)
                .fetch_one(d.pool())
                .await
                .unwrap();
        assert_eq!(threads, 3);
    }
}

/// A draft deleted, and a draft started without its file, leave no file on
/// the agency's server: each file's deletion is pushed as its own tombstone
/// (emptied there), not left to a cascade that happens only on desktops.
#[tokio::test]
async fn a_deleted_or_started_drafts_file_leaves_the_server() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let number = number_and_people(&a, 2).await;
    let png = b"\x89PNG\r\n\x1a\n um rascunho".to_vec();
    let file = FileInput {
        name: "oferta.png".into(),
        mime: "image/png".into(),
        data: base64::engine::general_purpose::STANDARD.encode(&png),
    };
    let made = campaign(&a, number, Some(file)).await;
    let acc = a.account_id();
    let deleted = drafts::duplicate(&a.store, acc, made.id, "Excluído", now_ms())
        .await
        .unwrap();
    let started = drafts::duplicate(&a.store, acc, made.id, "Iniciado", now_ms())
        .await
        .unwrap();
    a.sync().await;
    let files_on_server = async |id: CampaignId| -> (i64, i64) {
        let mut owner = db.connect_owner().await;
        sqlx::query_as(
            "SELECT count(*) FILTER (WHERE deleted_at IS NULL),
                    coalesce(sum(octet_length(bytes)), 0)
             FROM zapdesk.campaign_files WHERE campaign_id = $1",
        )
        .bind(id.as_uuid())
        .fetch_one(&mut owner)
        .await
        .unwrap()
    };
    let size = png.len() as i64;
    assert_eq!(files_on_server(deleted.id).await, (1, size));
    assert_eq!(files_on_server(started.id).await, (1, size));

    drafts::delete(&a.store, acc, deleted.id).await.unwrap();
    let text_only = CampaignInput {
        name: started.name.clone(),
        message: started.message.clone(),
        audience: started.audience.clone(),
        numbers: started.numbers.clone(),
        pacing: started.pacing.clone(),
        starts_at: None,
        attachment: None,
        reply_flow: None,
    };
    drafts::start(&a.store, acc, started.id, &text_only, false, now_ms(), &[])
        .await
        .unwrap();
    a.sync().await;
    assert_eq!(files_on_server(deleted.id).await, (0, 0));
    assert_eq!(files_on_server(started.id).await, (0, 0));
    // The original's file stays.
    assert_eq!(files_on_server(made.id).await, (1, size));

    // A new desktop pulls the started campaign, text only, with its recipients.
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    let seen = campaigns::get(&b.store, b.account_id(), started.id)
        .await
        .unwrap();
    assert_eq!(
        (seen.status, seen.media_name.as_deref()),
        (CampaignStatus::Running, None)
    );
    assert_eq!(recipients_in(&b, &seen, "pending").await, 2);
    assert_eq!(a.rows().await, b.rows().await);
}
