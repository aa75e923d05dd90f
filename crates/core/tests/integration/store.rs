//! The local store against real SQLite files in temporary folders.

use std::borrow::Cow;

use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_core::store::{BACKUP_DIR, DB_FILE, MIGRATOR, StoreError, latest_version};
use zapdesk_core::{ErrorCode, Store, UserError, accounts};

async fn raw_connection(dir: &std::path::Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .create_if_missing(true)
        .connect()
        .await
        .expect("raw connection")
}

#[tokio::test]
async fn a_new_store_is_in_wal_mode_and_fully_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.close().await;

    let mut conn = raw_connection(dir.path()).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(version, latest_version());
    assert!(
        !dir.path().join(BACKUP_DIR).exists(),
        "a new database needs no backup"
    );
}

#[tokio::test]
async fn reopening_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let input = accounts::AccountInput {
        name: "Padaria Pão Quente".into(),
        ..Default::default()
    };
    let created = accounts::create(&store, &input).await.unwrap();
    store.close().await;

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(accounts::list(&store, false).await.unwrap(), vec![created]);
}

#[tokio::test]
async fn a_database_from_a_newer_zapdesk_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).await.unwrap().close().await;
    let future = latest_version() + 1;
    let mut conn = raw_connection(dir.path()).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?, 'from the future', TRUE, x'00', 0)",
    )
    .bind(future)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();

    let err = Store::open(dir.path()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found, .. } if found == future),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::DatabaseTooNew);
    assert!(
        err.message(zapdesk_core::Lang::PtBr)
            .contains("versão mais nova")
    );
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).unwrap(),
        before,
        "refusal must not write"
    );
}

#[tokio::test]
async fn migrating_an_older_database_backs_it_up_first() {
    let dir = tempfile::tempdir().unwrap();
    // An "older ZapDesk": only the first migration, and some data in it.
    let first: Vec<_> = MIGRATOR.iter().take(1).cloned().collect();
    let old = Migrator {
        migrations: Cow::Owned(first),
        ..Migrator::DEFAULT
    };
    let mut conn = raw_connection(dir.path()).await;
    old.run(&mut conn).await.unwrap();
    sqlx::query("INSERT INTO accounts (id, name, created_at, updated_at) VALUES (x'0190000000007000800000000000000a', 'Antiga', 1, 1)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let names: Vec<String> = accounts::list(&store, true)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Antiga"]);

    let backups: Vec<_> = std::fs::read_dir(dir.path().join(BACKUP_DIR))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup_name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(backup_name.starts_with("zapdesk-v1-"), "{backup_name}");
    // The backup is the old database: one migration, the account, no later tables.
    let mut backup = SqliteConnectOptions::new()
        .filename(&backups[0])
        .connect()
        .await
        .unwrap();
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut backup)
        .await
        .unwrap();
    assert_eq!(versions, [1]);
    let has_tags: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'tags')")
            .fetch_one(&mut backup)
            .await
            .unwrap();
    assert!(!has_tags);
}

/// A store from before campaigns and the audit log were synced (0011, 0012):
/// its audit entries keep everything but their integer ids (now UUIDs), its
/// campaign learns how many recipients it was made with, and both wait in
/// the sync outbox as changes not pushed yet.
#[tokio::test]
async fn a_store_from_before_campaign_and_audit_sync_keeps_and_queues_them() {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<_> = MIGRATOR.iter().take(10).cloned().collect();
    let old = Migrator {
        migrations: Cow::Owned(before),
        ..Migrator::DEFAULT
    };
    let mut conn = raw_connection(dir.path()).await;
    old.run(&mut conn).await.unwrap();
    sqlx::query(
        "INSERT INTO accounts (id, name, created_at, updated_at) VALUES (x'0190000000007000800000000000000a', 'Antiga', 1, 1);
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at) VALUES
             (x'0190000000007000800000000000000c', x'0190000000007000800000000000000a', '+5511987650001', 'Eva', 'eva', 1, 1),
             (x'0190000000007000800000000000000d', x'0190000000007000800000000000000a', '+5511987650002', 'Ivo', 'ivo', 1, 1);
         INSERT INTO audit_log (account_id, actor_name, action, contact_id, at) VALUES
             (x'0190000000007000800000000000000a', 'Ana', 'contact_exported', x'0190000000007000800000000000000c', 5),
             (x'0190000000007000800000000000000a', 'Ana', 'contact_erased', x'0190000000007000800000000000000e', 6);
         INSERT INTO campaigns (id, account_id, name, message, status, created_at, updated_at) VALUES
             (x'0190000000007000800000000000000f', x'0190000000007000800000000000000a', 'Natal', 'Oi', 'done', 1, 1);
         INSERT INTO campaign_recipients (account_id, campaign_id, contact_id, position, state) VALUES
             (x'0190000000007000800000000000000a', x'0190000000007000800000000000000f', x'0190000000007000800000000000000c', 0, 'queued'),
             (x'0190000000007000800000000000000a', x'0190000000007000800000000000000f', x'0190000000007000800000000000000d', 1, 'queued');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = Store::open(dir.path()).await.unwrap();
    let account = accounts::list(&store, true).await.unwrap()[0].id;
    let log = zapdesk_core::lgpd::audit(&store, account, 10)
        .await
        .unwrap();
    let lines: Vec<(&str, &str, i64)> = log
        .iter()
        .map(|e| (e.actor_name.as_str(), e.action.as_str(), e.at))
        .collect();
    assert_eq!(
        lines,
        [("Ana", "contact_erased", 6), ("Ana", "contact_exported", 5)]
    );
    assert_ne!(log[0].id, log[1].id);
    // Migration 0024 counted the contacts already there.
    let page = zapdesk_core::contacts::list(
        &store,
        account,
        &zapdesk_core::contacts::ContactQuery {
            filter: Default::default(),
            offset: 0,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.items.len()), (2, 2));
    let total: i64 = sqlx::query_scalar("SELECT recipients_total FROM campaigns")
        .fetch_one(store.pool_for_sync())
        .await
        .unwrap();
    assert_eq!(total, 2);
    let waiting: Vec<(String, i64)> = sqlx::query_as(
        "SELECT table_name, count(*) FROM sync_outbox
         WHERE table_name IN ('audit_log', 'campaigns', 'campaign_recipients')
         GROUP BY table_name ORDER BY table_name",
    )
    .fetch_all(store.pool_for_sync())
    .await
    .unwrap();
    assert_eq!(
        waiting,
        [
            ("audit_log".to_owned(), 2),
            ("campaign_recipients".to_owned(), 2),
            ("campaigns".to_owned(), 1)
        ]
    );
    // New entries are recorded as they are written.
    zapdesk_core::lgpd::export(
        &store,
        account,
        log[1].contact_id,
        &zapdesk_core::lgpd::Actor {
            id: None,
            name: "Bia".into(),
        },
    )
    .await
    .unwrap();
    let queued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sync_outbox WHERE table_name = 'audit_log'")
            .fetch_one(store.pool_for_sync())
            .await
            .unwrap();
    assert_eq!(queued, 3);
}

#[tokio::test]
async fn an_unusable_data_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open(&file.join("data")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DataDirUnusable);
    assert!(err.message(zapdesk_core::Lang::En).contains("--data-dir"));
}

/// Opening the store (every CLI command does, without the data folder's
/// lock) leaves the sync outbox alone: compacting it under the app's push
/// lost a delete made meanwhile.
#[tokio::test]
async fn opening_the_store_does_not_touch_the_sync_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let account = accounts::create(
        &store,
        &accounts::AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for name in ["Loja 2", "Loja 3"] {
        accounts::update(
            &store,
            account.id,
            &accounts::AccountInput {
                name: name.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    store.close().await;
    let count = |dir: std::path::PathBuf| async move {
        let mut conn = raw_connection(&dir).await;
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_outbox")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        n
    };
    let before = count(dir.path().to_path_buf()).await;
    assert!(before >= 3, "one entry per change: {before}");
    let again = Store::open(dir.path()).await.unwrap();
    again.close().await;
    assert_eq!(count(dir.path().to_path_buf()).await, before);
}

#[tokio::test]
async fn the_wal_is_checkpointed_in_the_background_not_by_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    for i in 0..50 {
        let input = accounts::AccountInput {
            name: format!("Loja {i}"),
            ..Default::default()
        };
        accounts::create(&store, &input).await.unwrap();
    }
    // Far under the automatic checkpoint's threshold, and no connection
    // closes: only the store's checkpointer can copy the WAL into the
    // database file. An immutable connection reads that file alone.
    let in_file = || async {
        let mut conn = SqliteConnectOptions::new()
            .filename(dir.path().join(DB_FILE))
            .immutable(true)
            .connect()
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
            .fetch_one(&mut conn)
            .await
            .unwrap_or(0);
        conn.close().await.unwrap();
        n
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut interval = tokio::time::interval(std::time::Duration::from_millis(100));
    loop {
        interval.tick().await;
        if in_file().await == 50 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the WAL was never checkpointed"
        );
    }
    assert_eq!(accounts::list(&store, false).await.unwrap().len(), 50);
}

/// The data version moves with a commit through the store, through another
/// connection to the file (another process's), and stays put otherwise:
/// the local API keeps pages under it.
#[tokio::test]
async fn the_data_version_moves_with_every_commit_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let first = store.data_version().await.unwrap();
    assert_eq!(
        store.data_version().await.unwrap(),
        first,
        "nothing written"
    );
    let _ = zapdesk_core::contacts::list(
        &store,
        zapdesk_core::AccountId::new(),
        &zapdesk_core::contacts::ContactQuery {
            filter: Default::default(),
            offset: 0,
            limit: 10,
        },
    )
    .await;
    assert_eq!(store.data_version().await.unwrap(), first, "only read");

    accounts::create(
        &store,
        &accounts::AccountInput {
            name: "Loja".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let second = store.data_version().await.unwrap();
    assert_ne!(second, first, "a commit through the store");
    assert_eq!(store.data_version().await.unwrap(), second);

    let mut other = raw_connection(dir.path()).await;
    sqlx::query("UPDATE accounts SET name = 'Loja 2'")
        .execute(&mut other)
        .await
        .unwrap();
    let third = store.data_version().await.unwrap();
    assert_ne!(third, second, "a commit by another connection");
    assert_eq!(store.data_version().await.unwrap(), third);
}
