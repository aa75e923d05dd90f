//! The webhooks' secrets on the server (remote 0020), as the operators'
//! own logins: owners and admins publish and read them; an agent reads the
//! table never, and gets a secret from `zapdesk.webhook_secret` only while
//! holding a live lease of one of the account's numbers; a webhook's
//! tombstone takes its secret along.

use crate::common::{HLC, operator, seed_account};
use sqlx::{Executor, PgConnection};
use uuid::Uuid;
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

async fn secret_of(conn: &mut PgConnection, hook: Uuid) -> Option<(i64, String)> {
    sqlx::query_as("SELECT version, secret FROM zapdesk.webhook_secret($1)")
        .bind(hook)
        .fetch_optional(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn only_admins_and_lease_holders_get_a_webhook_secret() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let b = seed_account(&mut owner, "Clínica B").await;
    let hook = Uuid::now_v7();
    owner
        .execute(
            format!(
                "INSERT INTO zapdesk.webhooks (id, account_id, url, events, created_at, updated_at, hlc)
                 VALUES ('{hook}', '{}', 'https://example.com/h', '[\"message.received\"]', 1, 1, '{HLC}')",
                a.account
            )
            .as_str(),
        )
        .await
        .unwrap();
    let admin = operator(&db, a.account, MemberRole::Admin).await;
    let agent = operator(&db, a.account, MemberRole::Agent).await;
    let runner = operator(&db, a.account, MemberRole::Agent).await;
    let admin_b = operator(&db, b.account, MemberRole::Admin).await;
    let mut admin_conn = db.connect_as(&admin).await;
    let mut agent_conn = db.connect_as(&agent).await;
    let mut runner_conn = db.connect_as(&runner).await;
    let mut admin_b_conn = db.connect_as(&admin_b).await;

    let publish =
        "INSERT INTO zapdesk.webhook_secrets AS s (account_id, webhook_id, version, secret)
                   VALUES ($1, $2, $3, $4)
                   ON CONFLICT (account_id, webhook_id) DO UPDATE
                   SET version = EXCLUDED.version, secret = EXCLUDED.secret
                   WHERE s.version <= EXCLUDED.version";
    // An agent, and another account's admin, cannot publish it.
    for conn in [&mut agent_conn, &mut admin_b_conn] {
        let refused = sqlx::query(publish)
            .bind(a.account)
            .bind(hook)
            .bind(1_i64)
            .bind(SECRET)
            .execute(conn)
            .await
            .unwrap_err();
        assert_eq!(
            refused
                .as_database_error()
                .and_then(|d| d.code())
                .as_deref(),
            Some("42501"),
            "{refused}"
        );
    }
    // The account's admin can.
    sqlx::query(publish)
        .bind(a.account)
        .bind(hook)
        .bind(1_i64)
        .bind(SECRET)
        .execute(&mut admin_conn)
        .await
        .unwrap();
    let set_by: String = sqlx::query_scalar("SELECT set_by FROM zapdesk.webhook_secrets")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(set_by, admin);

    assert_eq!(
        secret_of(&mut admin_conn, hook).await,
        Some((1, SECRET.to_owned()))
    );
    // Agents see no row of the table and get nothing from the function…
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.webhook_secrets")
        .fetch_one(&mut agent_conn)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(secret_of(&mut agent_conn, hook).await, None);
    assert_eq!(secret_of(&mut runner_conn, hook).await, None);
    assert_eq!(secret_of(&mut admin_b_conn, hook).await, None);
    // … until one of them holds a live lease of a number of the account.
    let (shared,): (bool,) =
        sqlx::query_as("SELECT shared FROM zapdesk.take_lease($1, $2, 'noderunner', 60000)")
            .bind(a.account)
            .bind(a.instance)
            .fetch_one(&mut runner_conn)
            .await
            .unwrap();
    assert!(shared);
    assert_eq!(
        secret_of(&mut runner_conn, hook).await,
        Some((1, SECRET.to_owned()))
    );
    assert_eq!(
        secret_of(&mut agent_conn, hook).await,
        None,
        "not the lease's"
    );
    // An expired lease gives nothing.
    owner
        .execute("UPDATE zapdesk.number_leases SET expires_at = zapdesk.now_ms() - 1")
        .await
        .unwrap();
    assert_eq!(secret_of(&mut runner_conn, hook).await, None);

    // An older version never replaces a newer one.
    for (version, secret) in [(3_i64, "b".repeat(64)), (2, "c".repeat(64))] {
        sqlx::query(publish)
            .bind(a.account)
            .bind(hook)
            .bind(version)
            .bind(&secret)
            .execute(&mut admin_conn)
            .await
            .unwrap();
    }
    assert_eq!(
        secret_of(&mut admin_conn, hook).await,
        Some((3, "b".repeat(64)))
    );

    // A member's delete is a tombstone: the secret goes with it.
    admin_conn
        .execute(format!("DELETE FROM zapdesk.webhooks WHERE id = '{hook}'").as_str())
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.webhook_secrets")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(secret_of(&mut admin_conn, hook).await, None);
}
