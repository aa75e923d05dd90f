//! The response cycles SQLite keeps (migrations/sqlite/0033, issue 18) give
//! the same cycles as working them out from scratch from the messages
//! (`reports::cycles::scan` over all time): after inserts in any time order,
//! replies that fail or turn out to be a campaign's, bot messages,
//! resolutions, deletes, an LGPD erasure (nothing of the erased contact is
//! kept), the migration's backfill, and a real sync pull through PostgreSQL.
//! Also: an operator named only by `assigned_to` (fair assignment on another
//! desktop) is credited, and one account whose stored business hours do not
//! read leaves the agency's dashboard showing the others and naming it.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zapdesk_core::business_hours::{self, BusinessHours, Interval};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::domain::Role;
use zapdesk_core::ids::CampaignId;
use zapdesk_core::inbox::ingest::{Inbound, ingest};
use zapdesk_core::lgpd::{self, Actor};
use zapdesk_core::reports::cycles::{Cycle, LOOKBACK_DAYS, scan};
use zapdesk_core::reports::{self, DateRange, kept};
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{
    AccountId, ContactId, ConversationId, ErrorCode, InstanceId, Lang, MessageId, Store, UserError,
};
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::testing::desktop::{first_desktop, other_desktop};

use crate::support;

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;
/// Monday 2026-12-07 00:00 UTC.
const T0: i64 = 1_796_601_600_000;

/// Every cycle of the account, kept and from scratch, in one order.
async fn both(store: &Store, acc: AccountId) -> (Vec<Cycle>, Vec<Cycle>) {
    let key = |c: &Cycle| (c.conversation.as_uuid(), c.opened_at);
    let mut kept = kept::cycles(store, acc, 0, i64::MAX).await.unwrap();
    let mut scanned = scan(store, acc, LOOKBACK_DAYS * DAY, i64::MAX - DAY)
        .await
        .unwrap()
        .cycles;
    kept.sort_by_key(key);
    scanned.sort_by_key(key);
    (kept, scanned)
}

async fn same(store: &Store, pool: &sqlx::SqlitePool, acc: AccountId, step: &str) {
    let (kept, scanned) = both(store, acc).await;
    assert_eq!(kept, scanned, "after {step}");
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM response_cycles_changed")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(waiting, 0, "the change queue is empty after {step}");
}

async fn contact(store: &Store, acc: AccountId, phone: &str) -> ContactId {
    contacts::create(
        store,
        acc,
        &ContactInput {
            phone: phone.into(),
            name: None,
        },
    )
    .await
    .unwrap()
    .id
}

async fn conversation(
    pool: &sqlx::SqlitePool,
    acc: AccountId,
    number: InstanceId,
    contact: ContactId,
) -> ConversationId {
    let id = ConversationId::new();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status,
                                    last_message_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'open', 0, 0, 0)",
    )
    .bind(id)
    .bind(acc)
    .bind(contact)
    .bind(number)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// `who`: "contact", "person", "flow" (the bot) or "failed".
async fn message(
    pool: &sqlx::SqlitePool,
    acc: AccountId,
    number: InstanceId,
    conv: ConversationId,
    who: &str,
    at: i64,
) -> MessageId {
    let id = MessageId::new();
    let (direction, status, sent_at, bot) = match who {
        "contact" => ("inbound", "received", Some(at), None),
        "person" => ("outbound", "delivered", None, None),
        "failed" => ("outbound", "failed", None, None),
        _ => ("outbound", "sent", None, Some("flow")),
    };
    sqlx::query(
        "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body,
                               status, sent_at, created_at, updated_at, bot_source)
         VALUES (?, ?, ?, ?, ?, 'text', 'oi', ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(acc)
    .bind(conv)
    .bind(number)
    .bind(direction)
    .bind(status)
    .bind(sent_at)
    .bind(at)
    .bind(at)
    .bind(bot)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// Random writes of every kind on four conversations, with times on a
/// coarse grid so that many fall on the same millisecond (the order rules
/// at a tie: the contact's message, then the reply, then the resolution).
#[tokio::test]
async fn kept_cycles_equal_a_scan_from_scratch_after_any_writes() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let acc = support::account(&store, "Padaria").await;
    let number = support::number(&store, acc, "Loja", true).await;
    let mut convs = Vec::new();
    for i in 0..4 {
        let c = contact(&store, acc, &format!("+55119000000{i:02}")).await;
        convs.push((c, conversation(&pool, acc, number, c).await));
    }
    let mut rng = StdRng::seed_from_u64(18);
    let mut messages: Vec<(MessageId, ConversationId)> = Vec::new();
    let mut campaign_messages: Vec<(CampaignId, MessageId)> = Vec::new();
    for step in 0..400 {
        let (contact, conv) = convs[rng.random_range(0..convs.len())];
        let at = T0 + rng.random_range(0..60) * 10 * MINUTE;
        let what = rng.random_range(0..12);
        let label = format!("step {step} ({what})");
        match what {
            0..=2 => {
                let m = message(&pool, acc, number, conv, "contact", at).await;
                messages.push((m, conv));
            }
            3 | 4 => {
                let m = message(&pool, acc, number, conv, "person", at).await;
                messages.push((m, conv));
            }
            5 => {
                let who = if rng.random_bool(0.5) {
                    "flow"
                } else {
                    "failed"
                };
                let m = message(&pool, acc, number, conv, who, at).await;
                messages.push((m, conv));
            }
            6 => {
                // A reply fails (or a failed one goes through after all).
                if let Some(&(m, _)) = messages.get(rng.random_range(0..messages.len().max(1))) {
                    sqlx::query(
                        "UPDATE messages SET status = CASE status WHEN 'failed' THEN 'sent'
                                                                  ELSE 'failed' END
                         WHERE account_id = ? AND id = ? AND direction = 'outbound'",
                    )
                    .bind(acc)
                    .bind(m)
                    .execute(&pool)
                    .await
                    .unwrap();
                }
            }
            7 => {
                // Resolved by the inbox (the trigger logs it), and open again.
                sqlx::query(
                    "UPDATE conversations SET status = 'resolved', updated_at = ?
                     WHERE account_id = ? AND id = ?",
                )
                .bind(at)
                .bind(acc)
                .bind(conv)
                .execute(&pool)
                .await
                .unwrap();
                sqlx::query(
                    "UPDATE conversations SET status = 'open' WHERE account_id = ? AND id = ?",
                )
                .bind(acc)
                .bind(conv)
                .execute(&pool)
                .await
                .unwrap();
            }
            8 => {
                // A message deleted (the outbox drops one that never went).
                if !messages.is_empty() {
                    let (m, _) = messages.swap_remove(rng.random_range(0..messages.len()));
                    sqlx::query("DELETE FROM messages WHERE account_id = ? AND id = ?")
                        .bind(acc)
                        .bind(m)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
            9 => {
                // A campaign's message: its recipient row comes after it.
                let m = message(&pool, acc, number, conv, "person", at).await;
                same(&store, &pool, acc, &format!("{label}: the message alone")).await;
                let campaign = CampaignId::new();
                sqlx::query(
                    "INSERT INTO campaigns (id, account_id, name, message, status, created_at, updated_at)
                     VALUES (?, ?, 'Promo', 'oi', 'done', 0, 0)",
                )
                .bind(campaign)
                .bind(acc)
                .execute(&pool)
                .await
                .unwrap();
                sqlx::query(
                    "INSERT INTO campaign_recipients (account_id, campaign_id, contact_id, instance_id,
                                                      position, state, message_id, queued_at)
                     VALUES (?, ?, ?, ?, 0, 'queued', ?, ?)",
                )
                .bind(acc)
                .bind(campaign)
                .bind(contact)
                .bind(number)
                .bind(m)
                .bind(at)
                .execute(&pool)
                .await
                .unwrap();
                campaign_messages.push((campaign, m));
                messages.push((m, conv));
            }
            10 => {
                // A campaign removed: its messages become plain replies.
                if let Some((campaign, _)) = campaign_messages.pop() {
                    sqlx::query(
                        "DELETE FROM campaign_recipients WHERE account_id = ? AND campaign_id = ?",
                    )
                    .bind(acc)
                    .bind(campaign)
                    .execute(&pool)
                    .await
                    .unwrap();
                }
            }
            _ => {
                // A catch-up moves WhatsApp's time of a message.
                if let Some(&(m, _)) = messages.get(rng.random_range(0..messages.len().max(1))) {
                    sqlx::query("UPDATE messages SET sent_at = ? WHERE account_id = ? AND id = ?")
                        .bind(at)
                        .bind(acc)
                        .bind(m)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
        }
        same(&store, &pool, acc, &label).await;
    }
    let (kept, _) = both(&store, acc).await;
    assert!(
        kept.iter().filter(|c| c.resolved_at.is_some()).count() > 10
            && kept.iter().filter(|c| c.responded_at.is_some()).count() > 10,
        "the writes made answered and resolved cycles: {kept:?}"
    );

    // The migration's backfill counts what is stored the same way.
    let migration = include_str!("../../../../migrations/sqlite/0033_response_cycles.sql");
    let backfill = migration
        .split("-- The cycles of what is already stored.")
        .nth(1)
        .unwrap();
    sqlx::query("DELETE FROM response_cycles")
        .execute(&pool)
        .await
        .unwrap();
    assert!(both(&store, acc).await.0.is_empty());
    sqlx::query(backfill).execute(&pool).await.unwrap();
    same(&store, &pool, acc, "the backfill").await;
    assert_eq!(both(&store, acc).await.0, kept);
}

/// An erased contact's cycles go with them; the others stay as they were.
#[tokio::test]
async fn an_erased_contact_leaves_no_cycle() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let acc = support::account(&store, "Padaria").await;
    let number = support::number(&store, acc, "Loja", true).await;
    let maria = contact(&store, acc, "+5511900000001").await;
    let joao = contact(&store, acc, "+5511900000002").await;
    let cm = conversation(&pool, acc, number, maria).await;
    let cj = conversation(&pool, acc, number, joao).await;
    for conv in [cm, cj] {
        message(&pool, acc, number, conv, "contact", T0).await;
        message(&pool, acc, number, conv, "person", T0 + MINUTE).await;
        message(&pool, acc, number, conv, "contact", T0 + DAY).await;
    }
    same(&store, &pool, acc, "the messages").await;
    let kept_of = |conv: ConversationId| {
        let pool = pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM response_cycles WHERE account_id = ? AND conversation_id = ?",
            )
            .bind(acc)
            .bind(conv)
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(kept_of(cm).await, 1);
    lgpd::erase(&store, acc, maria, &Actor::or(None, "Teste"))
        .await
        .unwrap();
    assert_eq!(
        kept_of(cm).await,
        0,
        "nothing of the erased contact is kept"
    );
    assert_eq!(kept_of(cj).await, 1);
    same(&store, &pool, acc, "the erasure").await;
}

/// Messages and a resolution written on one desktop arrive on the other by
/// a real pull through PostgreSQL, in an order that is not their time
/// order (a reply pushed before the contact's message it answers, a
/// history catch-up older than what came before): both desktops keep the
/// same cycles, equal to a scan from scratch.
#[tokio::test]
async fn a_sync_pull_keeps_the_same_cycles_on_the_other_desktop() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let acc = a.account_id();
    let number = support::number(&a.store, acc, "Vendas", true).await;
    let inbound = |wa: &str, at: i64, from_me: bool| Inbound {
        wa_id: wa.into(),
        phone: "+5511990000123".into(),
        from_me,
        push_name: Some("Cliente".into()),
        body: "Oi".into(),
        sent_at: at,
        ..Default::default()
    };
    // The reply typed on the phone at 10:05 is stored before the message
    // at 10:00 it answers (WhatsApp's history arrives out of order).
    let conv = ingest(
        &a.store,
        acc,
        number,
        &inbound("R1", T0 + 605 * MINUTE, true),
    )
    .await
    .unwrap()
    .unwrap()
    .conversation;
    ingest(
        &a.store,
        acc,
        number,
        &inbound("I1", T0 + 600 * MINUTE, false),
    )
    .await
    .unwrap();
    sqlx::query(
        "UPDATE conversations SET status = 'resolved', updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(T0 + 700 * MINUTE)
    .bind(acc)
    .bind(conv)
    .execute(a.pool())
    .await
    .unwrap();
    same(&a.store, a.pool(), acc, "desktop A's writes").await;

    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.sync().await;
    same(&b.store, b.pool(), acc, "the first pull").await;
    let on_a = both(&a.store, acc).await.0;
    assert_eq!(on_a.len(), 1);
    assert_eq!(on_a[0].opened_at, T0 + 600 * MINUTE);
    assert_eq!(on_a[0].responded_at, Some(T0 + 605 * MINUTE));
    assert_eq!(on_a[0].resolved_at, Some(T0 + 700 * MINUTE));
    assert_eq!(both(&b.store, acc).await.0, on_a);

    // Later: a new message, then a catch-up of one older than it (09:00 the
    // next day, arriving after 11:00), pulled in that order.
    ingest(
        &a.store,
        acc,
        number,
        &inbound("I3", T0 + DAY + 660 * MINUTE, false),
    )
    .await
    .unwrap();
    ingest(
        &a.store,
        acc,
        number,
        &inbound("I2", T0 + DAY + 540 * MINUTE, false),
    )
    .await
    .unwrap();
    ingest(
        &a.store,
        acc,
        number,
        &inbound("R2", T0 + DAY + 600 * MINUTE, true),
    )
    .await
    .unwrap();
    a.sync().await;
    b.sync().await;
    same(&a.store, a.pool(), acc, "desktop A's second writes").await;
    same(&b.store, b.pool(), acc, "the second pull").await;
    let on_b = both(&b.store, acc).await.0;
    assert_eq!(on_b, both(&a.store, acc).await.0);
    assert_eq!(on_b.len(), 2);
    assert_eq!(on_b[1].opened_at, T0 + DAY + 540 * MINUTE);
    assert_eq!(on_b[1].responded_at, Some(T0 + DAY + 600 * MINUTE));
}

/// A conversation named only by `assigned_to` (assigned on another desktop
/// before this one knew the operator) counts for the user with that e-mail.
#[tokio::test]
async fn an_operator_named_only_by_e_mail_is_credited() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let acc = support::account(&store, "Padaria").await;
    let number = support::number(&store, acc, "Loja", true).await;
    let bia = users::create(
        &store,
        &UserInput {
            name: "Bia".into(),
            email: "bia@agencia.com.br".into(),
            role: Role::Agent,
        },
    )
    .await
    .unwrap()
    .id;
    let c = contact(&store, acc, "+5511900000001").await;
    let conv = conversation(&pool, acc, number, c).await;
    sqlx::query("UPDATE conversations SET assigned_to = 'bia@agencia.com.br' WHERE id = ?")
        .bind(conv)
        .execute(&pool)
        .await
        .unwrap();
    message(&pool, acc, number, conv, "contact", T0 + 600 * MINUTE).await;
    message(&pool, acc, number, conv, "person", T0 + 610 * MINUTE).await;
    sqlx::query("UPDATE conversations SET status = 'resolved', updated_at = ? WHERE id = ?")
        .bind(T0 + 630 * MINUTE)
        .bind(conv)
        .execute(&pool)
        .await
        .unwrap();
    let range = DateRange {
        from: "2026-12-07".into(),
        to: "2026-12-07".into(),
    };
    let report = reports::account(&store, acc, &range, T0 + DAY)
        .await
        .unwrap();
    assert_eq!(report.operators.len(), 1, "{:?}", report.operators);
    let row = &report.operators[0];
    assert_eq!(row.user_id, Some(bia));
    assert_eq!(row.name.as_deref(), Some("Bia"));
    assert_eq!(
        (row.conversations, row.messages_sent, row.resolved),
        (1, 1, 1)
    );
    assert_eq!(row.first_response.median_ms, Some(10 * MINUTE));
    assert_eq!(row.resolution.median_ms, Some(30 * MINUTE));
}

/// One account's stored business hours do not read (or name a zone this
/// desktop does not know): the agency's dashboard shows the others and says
/// which account was left out and why, in both languages; that account's
/// own report is refused with the same reason.
#[tokio::test]
async fn broken_business_hours_leave_out_only_their_account() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let padaria = support::account(&store, "Padaria").await;
    let oficina = support::account(&store, "Oficina").await;
    let mut week = vec![
        vec![Interval {
            start: 480,
            end: 1080
        }];
        5
    ];
    week.extend([vec![], vec![]]);
    for acc in [padaria, oficina] {
        let hours = BusinessHours {
            enabled: true,
            time_zone: "America/Sao_Paulo".into(),
            week: week.clone(),
            ..BusinessHours::default()
        };
        business_hours::save(&store, acc, &hours).await.unwrap();
        let number = support::number(&store, acc, "Loja", true).await;
        let c = contact(&store, acc, "+5511900000001").await;
        let conv = conversation(&pool, acc, number, c).await;
        message(&pool, acc, number, conv, "contact", T0 + 700 * MINUTE).await;
    }
    let range = DateRange {
        from: "2026-12-07".into(),
        to: "2026-12-07".into(),
    };
    let whole = reports::agency(&store, &range, T0 + DAY).await.unwrap();
    assert_eq!(whole.accounts.len(), 2);
    assert!(whole.failed.is_empty());

    for (column, value, mention) in [
        ("business_hours", "{\"week\": \"", None),
        (
            "business_hours",
            "{\"week\": [[{\"start\": 600, \"end\": 60}],[],[],[],[],[],[]]}",
            Some("10:00"),
        ),
        ("time_zone", "Marte/Olympus", Some("Marte/Olympus")),
    ] {
        sqlx::query(&format!(
            "UPDATE automation_settings SET {column} = ? WHERE account_id = ?"
        ))
        .bind(value)
        .bind(oficina)
        .execute(&pool)
        .await
        .unwrap();
        let report = reports::agency(&store, &range, T0 + DAY).await.unwrap();
        assert_eq!(report.accounts.len(), 1, "{column} = {value}");
        assert_eq!(report.accounts[0].account_id, padaria);
        assert_eq!(report.totals.messages_in, 1, "Padaria's figures are there");
        assert_eq!(report.failed.len(), 1);
        let failed = &report.failed[0];
        assert_eq!(failed.account_id, oficina);
        assert_eq!(failed.name, "Oficina");
        assert_eq!(failed.code, ErrorCode::BusinessHoursInvalid);
        assert!(
            failed.reason_pt_br.contains("horário de atendimento"),
            "{}",
            failed.reason_pt_br
        );
        assert!(
            failed.reason_en.contains("business hours"),
            "{}",
            failed.reason_en
        );
        if let Some(mention) = mention {
            assert!(
                failed.reason_pt_br.contains(mention),
                "{}",
                failed.reason_pt_br
            );
            assert!(failed.reason_en.contains(mention), "{}", failed.reason_en);
        }
        let refused = reports::account(&store, oficina, &range, T0 + DAY)
            .await
            .unwrap_err();
        assert_eq!(refused.code(), ErrorCode::BusinessHoursInvalid);
        assert_eq!(refused.message(Lang::PtBr), failed.reason_pt_br);
        // Put it right again for the next case.
        sqlx::query(
            "UPDATE automation_settings SET time_zone = 'America/Sao_Paulo',
                    business_hours = ? WHERE account_id = ?",
        )
        .bind(serde_json::json!({ "week": week, "holidays": [] }).to_string())
        .bind(oficina)
        .execute(&pool)
        .await
        .unwrap();
        let report = reports::agency(&store, &range, T0 + DAY).await.unwrap();
        assert_eq!((report.accounts.len(), report.failed.len()), (2, 0));
    }
}
