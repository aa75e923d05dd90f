//! Version stamps and tombstones: what a pull (`version > cursor`, per
//! account) relies on.

use std::time::{Duration, Instant};

use crate::common::{HLC, operator, outcome, seed_account};
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;

async fn version_of(conn: &mut PgConnection, table: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT version FROM zapdesk.{table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(conn)
    .await
    .unwrap()
}

async fn counter(conn: &mut PgConnection, account: Uuid) -> i64 {
    sqlx::query_scalar("SELECT version FROM zapdesk.account_versions WHERE account_id = $1")
        .bind(account)
        .fetch_one(conn)
        .await
        .unwrap()
}

fn insert_contact(id: Uuid, account: Uuid, phone: &str) -> String {
    format!(
        "INSERT INTO zapdesk.contacts (id, account_id, phone, name, created_at, updated_at, version, hlc)
         VALUES ('{id}', '{account}', '{phone}', 'Ana', 1, 1, 999999, '{HLC}')"
    )
}

#[tokio::test]
async fn every_write_takes_the_next_version_of_its_own_account() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let b = seed_account(&mut owner, "Clínica B").await.account;
    let agent_a = operator(&db, a, MemberRole::Agent).await;
    let agent_b = operator(&db, b, MemberRole::Agent).await;
    let mut conn_a = db.connect_as(&agent_a).await;
    let mut conn_b = db.connect_as(&agent_b).await;

    let cursor = counter(&mut owner, a).await;
    let b_before = counter(&mut owner, b).await;
    let contact = Uuid::now_v7();
    conn_a
        .execute(insert_contact(contact, a, "+5511912340000").as_str())
        .await
        .unwrap();
    let inserted = version_of(&mut conn_a, "contacts", contact).await;
    // The client's 999999 is overwritten by a version past the account's
    // counter (since remote 0007 numbers come from one sequence for every
    // account, so the next one may skip numbers other accounts took).
    assert!(
        inserted > cursor && inserted < 999_999,
        "{inserted} after {cursor}"
    );
    conn_a
        .execute(
            format!("UPDATE zapdesk.contacts SET name = 'Ana Maria' WHERE id = '{contact}'")
                .as_str(),
        )
        .await
        .unwrap();
    let updated = version_of(&mut conn_a, "contacts", contact).await;
    assert!(updated > inserted);

    // Another account's writes leave A's counter alone, and its own moves.
    conn_b
        .execute(insert_contact(Uuid::now_v7(), b, "+5511912340000").as_str())
        .await
        .unwrap();
    assert_eq!(counter(&mut owner, a).await, updated);
    assert!(counter(&mut owner, b).await > b_before);

    // A pull from the cursor finds exactly what changed since, across tables.
    let tag = Uuid::now_v7();
    conn_a
        .execute(
            format!(
                "INSERT INTO zapdesk.tags (id, account_id, name, created_at, hlc)
                 VALUES ('{tag}', '{a}', 'Atacado', 1, '{HLC}')"
            )
            .as_str(),
        )
        .await
        .unwrap();
    let changed: Vec<(String, Uuid, i64)> = sqlx::query_as(
        "SELECT 'contacts', id, version FROM zapdesk.contacts WHERE account_id = $1 AND version > $2
         UNION ALL
         SELECT 'tags', id, version FROM zapdesk.tags WHERE account_id = $1 AND version > $2
         ORDER BY 3",
    )
    .bind(a)
    .bind(cursor)
    .fetch_all(&mut conn_a)
    .await
    .unwrap();
    let tag_version = version_of(&mut conn_a, "tags", tag).await;
    assert!(tag_version > updated);
    assert_eq!(
        changed,
        vec![
            ("contacts".to_owned(), contact, updated),
            ("tags".to_owned(), tag, tag_version)
        ]
    );
    // Versions are unique within an account, whatever the table.
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (
             SELECT version FROM zapdesk.contacts WHERE account_id = $1
             UNION ALL SELECT version FROM zapdesk.tags WHERE account_id = $1
             UNION ALL SELECT version FROM zapdesk.messages WHERE account_id = $1
             UNION ALL SELECT version FROM zapdesk.accounts WHERE account_id = $1
         ) v GROUP BY version HAVING count(*) > 1",
    )
    .bind(a)
    .fetch_optional(&mut owner)
    .await
    .unwrap()
    .unwrap_or(0);
    assert_eq!(duplicates, 0);
}

#[tokio::test]
async fn a_delete_becomes_a_tombstone_without_personal_data() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let s = seed_account(&mut owner, "Padaria A").await;
    let agent = operator(&db, s.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;
    let before = version_of(&mut owner, "contacts", s.contact).await;
    let hlc_before: String = sqlx::query_scalar("SELECT hlc FROM zapdesk.contacts WHERE id = $1")
        .bind(s.contact)
        .fetch_one(&mut owner)
        .await
        .unwrap();

    let done = conn
        .execute(format!("DELETE FROM zapdesk.contacts WHERE id = '{}'", s.contact).as_str())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0);
    let (phone, name, deleted_at, version, hlc): (
        String,
        Option<String>,
        Option<i64>,
        i64,
        String,
    ) = sqlx::query_as(
        "SELECT phone, name, deleted_at, version, hlc FROM zapdesk.contacts WHERE id = $1",
    )
    .bind(s.contact)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!((phone.as_str(), name), ("", None));
    assert!(deleted_at.is_some());
    assert!(version > before);
    assert!(hlc > hlc_before && hlc.ends_with("-server"), "{hlc}");

    // Deleting a tombstone again changes nothing (no new version to pull).
    conn.execute(format!("DELETE FROM zapdesk.contacts WHERE id = '{}'", s.contact).as_str())
        .await
        .unwrap();
    assert_eq!(version_of(&mut owner, "contacts", s.contact).await, version);

    // The phone is free again for a live contact.
    conn.execute(insert_contact(Uuid::now_v7(), s.account, "+5511987650001").as_str())
        .await
        .unwrap();

    // A tombstone pushed by a desktop is scrubbed the same way; so are messages.
    conn.execute(
        format!(
            "UPDATE zapdesk.messages SET deleted_at = 9 WHERE conversation_id = '{}'",
            s.conversation
        )
        .as_str(),
    )
    .await
    .unwrap();
    let body: String =
        sqlx::query_scalar("SELECT body FROM zapdesk.messages WHERE conversation_id = $1")
            .bind(s.conversation)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(body, "");

    // The owner's maintenance really deletes (collecting old tombstones).
    let gone = owner
        .execute(format!("DELETE FROM zapdesk.contacts WHERE id = '{}'", s.contact).as_str())
        .await
        .unwrap();
    assert_eq!(gone.rows_affected(), 1);
}

#[tokio::test]
async fn rows_keep_their_account_and_clocks_their_format() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let moved = owner
        .execute(
            format!(
                "UPDATE zapdesk.tags SET account_id = '{}' WHERE id = '{}'",
                b.account, a.tag
            )
            .as_str(),
        )
        .await;
    assert_eq!(outcome(&moved), "23514");
    let bad_clock = owner
        .execute(
            format!(
                "UPDATE zapdesk.tags SET hlc = 'yesterday' WHERE id = '{}'",
                a.tag
            )
            .as_str(),
        )
        .await;
    assert_eq!(outcome(&bad_clock), "23514");
}

#[tokio::test]
async fn versions_of_one_account_commit_in_order() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let agent = operator(&db, a, MemberRole::Agent).await;
    let mut first = db.connect_as(&agent).await;
    let mut second = db.connect_as(&agent).await;

    let early = Uuid::now_v7();
    let mut tx = first.begin().await.unwrap();
    tx.execute(insert_contact(early, a, "+5511900000001").as_str())
        .await
        .unwrap();
    // A second writer of the same account waits for the first to commit,
    // so it cannot commit a lower version after a pull has passed it.
    let late = Uuid::now_v7();
    let writer = tokio::spawn(async move {
        second
            .execute(insert_contact(late, a, "+5511900000002").as_str())
            .await
            .unwrap();
        second
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
             AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut owner)
        .await
        .unwrap();
        if waiting == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the second writer never waited");
        tokio::task::yield_now().await;
    }
    tx.commit().await.unwrap();
    let mut second = writer.await.unwrap();
    let v_early = version_of(&mut second, "contacts", early).await;
    let v_late = version_of(&mut second, "contacts", late).await;
    assert_eq!(v_late, v_early + 1);
}

/// The counter is written once per statement (0005): many rows, several
/// statements and a rolled-back savepoint in one transaction still give
/// unique versions, and the counter ends at the highest one committed.
#[tokio::test]
async fn a_transaction_of_many_rows_leaves_the_counter_at_its_last_version() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let agent = operator(&db, a, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;
    let before = counter(&mut owner, a).await;

    let mut tx = conn.begin().await.unwrap();
    tx.execute(
        format!(
            "INSERT INTO zapdesk.contacts (id, account_id, phone, created_at, updated_at, hlc)
             SELECT gen_random_uuid(), '{a}', '+55119' || lpad(i::text, 8, '0'), 1, 1, '{HLC}'
             FROM generate_series(1, 300) AS i"
        )
        .as_str(),
    )
    .await
    .unwrap();
    tx.execute("SAVEPOINT s").await.unwrap();
    tx.execute(insert_contact(Uuid::now_v7(), a, "+5511999990001").as_str())
        .await
        .unwrap();
    tx.execute("ROLLBACK TO SAVEPOINT s").await.unwrap();
    tx.execute(
        format!(
            "UPDATE zapdesk.contacts SET name = 'Lote' WHERE account_id = '{a}' AND name IS NULL"
        )
        .as_str(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (rows, distinct, top): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT version), max(version) FROM zapdesk.contacts
         WHERE account_id = $1 AND name = 'Lote'",
    )
    .bind(a)
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!((rows, distinct), (300, 300));
    assert_eq!(counter(&mut owner, a).await, top);
    assert!(top > before + 300);

    // The next write, in a new transaction, goes on from there.
    let next = Uuid::now_v7();
    conn.execute(insert_contact(next, a, "+5511999990002").as_str())
        .await
        .unwrap();
    assert_eq!(version_of(&mut owner, "contacts", next).await, top + 1);
}

/// Every table whose rows are stamped writes its counter back (0005).
#[tokio::test]
async fn every_stamped_table_stores_its_versions() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'zapdesk' AND t.tgname = 'stamp_version'
           AND (SELECT count(*) FROM pg_trigger s WHERE s.tgrelid = t.tgrelid
                AND s.tgname IN ('store_versions_insert', 'store_versions_update')) <> 2",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(missing.is_empty(), "{missing:?}");
}

/// Issue 15: a session's tombstone keeps no answers (its state holds what
/// the contact typed: a name, an e-mail, a CPF) and a bot file's keeps no
/// bytes, whether an operator deleted the row or a desktop pushed the
/// tombstone.
#[tokio::test]
async fn a_deleted_session_keeps_no_answers_and_a_deleted_bot_file_no_bytes() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let s = seed_account(&mut owner, "Padaria A").await;
    let agent = operator(&db, s.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;
    let answers = r#"{"node":"cpf","vars":{"cpf":"123.456.789-09","nome":"Maria"}}"#;
    conn.execute(
        format!(
            "UPDATE zapdesk.flow_sessions SET state = '{answers}' WHERE account_id = '{}'",
            s.account
        )
        .as_str(),
    )
    .await
    .unwrap();
    let done = conn
        .execute(
            format!(
                "DELETE FROM zapdesk.flow_sessions WHERE account_id = '{}'",
                s.account
            )
            .as_str(),
        )
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0, "a tombstone, not a delete");
    let (state, deleted): (String, Option<i64>) =
        sqlx::query_as("SELECT state, deleted_at FROM zapdesk.flow_sessions WHERE account_id = $1")
            .bind(s.account)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!((state.as_str(), deleted.is_some()), ("", true));

    // A tombstone pushed as an update (deleted_at set by the desktop).
    conn.execute(
        format!(
            "UPDATE zapdesk.automation_files SET deleted_at = 9 WHERE account_id = '{}'",
            s.account
        )
        .as_str(),
    )
    .await
    .unwrap();
    let bytes: Vec<u8> =
        sqlx::query_scalar("SELECT bytes FROM zapdesk.automation_files WHERE account_id = $1")
            .bind(s.account)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(bytes.is_empty());
}
