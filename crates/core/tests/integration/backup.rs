//! Backups a person can restore (issue 19, item 5): a real store of 10 000
//! contacts with their messages and a media file, copied, changed, restored
//! and read back; retention; files refused before anything changes; the
//! daily backup taken once a day, across restarts.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use zapdesk_core::backup::{
    self, BackupError, BackupKind, BackupSettings, back_up, back_up_if_due, prune,
};
use zapdesk_core::contacts;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::store::{DB_FILE, latest_version};
use zapdesk_core::{AccountId, ErrorCode, Store, UserError};

use crate::support;

const DAY_MS: i64 = 86_400_000;
/// 2026-03-10 12:00 UTC.
const NOW: i64 = 1_773_144_000_000;

fn tz() -> TimeZone {
    TimeZone::get("America/Sao_Paulo").unwrap()
}

/// 10 000 contacts, one conversation and two messages each, in bulk SQL.
async fn fill(dir: &tempfile::TempDir, store: &Store, account: AccountId) {
    let number = support::number(store, account, "Loja", false).await;
    let pool = support::raw(dir).await;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 10000)
         INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         SELECT randomblob(16), ?, '+55119' || printf('%08d', x), 'Cliente ' || x, 'cliente ' || x, x, x
         FROM seq",
    )
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO conversations (id, account_id, contact_id, instance_id, status, created_at, updated_at)
         SELECT randomblob(16), account_id, id, ?, 'open', created_at, created_at FROM contacts WHERE account_id = ?",
    )
    .bind(number)
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "WITH k(n) AS (VALUES (0), (1))
         INSERT INTO messages (id, account_id, conversation_id, instance_id, direction, kind, body, status, created_at, updated_at)
         SELECT randomblob(16), v.account_id, v.id, v.instance_id,
                CASE k.n WHEN 0 THEN 'inbound' ELSE 'outbound' END, 'text',
                c.name || ' mensagem ' || k.n, 'received', v.created_at + k.n, v.created_at + k.n
         FROM conversations v JOIN contacts c ON c.id = v.contact_id, k WHERE v.account_id = ?",
    )
    .bind(account)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    pool.close().await;
}

/// Contacts, messages, and one message's text, read through a fresh connection.
async fn read_back(
    store: &Store,
    dir: &tempfile::TempDir,
    account: AccountId,
) -> (u32, i64, String) {
    let contacts = contacts::count(store, account, &ContactFilter::default())
        .await
        .unwrap();
    let pool = support::raw(dir).await;
    let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE account_id = ?")
        .bind(account)
        .fetch_one(&pool)
        .await
        .unwrap();
    let text: String = sqlx::query_scalar(
        "SELECT m.body FROM messages m JOIN conversations v ON v.id = m.conversation_id
         JOIN contacts c ON c.id = v.contact_id
         WHERE m.account_id = ? AND c.phone = '+5511900007777' AND m.direction = 'outbound'",
    )
    .bind(account)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    (contacts, messages, text)
}

fn media_file(data: &Path, account: AccountId) -> PathBuf {
    data.join("media")
        .join(account.to_string())
        .join("WA123.jpg")
}

#[tokio::test]
async fn a_backup_restores_ten_thousand_contacts_their_messages_and_media() {
    let (dir, store) = support::store().await;
    let account = support::account(&store, "Padaria").await;
    fill(&dir, &store, account).await;
    let photo = media_file(dir.path(), account);
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, b"jpeg bytes").unwrap();
    let before = read_back(&store, &dir, account).await;
    assert_eq!(before, (10_000, 20_000, "Cliente 7777 mensagem 1".into()));

    let folder = backup::default_folder(dir.path());
    let made = back_up(&store, &folder, BackupKind::Manual, NOW, &tz())
        .await
        .unwrap();
    assert_eq!(
        (made.media_files, made.version),
        (Some(1), latest_version())
    );
    assert_eq!(made.taken_at, NOW);

    // After the backup: half the contacts deleted, the photo lost.
    let pool = support::raw(&dir).await;
    sqlx::query("DELETE FROM contacts WHERE account_id = ? AND rowid % 2 = 0")
        .bind(account)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    std::fs::remove_file(&photo).unwrap();
    assert_eq!(read_back(&store, &dir, account).await.0, 5_000);

    // As the app does: checked while running, swapped once closed.
    let prepared = backup::prepare(dir.path(), Path::new(&made.path))
        .await
        .unwrap();
    store.close().await;
    let restored = backup::swap(dir.path(), prepared, NOW + 60_000, &tz())
        .await
        .unwrap();
    assert_eq!(restored.media_restored, 1);

    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(read_back(&store, &dir, account).await, before);
    assert_eq!(std::fs::read(&photo).unwrap(), b"jpeg bytes");
    // What was replaced is kept aside, whole: the 5 000 contacts left.
    let safety = PathBuf::from(restored.safety_copy.unwrap());
    assert!(safety.starts_with(backup::safety_folder(dir.path())));
    let kept = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", safety.display()))
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE account_id = ?")
        .bind(account)
        .fetch_one(&kept)
        .await
        .unwrap();
    assert_eq!(left, 5_000);
    kept.close().await;
    let listed = backup::list(&[backup::default_folder(dir.path())], &tz()).unwrap();
    assert!(listed.iter().any(|b| b.kind == BackupKind::BeforeRestore));
    assert!(!dir.path().join("zapdesk.sqlite3.restoring").exists());

    // Restored again within the same second: the first safety copy (the
    // data before any restore) is not replaced by the second.
    let prepared = backup::prepare(dir.path(), Path::new(&made.path))
        .await
        .unwrap();
    store.close().await;
    let again = backup::swap(dir.path(), prepared, NOW + 60_000, &tz())
        .await
        .unwrap();
    let second = PathBuf::from(again.safety_copy.unwrap());
    assert_ne!(second, safety);
    assert!(safety.exists() && second.exists());
    let listed = backup::list(&[backup::default_folder(dir.path())], &tz()).unwrap();
    assert_eq!(
        listed
            .iter()
            .filter(|b| b.kind == BackupKind::BeforeRestore)
            .count(),
        2
    );
}

#[tokio::test]
async fn retention_deletes_only_old_daily_and_manual_backups() {
    let (dir, store) = support::store().await;
    let folder = dir.path().join("picked");
    let mut names = Vec::new();
    for (days_ago, kind) in [
        (10, BackupKind::Daily),
        (8, BackupKind::Manual),
        (7, BackupKind::Daily),
        (1, BackupKind::Daily),
        (0, BackupKind::Manual),
    ] {
        let b = back_up(&store, &folder, kind, NOW - days_ago * DAY_MS, &tz())
            .await
            .unwrap();
        names.push((days_ago, b.file_name));
    }
    // What retention must never touch: someone's file, a copy taken before
    // a migration, a restore's safety copy, all older than the limit.
    let old_ms = NOW - 30 * DAY_MS;
    let keep = [
        "planilha.xlsx".to_owned(),
        format!("zapdesk-v29-{old_ms}.sqlite3"),
        "zapdesk-backup-2020-01-01_00-00-00-v29-before-restore.sqlite3".to_owned(),
    ];
    for name in &keep {
        std::fs::write(folder.join(name), b"x").unwrap();
    }
    let deleted = prune(&folder, 7, NOW, &tz()).unwrap();
    let deleted: Vec<String> = deleted
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for (days_ago, name) in &names {
        let media = name.replace(".sqlite3", ".media");
        let gone = *days_ago > 7;
        assert_eq!(deleted.contains(name), gone, "{name}");
        assert_eq!(deleted.contains(&media), gone, "{media}");
        assert_eq!(folder.join(name).exists(), !gone, "{name}");
        assert_eq!(folder.join(&media).exists(), !gone, "{media}");
    }
    assert_eq!(deleted.len(), 4);
    for name in &keep {
        assert!(folder.join(name).exists(), "{name}");
    }
}

/// Refused by `prepare` with `code`, and the store is as it was.
async fn refused(file: &Path, code: ErrorCode) -> BackupError {
    let (dir, store) = support::store().await;
    let account = support::account(&store, "Padaria").await;
    let before: Vec<_> = entries(dir.path());
    let e = backup::prepare(dir.path(), file).await.unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert!(!e.message(zapdesk_core::Lang::PtBr).is_empty());
    assert_eq!(entries(dir.path()), before);
    let listed = contacts::count(&store, account, &ContactFilter::default()).await;
    assert_eq!(listed.unwrap(), 0);
    e
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(DB_FILE))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_file_that_is_no_sound_zapdesk_backup_is_refused_and_nothing_changes() {
    let other = tempfile::tempdir().unwrap();
    let text = other.path().join("notas.sqlite3");
    std::fs::write(&text, "isto não é um banco de dados").unwrap();
    assert!(matches!(
        refused(&text, ErrorCode::BackupInvalid).await,
        BackupError::NotSqlite(_)
    ));

    let foreign = other.path().join("outro-programa.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", foreign.display()))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE receitas (nome TEXT)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(matches!(
        refused(&foreign, ErrorCode::BackupInvalid).await,
        BackupError::Foreign(_)
    ));

    // A real backup whose pages were overwritten halfway (a bad disk).
    let (dir, store) = support::store().await;
    let account = support::account(&store, "Padaria").await;
    fill(&dir, &store, account).await;
    let made = back_up(&store, other.path(), BackupKind::Manual, NOW, &tz())
        .await
        .unwrap();
    let mut bytes = std::fs::read(&made.path).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 4096].fill(0x5a);
    std::fs::write(&made.path, bytes).unwrap();
    assert!(matches!(
        refused(Path::new(&made.path), ErrorCode::BackupInvalid).await,
        BackupError::Damaged(_)
    ));

    assert!(matches!(
        refused(
            &other.path().join("sumiu.sqlite3"),
            ErrorCode::BackupInvalid
        )
        .await,
        BackupError::NotFound(_)
    ));
}

#[tokio::test]
async fn a_backup_from_a_newer_zapdesk_is_refused() {
    let (dir, store) = support::store().await;
    let other = tempfile::tempdir().unwrap();
    let made = back_up(&store, other.path(), BackupKind::Manual, NOW, &tz())
        .await
        .unwrap();
    drop(dir);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", made.path))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?, 'from the future', 1, x'00', 0)",
    )
    .bind(latest_version() + 1)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let e = refused(Path::new(&made.path), ErrorCode::BackupTooNew).await;
    assert!(
        matches!(e, BackupError::TooNew { found, supported } if found == latest_version() + 1 && supported == latest_version())
    );
}

#[tokio::test]
async fn the_daily_backup_is_taken_once_a_day_even_across_restarts() {
    let (dir, store) = support::store().await;
    let settings = BackupSettings::default();
    let first = back_up_if_due(&store, &settings, NOW, &tz()).await.unwrap();
    assert_eq!(first.map(|b| b.kind), Some(BackupKind::Daily));
    let later = back_up_if_due(&store, &settings, NOW + 3_600_000, &tz())
        .await
        .unwrap();
    assert_eq!(later, None);
    // A restart: a new store on the same folder knows from the folder.
    store.close().await;
    let store = Store::open(dir.path()).await.unwrap();
    assert_eq!(
        back_up_if_due(&store, &settings, NOW + 7_200_000, &tz())
            .await
            .unwrap(),
        None
    );
    // The next local day (Sao Paulo is UTC-3: NOW is 09:00 there).
    let tomorrow = back_up_if_due(&store, &settings, NOW + DAY_MS, &tz())
        .await
        .unwrap();
    assert!(tomorrow.is_some());
    // A backup made by hand counts as the day's.
    let folder = backup::default_folder(dir.path());
    back_up(&store, &folder, BackupKind::Manual, NOW + 2 * DAY_MS, &tz())
        .await
        .unwrap();
    assert_eq!(
        back_up_if_due(&store, &settings, NOW + 2 * DAY_MS + 60_000, &tz())
            .await
            .unwrap(),
        None
    );
    let listed = backup::list(&[folder], &tz()).unwrap();
    assert_eq!(listed.len(), 3);
}

#[tokio::test]
async fn settings_refuse_days_out_of_range_and_a_relative_folder() {
    let (_dir, store) = support::store().await;
    assert_eq!(
        backup::backup_settings(&store).await.unwrap(),
        BackupSettings::default()
    );
    let zero = BackupSettings {
        folder: None,
        keep_days: 0,
    };
    let e = backup::set_backup_settings(&store, &zero)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::BackupSettingsInvalid);
    let relative = BackupSettings {
        folder: Some("backups".into()),
        keep_days: 7,
    };
    let e = backup::set_backup_settings(&store, &relative)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::BackupSettingsInvalid);
    let picked = tempfile::tempdir().unwrap();
    let good = BackupSettings {
        folder: Some(picked.path().join("zapdesk").display().to_string()),
        keep_days: 30,
    };
    backup::set_backup_settings(&store, &good).await.unwrap();
    assert_eq!(backup::backup_settings(&store).await.unwrap(), good);
}
