//! The dashboard at agency scale (issue 18): 100 000 contacts and 1 000 000
//! messages over five accounts and 180 days (a conversation per contact, ten
//! messages each — the contact's, a flow's, an operator's —, half of them
//! resolved), business hours on. Measures the agency's dashboard for the last
//! 30 days (goal < 200 ms) and one account's report with its operators
//! (goal < 100 ms), with a floor in the same run: a plain `count(*)` over the
//! messages. p50/p95 of many runs. Also one account's response cycles read
//! from the table SQLite keeps (migrations/sqlite/0033) against working them
//! out from its messages as the dashboard did before (`cycles::scan`), and
//! what keeping them costs each message written (the triggers on and off).
//! The dashboards are timed twice in turn, run after run: counting each
//! day's messages from the messages themselves, as before migration 0039,
//! and adding up the quarter hours SQLite keeps (`report_counts`), so the
//! machine's other work falls on both alike; the two reports must be equal.
//! Also what 0039's backfill takes on this file, and the kept cycles read
//! through 0033's indexes (created again on the bench's copy; each cycle
//! then a search in the table) against 0040's, which hold every column the
//! read names — timed in turn the same way, the reports equal.
//! Prints Markdown rows for docs/benchmarks.md.
//! Run: `cargo bench -p zapdesk-core --bench reports`; with
//! `ZAPDESK_BENCH_KEEP=<folder>` the generated file is kept there and the
//! next runs start from a copy of it instead of generating again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::business_hours::{self, BusinessHours};
use zapdesk_core::domain::{InstanceKind, Role};
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::reports::counts::{self, COUNT_FROM_MESSAGES};
use zapdesk_core::reports::kept::CYCLES_BEFORE_0040;
use zapdesk_core::reports::{self, DateRange, cycles, kept};
use zapdesk_core::time::now_ms;
use zapdesk_core::users::{self, UserInput};
use zapdesk_core::{AccountId, Store, UserId};

const ACCOUNTS: usize = 5;
const CONTACTS: i64 = 100_000;
const PER_CONVERSATION: i64 = 10;
const DAYS: i64 = 180;
const RUNS: usize = 30;
const DAY_MS: i64 = 86_400_000;

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i].as_secs_f64() * 1000.0
}

async fn measure<F, Fut>(mut f: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm the cache
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    (percentile(&mut times, 0.5), percentile(&mut times, 0.95))
}

/// Like [`measure`] for two ways of doing the same, timed in turn in each
/// run (`before`, then `after`): the machine's other work falls on both.
async fn measure_both<B, BFut, A, AFut>(mut before: B, mut after: A) -> [(f64, f64); 2]
where
    B: FnMut() -> BFut,
    BFut: std::future::Future<Output = ()>,
    A: FnMut() -> AFut,
    AFut: std::future::Future<Output = ()>,
{
    before().await;
    after().await;
    let mut times = [Vec::with_capacity(RUNS), Vec::with_capacity(RUNS)];
    for _ in 0..RUNS {
        let start = Instant::now();
        before().await;
        times[0].push(start.elapsed());
        let start = Instant::now();
        after().await;
        times[1].push(start.elapsed());
    }
    times.map(|mut t| (percentile(&mut t, 0.5), percentile(&mut t, 0.95)))
}

/// The dashboards as before migration 0039 (`true`: each day's messages
/// counted from the messages) or as now.
fn count_from_messages(on: bool) {
    COUNT_FROM_MESSAGES.store(on, Ordering::Relaxed);
}

/// One account's contacts, conversations (assigned round the operators) and
/// messages, written in bulk by SQL.
async fn fill(
    pool: &sqlx::SqlitePool,
    account: AccountId,
    users: &[UserId],
    first: i64,
    count: i64,
    now: i64,
) {
    let start = now - DAYS * DAY_MS;
    let span = DAYS * DAY_MS - 2 * 3_600_000;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "WITH RECURSIVE seq(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM seq WHERE x < ?)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?, '+55119' || printf('%08d', x), 'Contato ' || x, 'contato ' || x,
                ? + (x * 2654435761 % ?), ?
         FROM seq",
    )
    .bind(first)
    .bind(first + count - 1)
    .bind(account)
    .bind(start)
    .bind(span)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status, assignee_id,
                                    last_message_at, created_at, updated_at)
         SELECT randomblob(16), c.account_id, c.id,
                (SELECT id FROM instances WHERE account_id = c.account_id LIMIT 1), 'open',
                CASE abs(random()) % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END,
                c.created_at, c.created_at, c.created_at
         FROM contacts c WHERE c.account_id = ?",
    )
    .bind(users[0])
    .bind(users[1])
    .bind(users[2])
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    // Ten messages ten minutes apart from the contact's first: the contact
    // writes (even k), a flow answers (k = 1), an operator the rest.
    sqlx::query(
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ?)
         INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status,
                               sent_at, created_at, updated_at, bot_source)
         SELECT randomblob(16), v.account_id, v.id, v.instance_id,
                CASE WHEN k.n % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', '',
                CASE WHEN k.n % 2 = 0 THEN 'received' ELSE 'delivered' END,
                CASE WHEN k.n % 2 = 0 THEN v.created_at + k.n * 600000 END,
                v.created_at + k.n * 600000, v.created_at + k.n * 600000,
                CASE WHEN k.n = 1 THEN 'flow' END
         FROM conversations v, k WHERE v.account_id = ?",
    )
    .bind(PER_CONVERSATION - 1)
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    // Half resolved, two hours after the first message (the trigger logs it).
    sqlx::query(
        "UPDATE conversations SET status = 'resolved', updated_at = created_at + 7200000
         WHERE account_id = ? AND abs(random()) % 2 = 0",
    )
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Where a generated database is kept between runs
/// (`ZAPDESK_BENCH_KEEP=<folder>`): generating takes about a minute, and
/// every run then starts from the same file (the run writes to a copy).
struct Kept {
    db: std::path::PathBuf,
    now: std::path::PathBuf,
}

impl Kept {
    fn from_env() -> Option<Kept> {
        let dir = std::path::PathBuf::from(std::env::var_os("ZAPDESK_BENCH_KEEP")?);
        std::fs::create_dir_all(&dir).unwrap();
        Some(Kept {
            db: dir.join(zapdesk_core::store::DB_FILE),
            now: dir.join("now"),
        })
    }

    /// The instant the kept file was generated at, once it was copied to
    /// `path` (a store's folder).
    fn copy_to(&self, path: &std::path::Path) -> Option<i64> {
        let now = std::fs::read_to_string(&self.now)
            .ok()?
            .trim()
            .parse()
            .ok()?;
        std::fs::create_dir_all(path).unwrap();
        std::fs::copy(&self.db, path.join(zapdesk_core::store::DB_FILE)).ok()?;
        Some(now)
    }
}

/// The five accounts, their operators and their messages, generated at `now`.
async fn generate(store: &Store, pool: &sqlx::SqlitePool, now: i64) {
    let mut operators = Vec::new();
    for (i, name) in ["Ana", "Bruno", "Carla"].iter().enumerate() {
        let user = users::create(
            store,
            &UserInput {
                name: (*name).into(),
                email: format!("op{i}@agencia.com.br"),
                role: Role::Agent,
            },
        )
        .await
        .unwrap();
        operators.push(user.id);
    }
    let per_account = CONTACTS / ACCOUNTS as i64;
    for i in 0..ACCOUNTS {
        let account = accounts::create(
            store,
            &AccountInput {
                name: format!("Cliente {i}"),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        let hours = BusinessHours {
            enabled: true,
            ..BusinessHours::default()
        };
        business_hours::save(store, account, &hours).await.unwrap();
        instances::create(
            store,
            account,
            &NumberInput {
                name: "Loja".into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap();
        fill(
            pool,
            account,
            &operators,
            i as i64 * per_account,
            per_account,
            now,
        )
        .await;
    }
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("ZAPDESK_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let kept = Kept::from_env();
    let copied_at = kept.as_ref().and_then(|k| k.copy_to(&path));
    let filled = Instant::now();
    let store = Store::open(&path).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        path.join(zapdesk_core::store::DB_FILE).display()
    ))
    .await
    .unwrap();
    let now = match copied_at {
        Some(at) => at,
        None => {
            let now = now_ms();
            generate(&store, &pool, now).await;
            if let Some(k) = &kept {
                let _ = std::fs::remove_file(&k.db);
                sqlx::query("VACUUM INTO ?")
                    .bind(k.db.to_string_lossy().into_owned())
                    .execute(&pool)
                    .await
                    .unwrap();
                std::fs::write(&k.now, now.to_string()).unwrap();
            }
            now
        }
    };
    let accounts_made: Vec<AccountId> = sqlx::query_scalar("SELECT id FROM accounts ORDER BY name")
        .fetch_all(&pool)
        .await
        .unwrap();
    let messages: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    let contacts: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "{} {contacts} contacts, {messages} messages over {DAYS} days in {:.0} s",
        if copied_at.is_some() {
            "Opened the kept file (migrations included):"
        } else {
            "Generated"
        },
        filled.elapsed().as_secs_f64()
    );

    let tz = jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap();
    let today = jiff::Timestamp::from_millisecond(now)
        .unwrap()
        .to_zoned_datetime(tz.clone())
        .date();
    let range = DateRange {
        from: today
            .checked_sub(jiff::Span::new().days(29))
            .unwrap()
            .to_string(),
        to: today.to_string(),
    };
    let floor = measure(|| async {
        let _: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
            .fetch_one(&pool)
            .await
            .unwrap();
    })
    .await;
    let one = accounts_made[0];
    // The same figures both ways, on the whole file.
    count_from_messages(true);
    let agency_before = reports::agency(&store, &range, now).await.unwrap();
    let one_before = reports::account(&store, one, &range, now).await.unwrap();
    count_from_messages(false);
    assert_eq!(
        reports::agency(&store, &range, now).await.unwrap(),
        agency_before
    );
    assert_eq!(
        reports::account(&store, one, &range, now).await.unwrap(),
        one_before
    );
    let [agency_before, agency] = measure_both(
        || async {
            count_from_messages(true);
            reports::agency(&store, &range, now).await.unwrap();
            count_from_messages(false);
        },
        || async {
            reports::agency(&store, &range, now).await.unwrap();
        },
    )
    .await;
    let [operator_before, operator] = measure_both(
        || async {
            count_from_messages(true);
            reports::account(&store, one, &range, now).await.unwrap();
            count_from_messages(false);
        },
        || async {
            reports::account(&store, one, &range, now).await.unwrap();
        },
    )
    .await;
    // Where the agency's time goes: its accounts' own reports one after
    // the other (each alone is `operator` above).
    let accounts_in_turn = measure(|| async {
        for &account in &accounts_made {
            reports::account(&store, account, &range, now)
                .await
                .unwrap();
        }
    })
    .await;
    // Migration 0040: the cycles read through 0033's indexes (made again on
    // this copy, under their names) or through 0040's covering ones.
    let cycles_0040 = {
        sqlx::raw_sql(
            "CREATE INDEX IF NOT EXISTS response_cycles_opened ON response_cycles (
                 account_id, opened_at, conversation_id, first_response_at, resolved_at);
             CREATE INDEX IF NOT EXISTS response_cycles_resolved ON response_cycles (
                 account_id, resolved_at, opened_at, conversation_id, first_response_at)
                 WHERE resolved_at IS NOT NULL;
             ANALYZE response_cycles;",
        )
        .execute(&pool)
        .await
        .unwrap();
        let before = |on: bool| CYCLES_BEFORE_0040.store(on, Ordering::Relaxed);
        before(true);
        let agency_0033 = reports::agency(&store, &range, now).await.unwrap();
        before(false);
        assert_eq!(
            reports::agency(&store, &range, now).await.unwrap(),
            agency_0033
        );
        let agency = measure_both(
            || async {
                before(true);
                reports::agency(&store, &range, now).await.unwrap();
                before(false);
            },
            || async {
                reports::agency(&store, &range, now).await.unwrap();
            },
        )
        .await;
        let in_turn = measure_both(
            || async {
                before(true);
                for &account in &accounts_made {
                    reports::account(&store, account, &range, now)
                        .await
                        .unwrap();
                }
                before(false);
            },
            || async {
                for &account in &accounts_made {
                    reports::account(&store, account, &range, now)
                        .await
                        .unwrap();
                }
            },
        )
        .await;
        let (start, from) = (now - 60 * DAY_MS, now - 30 * DAY_MS);
        let read = measure_both(
            || async {
                before(true);
                kept::kept(&store, one, start, from, now).await.unwrap();
                before(false);
            },
            || async {
                kept::kept(&store, one, start, from, now).await.unwrap();
            },
        )
        .await;
        // Gone again: the writes timed below keep 0040's two indexes only.
        sqlx::raw_sql("DROP INDEX response_cycles_opened; DROP INDEX response_cycles_resolved;")
            .execute(&pool)
            .await
            .unwrap();
        [agency, in_turn, read]
    };
    for (what, [b, a]) in [
        (
            format!("agency dashboard, 30 days, {ACCOUNTS} accounts"),
            cycles_0040[0],
        ),
        (
            format!("the {ACCOUNTS} accounts' own reports one after the other"),
            cycles_0040[1],
        ),
        (
            "one account's cycles read kept, with its replies".to_owned(),
            cycles_0040[2],
        ),
    ] {
        println!(
            "0040 | {what} | 0033's indexes {:.1} ms ({:.1}) | 0040's {:.1} ms ({:.1}) | after / before {:.2}",
            b.0,
            b.1,
            a.0,
            a.1,
            a.0 / b.0
        );
    }
    // The step 0039 replaced, alone: one account's days of both periods
    // and its numbers' counts, as `collect` asks for them.
    let days = {
        let first = today.checked_sub(jiff::Span::new().days(59)).unwrap();
        let start_of =
            |d: jiff::civil::Date| tz.to_timestamp(d.at(0, 0, 0, 0)).unwrap().as_millisecond();
        let from = start_of(today.checked_sub(jiff::Span::new().days(29)).unwrap());
        let to = start_of(today.tomorrow().unwrap());
        let (tz, last) = (&tz, today);
        measure_both(
            || async {
                counts::scanned(&store, one, tz, (first, last), from, to)
                    .await
                    .unwrap();
            },
            || async {
                counts::counts(&store, one, tz, (first, last), from, to)
                    .await
                    .unwrap();
            },
        )
        .await
    };
    // The step the kept table replaced: the period, the previous one and
    // the scan's lookback, as `collect` asks for them.
    let (start, from) = (now - 60 * DAY_MS, now - 30 * DAY_MS);
    let scanned = measure(|| async {
        cycles::scan(&store, one, start, now).await.unwrap();
    })
    .await;
    let read = measure(|| async {
        kept::kept(&store, one, start, from, now).await.unwrap();
    })
    .await;
    // What 0039's backfill takes on this file: every message and contact
    // counted into its quarter hour.
    let counts_backfill = {
        let migration = include_str!("../../../migrations/sqlite/0039_report_counts.sql");
        let backfill = &migration[migration.find("INSERT INTO report_counts").unwrap()
            ..migration.find("CREATE TRIGGER").unwrap()];
        // Every row that is not zero, as text.
        let rows = || async {
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT concat_ws(' ', hex(account_id), slot, hex(instance_id), messages_in,
                                  messages_out, failed_out, contacts)
                 FROM report_counts
                 WHERE messages_in <> 0 OR messages_out <> 0 OR failed_out <> 0 OR contacts <> 0
                 ORDER BY account_id, slot, instance_id",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            rows
        };
        let kept = rows().await;
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("DELETE FROM report_counts")
            .execute(&mut *tx)
            .await
            .unwrap();
        let started = Instant::now();
        sqlx::raw_sql(backfill).execute(&mut *tx).await.unwrap();
        let took = started.elapsed().as_secs_f64();
        tx.commit().await.unwrap();
        let again = rows().await;
        assert!(
            kept == again,
            "the backfill counted otherwise than the triggers kept"
        );
        took
    };
    let writes = write_cost(&pool, one, now).await;
    // What the migration's backfill takes on this file: every
    // conversation's cycles counted again from its messages.
    let backfill = {
        sqlx::query("DELETE FROM response_cycles")
            .execute(&pool)
            .await
            .unwrap();
        let started = Instant::now();
        sqlx::query(
            "INSERT INTO response_cycles_changed (account_id, conversation_id, since)
             SELECT account_id, id, -9223372036854775808 FROM conversations",
        )
        .execute(&pool)
        .await
        .unwrap();
        started.elapsed().as_secs_f64()
    };
    let report = reports::agency(&store, &range, now).await.unwrap();
    println!(
        "30 days: {} messages in, {} out, {} cycles opened, first response median {:?} ms",
        report.totals.messages_in,
        report.totals.messages_out,
        report.totals.conversations_opened,
        report.totals.first_response.median_ms
    );
    println!("| What | p50 | p95 | goal | × floor (p50) |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| floor: `SELECT count(*) FROM messages` ({messages} rows) | {:.1} ms | {:.1} ms | – | 1 |",
        floor.0, floor.1
    );
    let row = |what: &str, (p50, p95): (f64, f64), goal: &str| {
        println!(
            "| {what} | {p50:.1} ms | {p95:.1} ms | {goal} | {:.1} |",
            p50 / floor.0
        );
    };
    row(
        &format!(
            "agency dashboard, 30 days, {ACCOUNTS} accounts, days counted from the messages (before)"
        ),
        agency_before,
        "< 200 ms",
    );
    row(
        &format!("agency dashboard, 30 days, {ACCOUNTS} accounts, quarter hours kept (after)"),
        agency,
        "< 200 ms",
    );
    row(
        "one account's report with its operators, 30 days, before",
        operator_before,
        "< 100 ms",
    );
    row(
        "one account's report with its operators, 30 days, after",
        operator,
        "< 100 ms",
    );
    row(
        &format!("the {ACCOUNTS} accounts' own reports one after the other (after)"),
        accounts_in_turn,
        "–",
    );
    row(
        "one account's days and numbers, counted from the messages (before)",
        days[0],
        "–",
    );
    row(
        "one account's days and numbers, quarter hours kept (after)",
        days[1],
        "–",
    );
    println!(
        "After / before, p50: agency {:.2}, one account {:.2}, its days and numbers {:.2}",
        agency.0 / agency_before.0,
        operator.0 / operator_before.0,
        days[1].0 / days[0].0
    );
    println!(
        "| one account's cycles, scanned from its messages (before) | {:.1} ms | {:.1} ms | – | {:.1} |",
        scanned.0,
        scanned.1,
        scanned.0 / floor.0
    );
    println!(
        "| one account's cycles read kept, with its replies per conversation | {:.1} ms | {:.1} ms | – | {:.1} |",
        read.0,
        read.1,
        read.0 / floor.0
    );
    println!(
        "Writing {WRITES} messages in one transaction: {:.1} ms with the cycles kept, {:.1} ms without \
         ({:.1} µs more a message)",
        writes.0,
        writes.1,
        (writes.0 - writes.1) * 1000.0 / WRITES as f64
    );
    println!(
        "Without the cycles' triggers, with and without the quarter hours' counts: {:.1} ms, {:.1} ms \
         ({:.1} µs more a message)",
        writes.1,
        writes.2,
        (writes.1 - writes.2) * 1000.0 / WRITES as f64
    );
    println!("The migration's backfill of every conversation's cycles: {backfill:.1} s");
    println!(
        "Migration 0039's backfill (every message and contact into its quarter hour): {counts_backfill:.1} s"
    );
}

const WRITES: i64 = 5_000;

/// What keeping the cycles costs a write: `WRITES` messages (a contact's and
/// a reply in turn, in existing conversations, one statement each as the
/// inbox writes them) with the triggers of migrations/sqlite/0033, then as
/// many with those triggers dropped, then as many without the quarter
/// hours' counts of migrations/sqlite/0039 either (this file is thrown away
/// after).
async fn write_cost(pool: &sqlx::SqlitePool, account: AccountId, now: i64) -> (f64, f64, f64) {
    let conversations: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT id FROM conversations WHERE account_id = ? ORDER BY id LIMIT ?")
            .bind(account)
            .bind(WRITES)
            .fetch_all(pool)
            .await
            .unwrap();
    let round = |offset: i64| {
        let conversations = conversations.clone();
        async move {
            let started = Instant::now();
            let mut tx = pool.begin().await.unwrap();
            for i in 0..WRITES {
                let conversation = &conversations[i as usize % conversations.len()];
                sqlx::query(
                    "INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind,
                                           body, status, sent_at, created_at, updated_at)
                     SELECT randomblob(16), account_id, id, instance_id, ?, 'text', '', ?, ?, ?, ?
                     FROM conversations WHERE account_id = ? AND id = ?",
                )
                .bind(if i % 2 == 0 { "inbound" } else { "outbound" })
                .bind(if i % 2 == 0 { "received" } else { "delivered" })
                .bind(now + offset + i)
                .bind(now + offset + i)
                .bind(now + offset + i)
                .bind(account)
                .bind(conversation)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            started.elapsed().as_secs_f64() * 1000.0
        }
    };
    let with = round(0).await;
    for trigger in [
        "response_cycles_message_added",
        "response_cycles_message_changed",
        "response_cycles_message_removed",
    ] {
        sqlx::query(&format!("DROP TRIGGER {trigger}"))
            .execute(pool)
            .await
            .unwrap();
    }
    let without = round(WRITES).await;
    // And the quarter hours' counts (migrations/sqlite/0039) dropped too.
    for trigger in [
        "report_counts_message_added",
        "report_counts_message_changed",
        "report_counts_message_removed",
    ] {
        sqlx::query(&format!("DROP TRIGGER {trigger}"))
            .execute(pool)
            .await
            .unwrap();
    }
    let neither = round(2 * WRITES).await;
    (with, without, neither)
}
