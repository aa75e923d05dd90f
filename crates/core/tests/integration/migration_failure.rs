//! A migration that fails after an update (issue 19, item 4): the store is
//! left as the last good migration left it, the copy taken before migrating
//! is kept, and the error names that copy and how to go back.

use std::borrow::Cow;

use jiff::tz::TimeZone;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use zapdesk_core::backup::{self, BackupKind};
use zapdesk_core::store::{BACKUP_DIR, MIGRATING, MIGRATOR, StoreError, latest_version};
use zapdesk_core::{ErrorCode, Lang, Store, UserError, accounts};

/// The embedded migrations and one more, as a broken update would bring:
/// its first statement works, its second fails.
fn update_with_a_broken_migration() -> Migrator {
    let mut migrations: Vec<Migration> = MIGRATOR.iter().cloned().collect();
    migrations.push(Migration::new(
        latest_version() + 1,
        Cow::Borrowed("broken for the test"),
        MigrationType::Simple,
        Cow::Borrowed(
            "CREATE TABLE half_done (id INTEGER PRIMARY KEY);
             INSERT INTO no_such_table (id) VALUES (1);",
        ),
        false,
    ));
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

#[tokio::test]
async fn a_failed_migration_keeps_the_backup_and_says_how_to_go_back() {
    let dir = tempfile::tempdir().unwrap();
    // The version installed before the update, with data in it.
    let store = Store::open(dir.path()).await.unwrap();
    let input = accounts::AccountInput {
        name: "Padaria Pão Quente".into(),
        ..Default::default()
    };
    let created = accounts::create(&store, &input).await.unwrap();
    store.close().await;

    let err = Store::open_with_migrator(dir.path(), &update_with_a_broken_migration())
        .await
        .unwrap_err();
    let StoreError::MigrationFailed {
        version,
        backup: Some(kept),
        ..
    } = &err
    else {
        panic!("expected a failed migration with its backup, got {err:?}");
    };
    assert_eq!(*version, Some(latest_version() + 1));
    assert_eq!(err.code(), ErrorCode::MigrationFailed);
    assert_eq!(kept.parent(), Some(dir.path().join(BACKUP_DIR).as_path()));

    // The copy is the store before the update: a restore accepts it, and
    // the account is in it.
    assert_eq!(backup::check_file(kept).await.unwrap(), latest_version());
    let mut copy = SqliteConnectOptions::new()
        .filename(kept)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM accounts")
        .fetch_all(&mut copy)
        .await
        .unwrap();
    copy.close().await.unwrap();
    assert_eq!(names, vec!["Padaria Pão Quente".to_owned()]);

    // The words name the file and the way back, in both languages.
    let file = kept.display().to_string();
    let pt = err.message(Lang::PtBr);
    assert!(pt.contains(&file), "{pt}");
    assert!(pt.contains("instale a versão anterior"), "{pt}");
    assert!(
        pt.contains(&format!("zapdesk-cli backup restore \"{file}\"")),
        "{pt}"
    );
    let en = err.message(Lang::En);
    assert!(en.contains("install the previous version"), "{en}");
    assert!(
        en.contains(&format!("zapdesk-cli backup restore \"{file}\"")),
        "{en}"
    );

    // Started again (a relaunch, autostart, the CLI): the same copy is
    // named — not a copy of the store as this update left it, which the
    // previous version could not open — and no second copy is taken.
    let marker = dir.path().join(BACKUP_DIR).join(MIGRATING);
    assert!(marker.exists());
    let copies = || {
        std::fs::read_dir(dir.path().join(BACKUP_DIR))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension() == Some("sqlite3".as_ref()))
            .count()
    };
    assert_eq!(copies(), 1);
    let again = Store::open_with_migrator(dir.path(), &update_with_a_broken_migration())
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StoreError::MigrationFailed { backup: Some(k), .. } if k == kept),
        "{again:?}"
    );
    assert_eq!(copies(), 1);

    // The broken migration rolled back whole: the previous version's
    // migrations still open the store, with its data, and Settings → Backup
    // lists the copy as taken before a migration.
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(accounts::list(&store, false).await.unwrap(), vec![created]);
    let listed = backup::known(&store, &TimeZone::UTC).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|b| b.path == file && b.kind == BackupKind::BeforeMigration),
        "{listed:?}"
    );
    store.close().await;
    assert!(kept.exists());
    // Opened with nothing to migrate: the next update copies the store anew.
    assert!(!marker.exists());
}

#[tokio::test]
async fn a_changed_migration_is_not_called_a_failed_update() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    store.close().await;
    // The newest migration shipped with other text (sqlx compares checksums):
    // no migration ran, so this is no "update failed, here is your copy" —
    // and, above all, not "nothing had been stored yet".
    let mut migrations: Vec<Migration> = MIGRATOR.iter().cloned().collect();
    let last = migrations.pop().unwrap();
    migrations.push(Migration::new(
        last.version,
        last.description.clone(),
        last.migration_type,
        Cow::Owned(format!("{}\n-- edited", last.sql)),
        last.no_tx,
    ));
    let changed = Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    };
    let err = Store::open_with_migrator(dir.path(), &changed)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Migrate(_)), "{err:?}");
    assert_ne!(err.code(), ErrorCode::MigrationFailed);
}

#[tokio::test]
async fn a_new_store_whose_migration_fails_names_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open_with_migrator(dir.path(), &update_with_a_broken_migration())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::MigrationFailed { backup: None, .. }),
        "{err:?}"
    );
    assert!(
        err.message(Lang::En)
            .contains("Nothing had been stored yet")
    );
    assert!(!dir.path().join(BACKUP_DIR).exists());
}
