//! Sync benchmarks against the local PostgreSQL (127.0.0.1:5432 or
//! ZAPDESK_TEST_PG_URL): push and pull of 100k changed contacts, and how long
//! a change made on desktop A takes to reach desktop B through NOTIFY (A's
//! engine pushes when the commit recorded it, B's engine pulls on the
//! notification: the app's own path, no poke). Prints
//! Markdown rows for docs/benchmarks.md.

#![allow(clippy::unwrap_used)] // a benchmark that cannot set up should stop

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::{AccountId, Store};
use zapdesk_sync::invite::{Invitation, invite};
use zapdesk_sync::push::{BATCH, PushPoint, push_with};
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::{Engine, EngineConfig, MemberRole, SyncState, pull_once};

const ROWS: i64 = 100_000;
const LATENCY_SAMPLES: usize = 20;

async fn operator(
    db: &ScratchDatabase,
    account: AccountId,
    role: MemberRole,
    local: Option<&accounts::Account>,
) -> PgConnectOptions {
    let invited = invite(
        &db.owner(),
        &Invitation {
            email: format!("{}@agencia.com.br", zapdesk_sync::testing::suffix()),
            display_name: "Bench".to_owned(),
            role,
            account,
        },
        local,
    )
    .await
    .unwrap();
    db.owner().username(&invited.role_name).password("")
}

#[tokio::main]
async fn main() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = Store::open(dir_a.path()).await.unwrap();
    let b = Store::open(dir_b.path()).await.unwrap();
    let account = accounts::create(
        &a,
        &AccountInput {
            name: "Bench".into(),
            phone: None,
            plan: Default::default(),
            status: Default::default(),
        },
    )
    .await
    .unwrap();
    let remote_a = operator(&db, account.id, MemberRole::Owner, Some(&account)).await;
    let remote_b = operator(&db, account.id, MemberRole::Agent, None).await;
    let id = account.id.as_uuid();

    // 100k contacts changed on A (the triggers fill the outbox).
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?1, printf('+55119%08d', i), 'Contato ' || i, 'contato ' || i, 1, 1 FROM n",
    )
    .bind(id)
    .bind(ROWS)
    .execute(a.pool_for_sync())
    .await
    .unwrap();

    let mut conn_a = remote_a.connect().await.unwrap();
    let started = Instant::now();
    // Where a push spends its time: reading the outbox and sending the
    // statements (until Sent), the server's commit (until Committed), the
    // local delete of the pushed entries (until Cleared).
    let mut phases = [Duration::ZERO; 3];
    let mut last = Instant::now();
    let pushed = push_with(a.pool_for_sync(), &mut conn_a, &[id], BATCH, &mut |point| {
        let slot = match point {
            PushPoint::Sent { .. } => 0,
            PushPoint::Committed { .. } => 1,
            PushPoint::Cleared { .. } => 2,
        };
        phases[slot] += last.elapsed();
        last = Instant::now();
    })
    .await
    .unwrap();
    let push_time = started.elapsed();
    assert!(pushed.rows >= ROWS as u64);

    let mut conn_b = remote_b.connect().await.unwrap();
    let started = Instant::now();
    let pulled = pull_once(b.pool_for_sync(), &mut conn_b, &[id])
        .await
        .unwrap();
    let pull_time = started.elapsed();
    assert!(pulled[0].applied >= ROWS as u64);

    // Latency: A's engine pushes after the commit (the store's outbox hook
    // and the engine's 200 ms settle); B's engine pulls on NOTIFY.
    let mut config_a = EngineConfig::new(remote_a.clone());
    config_a.push_interval = Duration::from_secs(3600);
    let mut config_b = EngineConfig::new(remote_b.clone());
    config_b.resync_interval = Duration::from_secs(3600);
    let engine_a = Engine::start(&a, config_a);
    let engine_b = Engine::start(&b, config_b);
    let mut status_a = engine_a.status();
    let mut status_b = engine_b.status();
    status_a
        .wait_for(|s| s.state == SyncState::Synced)
        .await
        .unwrap();
    status_b
        .wait_for(|s| s.state == SyncState::Synced)
        .await
        .unwrap();
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for i in 0..LATENCY_SAMPLES {
        let before = status_b.borrow().pulled;
        let started = Instant::now();
        contacts::create(
            &a,
            account.id,
            &ContactInput {
                phone: format!("+55119900{i:05}"),
                name: Some(format!("Novo {i}")),
            },
        )
        .await
        .unwrap();
        tokio::time::timeout(
            Duration::from_secs(30),
            status_b.wait_for(|s| s.pulled > before),
        )
        .await
        .unwrap()
        .unwrap();
        samples.push(started.elapsed());
    }
    engine_a.stop().await;
    engine_b.stop().await;
    samples.sort();
    let median = samples[samples.len() / 2];
    let worst = samples[samples.len() - 1];

    let pg =
        std::env::var("ZAPDESK_TEST_PG_URL").unwrap_or_else(|_| "postgres://127.0.0.1:5432".into());
    let host = PgConnectOptions::from_str(&pg)
        .map(|o| o.get_host().to_owned())
        .unwrap_or_default();
    println!("| Benchmark | Result | Goal |");
    println!("|---|---|---|");
    println!(
        "| sync push, {ROWS} changed contacts → PostgreSQL ({host}), batches of {} | {:.2} s | < 10 s |",
        zapdesk_sync::push::BATCH,
        push_time.as_secs_f64()
    );
    println!(
        "| … of which: read and send {:.2} s, server commit {:.2} s, local clear {:.2} s | | |",
        phases[0].as_secs_f64(),
        phases[1].as_secs_f64(),
        phases[2].as_secs_f64()
    );
    println!(
        "| sync pull, {ROWS} changed contacts → empty local store | {:.2} s | < 10 s |",
        pull_time.as_secs_f64()
    );
    println!(
        "| change on desktop A seen on desktop B (commit → push → NOTIFY → pull), median / worst of {LATENCY_SAMPLES} | {:.0} ms / {:.0} ms | < 2 s |",
        median.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0
    );
}
