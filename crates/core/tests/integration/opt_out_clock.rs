//! The opt-out's own clock (migration 0016): stamped by the contacts
//! triggers only when a write changes `opted_out_at`, so the sync engine can
//! merge the opt-out apart from the rest of the row (docs/sync.md). Against
//! real SQLite files.

use std::borrow::Cow;

use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqlitePool};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::contacts::{self, ContactInput};
use zapdesk_core::store::{DB_FILE, MIGRATOR};
use zapdesk_core::{ContactId, Store, opt_out};

/// (hlc, opted_out_hlc) of a contact.
async fn clocks(pool: &SqlitePool, id: ContactId) -> (String, Option<String>) {
    sqlx::query_as("SELECT hlc, opted_out_hlc FROM contacts WHERE id = ?")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_a_write_that_changes_the_opt_out_stamps_its_clock() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let pool = store.pool_for_sync();
    let acc = accounts::create(
        &store,
        &AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let input = |name: &str| ContactInput {
        phone: "+5511987650001".into(),
        name: Some(name.into()),
    };
    let maria = contacts::create(&store, acc, &input("Maria"))
        .await
        .unwrap()
        .id;
    assert_eq!(clocks(pool, maria).await.1, None, "no decision yet");

    assert!(opt_out::set(&store, acc, maria, true).await.unwrap());
    let (row, decided) = clocks(pool, maria).await;
    assert_eq!(decided.as_deref(), Some(row.as_str()));

    // A name edit is a later write of the row, not a decision about opt-out.
    contacts::update(&store, acc, maria, &input("Maria Silva"))
        .await
        .unwrap();
    let (later, still) = clocks(pool, maria).await;
    assert!(later > row);
    assert_eq!(still, decided);

    // An operator's opt-in is one.
    assert!(opt_out::set(&store, acc, maria, false).await.unwrap());
    let (row, decided) = clocks(pool, maria).await;
    assert!(row > later);
    assert_eq!(decided.as_deref(), Some(row.as_str()));
}

#[tokio::test]
async fn a_store_from_before_0016_gives_its_opt_outs_their_rows_clock_and_queues_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<_> = MIGRATOR.iter().take(15).cloned().collect();
    assert_eq!(before.last().unwrap().version, 15);
    let old = Migrator {
        migrations: Cow::Owned(before),
        ..Migrator::DEFAULT
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.path().join(DB_FILE))
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    old.run(&mut conn).await.unwrap();
    sqlx::query(
        "INSERT INTO accounts (id, name, created_at, updated_at) VALUES (x'0190000000007000800000000000000a', 'Antiga', 1, 1);
         INSERT INTO contacts (id, account_id, phone, name, name_folded, opted_out_at, created_at, updated_at) VALUES
             (x'0190000000007000800000000000000c', x'0190000000007000800000000000000a', '+5511987650001', 'Eva', 'eva', 7, 1, 1),
             (x'0190000000007000800000000000000d', x'0190000000007000800000000000000a', '+5511987650002', 'Ivo', 'ivo', NULL, 1, 1);
         DELETE FROM sync_outbox;",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT phone, hlc, opted_out_hlc FROM contacts ORDER BY phone")
            .fetch_all(store.pool_for_sync())
            .await
            .unwrap();
    let (eva, ivo) = (&rows[0], &rows[1]);
    assert_eq!(eva.2.as_deref(), Some(eva.1.as_str()), "{rows:?}");
    assert_eq!(ivo.2, None, "{rows:?}");
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_outbox")
        .fetch_one(store.pool_for_sync())
        .await
        .unwrap();
    assert_eq!(waiting, 0, "the backfill is no change for the server");
}
