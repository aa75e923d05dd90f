//! A big pull is applied a few hundred rows per local transaction, so the
//! store's other writers (WhatsApp's messages arriving) never wait for the
//! whole pull; the cursor moves only with the last chunk, so a pull that
//! fails half way is pulled again from where the cursor stood.

use crate::common;

use crate::common::desktop::{first_desktop, other_desktop};
use sqlx::Executor;
use zapdesk_sync::pull::cursor;
use zapdesk_sync::pull_once;
use zapdesk_sync::testing::ScratchDatabase;

const ROWS: i64 = 1_200;

async fn local_contacts(pool: &sqlx::SqlitePool, account: uuid::Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM contacts WHERE account_id = ?")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_big_pull_commits_in_chunks_and_a_failed_one_resumes_from_its_cursor() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    a.sync().await;
    b.pull().await;
    let before = cursor(b.pool(), b.account).await.unwrap();

    // Many rows written on the server at once (another desktop's import).
    let mut owner = db.connect_owner().await;
    owner
        .execute(
            format!(
                "INSERT INTO zapdesk.contacts (id, account_id, phone, name, created_at, updated_at, hlc)
                 SELECT gen_random_uuid(), '{account}', '+5511' || (900000000 + g)::text, 'Cliente ' || g, 1, 1, '{hlc}'
                 FROM generate_series(1, {ROWS}) g",
                account = a.account,
                hlc = common::HLC,
            )
            .as_str(),
        )
        .await
        .unwrap();

    // The local store fails part way through (a full disk, say): from the
    // 700th contact on, every insert is refused.
    b.pool()
        .execute(
            "CREATE TRIGGER test_disk_full BEFORE INSERT ON contacts
             WHEN (SELECT count(*) FROM contacts) >= 700
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
        )
        .await
        .unwrap();
    let mut conn = b.connect().await;
    let failed = pull_once(b.pool(), &mut conn, &[b.account]).await;
    assert!(failed.is_err(), "{failed:?}");
    // The first chunk was committed on its own; the failed one was not, and
    // the cursor did not move past rows that are not here.
    assert_eq!(local_contacts(b.pool(), b.account).await, 500);
    assert_eq!(cursor(b.pool(), b.account).await.unwrap(), before);

    b.pool()
        .execute("DROP TRIGGER test_disk_full")
        .await
        .unwrap();
    let report = b.pull().await;
    assert_eq!(local_contacts(b.pool(), b.account).await, ROWS);
    assert!(report.cursor > before);
    assert_eq!(cursor(b.pool(), b.account).await.unwrap(), report.cursor);
    assert_eq!(b.rows().await, {
        a.pull().await;
        a.rows().await
    });
}
