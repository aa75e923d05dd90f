//! The quarter hours SQLite keeps (`report_counts`, migrations/sqlite/0039,
//! issue 18) give the same days and numbers as counting the messages and
//! contacts themselves (`reports::counts::scanned`, what the report did
//! before): after random inserts, status changes to and from failed, sent
//! times set and moved, a message moved to another number, deletes, contacts
//! added, moved in time and erased with their messages, and the migration's
//! backfill; in São Paulo, in Kathmandu (+05:45) and in UTC, and over a
//! daylight-saving change.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::reports::counts::{counts, scanned};
use zapdesk_core::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

use crate::support;

const MINUTE: i64 = 60_000;
/// Monday 2026-12-07 00:00 UTC.
const T0: i64 = 1_796_601_600_000;

struct Account {
    id: AccountId,
    numbers: Vec<InstanceId>,
    convs: Vec<(ContactId, ConversationId)>,
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

/// The days and numbers of `acc`, kept and counted, for the dates
/// `first..=last` read in `zone`.
async fn same(store: &Store, acc: AccountId, zone: &str, first: Date, last: Date, step: &str) {
    let tz = TimeZone::get(zone).unwrap();
    let from = tz
        .to_timestamp(first.at(0, 0, 0, 0))
        .unwrap()
        .as_millisecond();
    let to = tz
        .to_timestamp(last.tomorrow().unwrap().at(0, 0, 0, 0))
        .unwrap()
        .as_millisecond();
    let kept = counts(store, acc, &tz, (first, last), from, to)
        .await
        .unwrap();
    let counted = scanned(store, acc, &tz, (first, last), from, to)
        .await
        .unwrap();
    assert_eq!(kept, counted, "{zone}, after {step}");
}

#[tokio::test]
async fn kept_counts_equal_counting_the_messages_after_any_writes() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let mut accounts = Vec::new();
    for name in ["Padaria", "Oficina"] {
        let id = support::account(&store, name).await;
        let numbers = vec![
            support::number(&store, id, "Loja", true).await,
            support::number(&store, id, "Entregas", true).await,
        ];
        accounts.push(Account {
            id,
            numbers,
            convs: Vec::new(),
        });
    }
    let mut rng = StdRng::seed_from_u64(39);
    let mut phone = 0;
    let mut messages: Vec<(AccountId, MessageId)> = Vec::new();
    // Times around T0 on a grid of 7 minutes, some right on a quarter hour
    // and some a millisecond either side of one.
    let at = |rng: &mut StdRng| {
        T0 + rng.random_range(-3 * 24 * 60..3 * 24 * 60) / 7 * 7 * MINUTE
            + [0, 0, -1, 1][rng.random_range(0..4)]
    };
    let dates = [
        ("America/Sao_Paulo", "2026-12-04", "2026-12-10"),
        ("Asia/Kathmandu", "2026-12-04", "2026-12-10"),
        ("UTC", "2026-12-05", "2026-12-09"),
    ];
    for step in 0..600 {
        let a = rng.random_range(0..accounts.len());
        let what = rng.random_range(0..12);
        let acc = accounts[a].id;
        match what {
            // A contact (created at any time) and their conversation.
            0 | 1 => {
                phone += 1;
                let c = contacts::create(
                    &store,
                    acc,
                    &ContactInput {
                        phone: format!("+551190000{phone:04}"),
                        name: None,
                    },
                )
                .await
                .unwrap()
                .id;
                sqlx::query("UPDATE contacts SET created_at = ? WHERE account_id = ? AND id = ?")
                    .bind(at(&mut rng))
                    .bind(acc)
                    .bind(c)
                    .execute(&pool)
                    .await
                    .unwrap();
                let number = accounts[a].numbers[rng.random_range(0..2)];
                let conv = conversation(&pool, acc, number, c).await;
                accounts[a].convs.push((c, conv));
            }
            // A message, in or out, with or without WhatsApp's time.
            2..=5 if !accounts[a].convs.is_empty() => {
                let (_, conv) = accounts[a].convs[rng.random_range(0..accounts[a].convs.len())];
                let number = accounts[a].numbers[rng.random_range(0..2)];
                let inbound = rng.random_bool(0.5);
                let status = if inbound {
                    "received"
                } else {
                    ["pending", "sent", "delivered", "failed"][rng.random_range(0..4)]
                };
                let sent_at = rng.random_bool(0.5).then(|| at(&mut rng));
                let id = MessageId::new();
                sqlx::query(
                    "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction,
                                           kind, body, status, sent_at, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, 'text', 'oi', ?, ?, ?, 0)",
                )
                .bind(id)
                .bind(acc)
                .bind(conv)
                .bind(number)
                .bind(if inbound { "inbound" } else { "outbound" })
                .bind(status)
                .bind(sent_at)
                .bind(at(&mut rng))
                .execute(&pool)
                .await
                .unwrap();
                messages.push((acc, id));
            }
            // A message fails, goes through, gets or changes its sent time,
            // moves to the account's other number, or is deleted.
            6..=9 if !messages.is_empty() => {
                let (acc, m) = messages[rng.random_range(0..messages.len())];
                let other = accounts
                    .iter()
                    .find(|x| x.id == acc)
                    .map(|x| x.numbers[rng.random_range(0..2)])
                    .unwrap();
                let query = match what {
                    6 => sqlx::query(
                        "UPDATE messages SET status = CASE status WHEN 'failed' THEN 'sent'
                         ELSE 'failed' END WHERE account_id = ? AND id = ? AND direction = 'outbound'",
                    ),
                    7 => sqlx::query("UPDATE messages SET sent_at = ? WHERE account_id = ? AND id = ?")
                        .bind(at(&mut rng)),
                    8 => sqlx::query(
                        "UPDATE messages SET instance_id = ? WHERE account_id = ? AND id = ?",
                    )
                    .bind(other),
                    _ => sqlx::query("DELETE FROM messages WHERE account_id = ? AND id = ?"),
                };
                query.bind(acc).bind(m).execute(&pool).await.unwrap();
            }
            // A contact moved in time, or erased with their conversation
            // and its messages.
            10 | 11 if !accounts[a].convs.is_empty() => {
                let i = rng.random_range(0..accounts[a].convs.len());
                let (c, _) = accounts[a].convs[i];
                if what == 10 {
                    sqlx::query(
                        "UPDATE contacts SET created_at = ? WHERE account_id = ? AND id = ?",
                    )
                    .bind(at(&mut rng))
                    .bind(acc)
                    .bind(c)
                    .execute(&pool)
                    .await
                    .unwrap();
                } else {
                    sqlx::query("DELETE FROM contacts WHERE account_id = ? AND id = ?")
                        .bind(acc)
                        .bind(c)
                        .execute(&pool)
                        .await
                        .unwrap();
                    accounts[a].convs.remove(i);
                }
            }
            _ => continue,
        }
        if step % 50 == 49 {
            for (zone, first, last) in dates {
                let (first, last) = (first.parse().unwrap(), last.parse().unwrap());
                for x in &accounts {
                    same(&store, x.id, zone, first, last, &format!("step {step}")).await;
                }
            }
        }
    }
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(written > 100, "only {written} messages were written");

    // The migration's backfill gives the same counts from scratch.
    let migration = include_str!("../../../../migrations/sqlite/0039_report_counts.sql");
    let start = migration.find("INSERT INTO report_counts").unwrap();
    let end = migration.find("CREATE TRIGGER").unwrap();
    sqlx::query("DELETE FROM report_counts")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::raw_sql(&migration[start..end])
        .execute(&pool)
        .await
        .unwrap();
    for (zone, first, last) in dates {
        let (first, last) = (first.parse().unwrap(), last.parse().unwrap());
        for x in &accounts {
            same(&store, x.id, zone, first, last, "the backfill").await;
        }
    }
}

/// A daylight-saving change moves a day's midnight: the kept quarter hours
/// still cut the days where the zone does (New York, 2026-03-08 and
/// 2026-11-01), and a day that starts off a quarter hour is counted from the
/// messages (Monrovia kept -00:44:30 until 1972).
#[tokio::test]
async fn days_across_a_clock_change_and_off_the_quarter_hour() {
    let (dir, store) = support::store().await;
    let pool = support::raw(&dir).await;
    let acc = support::account(&store, "Padaria").await;
    let number = support::number(&store, acc, "Loja", true).await;
    let c = contacts::create(
        &store,
        acc,
        &ContactInput {
            phone: "+5511900000001".into(),
            name: None,
        },
    )
    .await
    .unwrap()
    .id;
    let conv = conversation(&pool, acc, number, c).await;
    let mut rng = StdRng::seed_from_u64(7);
    for (zone, first, last) in [
        ("America/New_York", "2026-03-06", "2026-03-10"),
        ("America/New_York", "2026-10-30", "2026-11-03"),
        ("Africa/Monrovia", "1970-01-02", "1970-01-06"),
    ] {
        let tz = TimeZone::get(zone).unwrap();
        let first: Date = first.parse().unwrap();
        let start = tz
            .to_timestamp(first.at(0, 0, 0, 0))
            .unwrap()
            .as_millisecond();
        for _ in 0..200 {
            let at = start + rng.random_range(0..5 * 24 * 60) * MINUTE;
            sqlx::query(
                "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction,
                                       kind, body, status, sent_at, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, 'text', 'oi', 'received', ?, ?, 0)",
            )
            .bind(MessageId::new())
            .bind(acc)
            .bind(conv)
            .bind(number)
            .bind(if rng.random_bool(0.5) {
                "inbound"
            } else {
                "outbound"
            })
            .bind(at)
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
        }
        same(
            &store,
            acc,
            zone,
            first,
            last.parse().unwrap(),
            "messages around a clock change",
        )
        .await;
    }
}

const CHILD_ENV: &str = "ZAPDESK_REPORT_COUNTS_CHILD";

/// `?5` messages of account `?1` on its number `?2`, `?4` ms apart from `?3`
/// on, spread over the account's conversations: a third from the contact,
/// the rest replies, one in seven of them failed, a quarter without
/// WhatsApp's time.
const SPREAD: &str = "
    WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ?5 - 1),
         c(id, i) AS (SELECT id, row_number() OVER (ORDER BY id) - 1 FROM conversations
                      WHERE account_id = ?1)
    INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body,
                          status, sent_at, created_at, updated_at)
    SELECT randomblob(16), ?1, c.id, ?2,
           CASE WHEN n % 3 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', 'oi',
           CASE WHEN n % 3 = 0 THEN 'received' WHEN n % 7 = 0 THEN 'failed' ELSE 'sent' END,
           CASE WHEN n % 4 = 0 THEN NULL ELSE ?3 + n * ?4 END, ?3 + n * ?4 - 5000, 0
    FROM k JOIN c ON c.i = k.n % (SELECT count(*) FROM c)";

/// The child of [`a_crash_mid_transaction_leaves_nothing_half_written`]
/// (this test binary run again): opens the store's file, stops in the
/// middle of a transaction and says so, then waits for the SIGKILL. Does
/// nothing in an ordinary test run.
#[tokio::test]
async fn crash_child_process() {
    use sqlx::Connection;
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    // mode|folder|account|number
    let parts: Vec<&str> = spec.split('|').collect();
    let stopped = |what: &'static str| {
        move || {
            // Straight to the file descriptor: libtest's capture only
            // intercepts the print macros.
            use std::io::Write;
            let mut out = std::io::stdout();
            writeln!(out, "STOPPED {what}").unwrap();
            out.flush().unwrap();
            // Block until killed: the parent never writes.
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        }
    };
    match parts[0] {
        // Migration 0039 halfway through its backfill: how many steps of
        // SQLite's machine it takes is counted first on a copy (`parts[1]`
        // with `-copy`), then the real file stops at half of them.
        "migrate" => {
            let steps = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let mut copy = connect(&format!("{}-copy", parts[1])).await;
            let counter = steps.clone();
            copy.lock_handle()
                .await
                .unwrap()
                .set_progress_handler(100, move || {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    true
                });
            zapdesk_core::store::MIGRATOR.run(&mut copy).await.unwrap();
            let half = steps.load(std::sync::atomic::Ordering::Relaxed) / 2;
            assert!(half > 100, "the migration took only {half} × 2 × 100 steps");
            let mut conn = connect(parts[1]).await;
            let mut seen = 0;
            let stop = stopped("migrating");
            conn.lock_handle()
                .await
                .unwrap()
                .set_progress_handler(100, move || {
                    seen += 1;
                    if seen == half {
                        stop();
                    }
                    true
                });
            zapdesk_core::store::MIGRATOR.run(&mut conn).await.unwrap();
        }
        // Messages written, failed, moved in time and deleted in one
        // transaction, with a cache of a few pages so that SQLite writes
        // the transaction's pages to the WAL file before its commit.
        _ => {
            let acc: AccountId = parts[2].parse().unwrap();
            let number: InstanceId = parts[3].parse().unwrap();
            let mut conn = connect(parts[1]).await;
            sqlx::query("PRAGMA cache_size = 8")
                .execute(&mut conn)
                .await
                .unwrap();
            let mut tx = conn.begin().await.unwrap();
            sqlx::query(SPREAD)
                .bind(acc)
                .bind(number)
                .bind(T0 - 2 * 24 * 60 * MINUTE)
                .bind(61_000)
                .bind(2_000)
                .execute(&mut *tx)
                .await
                .unwrap();
            for sql in [
                "UPDATE messages SET status = 'failed' WHERE account_id = ?1 AND direction = 'outbound'",
                "UPDATE messages SET sent_at = sent_at + 3600000 WHERE account_id = ?1 AND sent_at % 3 = 0",
                "DELETE FROM messages WHERE account_id = ?1 AND created_at % 5 = 0",
                "UPDATE contacts SET created_at = created_at - 86400000 WHERE account_id = ?1",
            ] {
                sqlx::query(sql).bind(acc).execute(&mut *tx).await.unwrap();
            }
            stopped("writing")();
        }
    }
}

/// Runs the child in `mode` until it says it stopped, then SIGKILLs it.
/// A connection of its own to the store's file in `dir`.
async fn connect(dir: &str) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(std::path::Path::new(dir).join(zapdesk_core::store::DB_FILE))
        .connect()
        .await
        .unwrap()
}

fn crash_child(mode: &str, dir: &std::path::Path, acc: AccountId, number: InstanceId) {
    use std::io::BufRead;
    let spec = format!("{mode}|{}|{acc}|{number}", dir.display());
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "reports_counts::crash_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, spec)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stopped = false;
    for line in lines {
        // libtest may have written "test … ... " on the same line.
        if line.unwrap().contains("STOPPED") {
            stopped = true;
            break;
        }
    }
    // SIGKILL on Unix: no destructor, no rollback, no flush.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        stopped,
        "the child ended ({status}) before stopping mid-{mode}"
    );
    assert!(!status.success());
}

/// A process killed in the middle of a transaction (its pages already in the
/// WAL file, not committed) leaves the kept counts as the last commit left
/// them, equal to counting the messages; killed halfway through migration
/// 0039's backfill, the next start runs the migration again from the
/// beginning and its counts are whole.
#[tokio::test]
async fn a_crash_mid_transaction_leaves_nothing_half_written() {
    let (dir, store) = support::store().await;
    let acc = support::account(&store, "Padaria").await;
    let number = support::number(&store, acc, "Loja", true).await;
    let pool = support::raw(&dir).await;
    // 300 contacts over six days, each with a conversation, and 20 000
    // committed messages among them, in and out, some failed.
    sqlx::query(
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 299)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?1, '+55119' || printf('%08d', n), 'Contato', 'contato',
                ?2 + (n - 150) * 1740000, 0
         FROM k",
    )
    .bind(acc)
    .bind(T0)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status,
                                    last_message_at, created_at, updated_at)
         SELECT randomblob(16), account_id, id, ?2, 'open', 0, 0, 0
         FROM contacts WHERE account_id = ?1",
    )
    .bind(acc)
    .bind(number)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(SPREAD)
        .bind(acc)
        .bind(number)
        .bind(T0 - 3 * 24 * 60 * MINUTE)
        .bind(26_000)
        .bind(20_000)
        .execute(&pool)
        .await
        .unwrap();
    let (first, last) = ("2026-12-03".parse().unwrap(), "2026-12-10".parse().unwrap());
    let zone = "America/Sao_Paulo";
    same(&store, acc, zone, first, last, "the committed writes").await;
    let before = counts_of(&store, acc, zone, first, last).await;
    assert!(before.days.values().map(|d| d.0 + d.1).sum::<u32>() == 20_000);

    // Killed halfway through migration 0039: the file as 0038 left it
    // (this data, no kept counts), and a copy for the child to count on.
    let triggers: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_counts%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(triggers.len(), 6);
    for t in triggers {
        sqlx::query(&format!("DROP TRIGGER {t}"))
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::raw_sql(
        "DROP TABLE report_counts;
         DELETE FROM _sqlx_migrations WHERE version = 39;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let copy = std::path::PathBuf::from(format!("{}-copy", dir.path().display()));
    std::fs::create_dir_all(&copy).unwrap();
    sqlx::query("VACUUM INTO ?")
        .bind(
            copy.join(zapdesk_core::store::DB_FILE)
                .to_string_lossy()
                .into_owned(),
        )
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    store.close().await;
    crash_child("migrate", dir.path(), acc, number);
    std::fs::remove_dir_all(&copy).unwrap();
    // Nothing of 0039 is left: neither its table nor its row.
    let pool = support::raw(&dir).await;
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM sqlite_master WHERE name LIKE 'report_counts%')
              + (SELECT count(*) FROM _sqlx_migrations WHERE version = 39)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "half of migration 0039 is in the file");
    pool.close().await;
    let store = Store::open(dir.path()).await.unwrap();
    same(&store, acc, zone, first, last, "a crash mid-migration").await;
    assert_eq!(counts_of(&store, acc, zone, first, last).await, before);

    // Killed in the middle of a write transaction.
    store.close().await;
    let wal = dir
        .path()
        .join(format!("{}-wal", zapdesk_core::store::DB_FILE));
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let wal_before = wal_len();
    crash_child("write", dir.path(), acc, number);
    assert!(
        wal_len() > wal_before,
        "the killed transaction wrote nothing to the WAL file ({wal_before} bytes)"
    );
    let store = Store::open(dir.path()).await.unwrap();
    same(&store, acc, zone, first, last, "a crash mid-transaction").await;
    assert_eq!(counts_of(&store, acc, zone, first, last).await, before);
}

/// The kept counts of `acc` over `first..=last` in `zone`.
async fn counts_of(
    store: &Store,
    acc: AccountId,
    zone: &str,
    first: Date,
    last: Date,
) -> zapdesk_core::reports::counts::Counts {
    let tz = TimeZone::get(zone).unwrap();
    let at = |d: Date| tz.to_timestamp(d.at(0, 0, 0, 0)).unwrap().as_millisecond();
    counts(
        store,
        acc,
        &tz,
        (first, last),
        at(first),
        at(last.tomorrow().unwrap()),
    )
    .await
    .unwrap()
}
