//! A push killed with SIGKILL at any point loses and duplicates nothing: the
//! child process (this test binary re-run with an environment variable)
//! pushes a large outbox in small batches and stops at a chosen point, where
//! the parent kills it; after a final complete push the server holds each
//! row exactly once, as the local store has it, and the outbox is empty.

use std::io::Write;
use std::process::Stdio;
use std::str::FromStr;
use std::time::Duration;

use crate::common::desktop::first_desktop;
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;
use zapdesk_core::Store;
use zapdesk_sync::push::{PushPoint, push_with};
use zapdesk_sync::testing::ScratchDatabase;

const ROWS: i64 = 20_000;
const BATCH: u32 = 1_000;
const CHILD_ENV: &str = "ZAPDESK_SYNC_PUSH_CHILD";

/// The child: pushes, and at the chosen point says so and waits (for the
/// SIGKILL that comes). Does nothing in an ordinary test run.
#[tokio::test]
async fn push_child_process() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    // dir|url|role|account|point|nth
    let parts: Vec<&str> = spec.split('|').collect();
    let store = Store::open(std::path::Path::new(parts[0])).await.unwrap();
    let remote = PgConnectOptions::from_str(parts[1])
        .unwrap()
        .username(parts[2])
        .password("");
    let account = Uuid::parse_str(parts[3]).unwrap();
    let (stop_at, nth): (String, usize) = (parts[4].to_owned(), parts[5].parse().unwrap());
    let mut conn = remote.connect().await.unwrap();
    let mut seen = 0;
    let mut hook = |point: PushPoint| {
        let name = match point {
            PushPoint::Sent { .. } => "sent",
            PushPoint::Committed { .. } => "committed",
            PushPoint::Cleared { .. } => "cleared",
        };
        if name == stop_at {
            seen += 1;
            if seen == nth {
                // Straight to the file descriptor: libtest's capture only
                // intercepts the print macros.
                let mut out = std::io::stdout();
                writeln!(out, "STOPPED-AT {name} {nth}").unwrap();
                out.flush().unwrap();
                // Block until killed: the parent never writes.
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
            }
        }
    };
    push_with(
        store.pool_for_sync(),
        &mut conn,
        &[account],
        BATCH,
        &mut hook,
    )
    .await
    .unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "PUSH-DONE").unwrap();
    out.flush().unwrap();
}

async fn remote_count(owner: &mut sqlx::PgConnection, account: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM zapdesk.contacts WHERE account_id = $1")
        .bind(account)
        .fetch_one(owner)
        .await
        .unwrap()
}

/// Runs the child until it reaches `point` for the `nth` time, then SIGKILLs it.
async fn kill_at(spec_base: &str, point: &str, nth: usize) {
    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sync_sigkill::push_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{spec_base}|{point}|{nth}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let reached = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            // libtest may have written "test … ... " on the same line.
            if line.contains("STOPPED-AT") {
                return true;
            }
            if line.contains("PUSH-DONE") {
                return false;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(reached, "the child finished before {point} {nth}");
    // tokio's kill is SIGKILL on Unix: no destructor, no rollback, no flush.
    child.kill().await.unwrap();
    let status = child.wait().await.unwrap();
    assert!(!status.success());
}

#[tokio::test]
async fn a_push_killed_with_sigkill_loses_and_duplicates_nothing() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    // A large outbox, written as the core's import would: by the triggers.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?1, printf('+55119%08d', i), 'Contato ' || i, 'contato ' || i, 1, 1 FROM n",
    )
    .bind(a.account)
    .bind(ROWS)
    .execute(a.pool())
    .await
    .unwrap();
    assert_eq!(a.waiting().await, ROWS + 1); // and the account row
    let spec = format!(
        "{}|{}|{}|{}",
        a.dir.path().display(),
        db.owner_url(),
        a.role,
        a.account
    );
    let mut owner = db.connect_owner().await;

    // Killed in the middle of the server's transaction of batch 3: batches
    // 1 and 2 are on the server and out of the outbox; batch 3 is on neither side's books.
    kill_at(&spec, "sent", 3).await;
    let after_first = remote_count(&mut owner, a.account).await;
    assert_eq!(after_first, 2 * i64::from(BATCH) - 1);
    // Killed after the server committed a batch, before the outbox forgot it.
    kill_at(&spec, "committed", 2).await;
    let after_second = remote_count(&mut owner, a.account).await;
    assert!(after_second > after_first);
    let waiting_after_commit = a.waiting().await;
    assert_eq!(waiting_after_commit, ROWS + 1 - i64::from(BATCH) * 3);
    // Killed right after a batch was cleared.
    kill_at(&spec, "cleared", 1).await;

    // The restarted push finishes; the re-sent batch changed nothing.
    let report = a.push().await;
    assert!(report.entries > 0);
    assert_eq!(a.waiting().await, 0);
    let (rows, distinct_ids, distinct_phones): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT id), count(DISTINCT phone) FROM zapdesk.contacts WHERE account_id = $1",
    )
    .bind(a.account)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!((rows, distinct_ids, distinct_phones), (ROWS, ROWS, ROWS));
    // Every local row is on the server with the same values and clock.
    let local: Vec<(Uuid, String, String)> =
        sqlx::query_as("SELECT id, phone, hlc FROM contacts WHERE account_id = ? ORDER BY id")
            .bind(a.account)
            .fetch_all(a.pool())
            .await
            .unwrap();
    let remote: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT id, phone, hlc::text FROM zapdesk.contacts WHERE account_id = $1 ORDER BY id",
    )
    .bind(a.account)
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert_eq!(local, remote);
}
