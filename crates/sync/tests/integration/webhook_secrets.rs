//! The webhooks' secrets on the server (remote 0020), as the operators'
//! own logins: owners and admins publish and read them; an agent reads the
//! table never, and gets a secret from `zapdesk.webhook_secret` only while
//! holding a live lease of one of the account's numbers; a webhook's
//! tombstone takes its secret along.

use std::time::Duration;

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use crate::common::{HLC, operator, seed_account};
use sqlx::{Executor, PgConnection};
use uuid::Uuid;
use zapdesk_core::ids::WebhookId;
use zapdesk_core::webhooks::{self, EventType, WebhookFormat, WebhookInput, secret_versions};
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::webhook_secrets::RemoteSecrets;

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
                   WHERE s.version < EXCLUDED.version";
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
    // A lease of a made-up number (take_lease lets any member lease any
    // id) opens nothing.
    let (made_up,): (bool,) = sqlx::query_as(
        "SELECT shared FROM zapdesk.take_lease($1, gen_random_uuid(), 'nodeagent', 600000)",
    )
    .bind(a.account)
    .fetch_one(&mut agent_conn)
    .await
    .unwrap();
    assert!(made_up, "the made-up lease was taken");
    assert_eq!(
        secret_of(&mut agent_conn, hook).await,
        None,
        "a lease of a number the account does not have"
    );
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

fn hook_input(url: &str) -> WebhookInput {
    WebhookInput {
        url: url.to_owned(),
        events: vec![EventType::MessageReceived],
        format: WebhookFormat::Zapdesk,
    }
}

/// (url, secret_version) of a desktop's row.
async fn local_hook(d: &Desktop, hook: WebhookId) -> (String, i64) {
    sqlx::query_as("SELECT url, secret_version FROM webhooks WHERE account_id = ? AND id = ?")
        .bind(d.account_id())
        .bind(hook)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

async fn row_clock(d: &Desktop, hook: WebhookId) -> String {
    sqlx::query_scalar("SELECT hlc FROM webhooks WHERE id = ?")
        .bind(hook)
        .fetch_one(d.pool())
        .await
        .unwrap()
}

/// Moves a desktop's clock just past `after`: its next write is later than
/// the write `after` stamped (as when its wall clock reads a little ahead).
async fn clock_past(d: &Desktop, after: &str) {
    let ms: i64 = after[..13].parse().unwrap();
    sqlx::query("UPDATE sync_clock SET ms = ?1 + 1, counter = 0 WHERE id = 1 AND ms <= ?1")
        .bind(ms)
        .execute(d.pool())
        .await
        .unwrap();
}

/// A rotation is never lost to a later edit of the row made on a desktop
/// that had not seen it: `secret_version` merges by its own clock, on the
/// desktops and on the server; the server keeps the first secret published
/// under a version; a rotation counts from the version this desktop keeps
/// too.
#[tokio::test]
async fn a_rotation_survives_a_later_edit_on_another_desktop() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let hook = webhooks::create(
        &a.store,
        a.account_id(),
        &hook_input("https://example.com/a"),
    )
    .await
    .unwrap()
    .id;
    a.sync().await;
    b.sync().await;
    assert_eq!(
        local_hook(&b, hook).await,
        ("https://example.com/a".to_owned(), 1)
    );
    let mut server_a = RemoteSecrets::connect(&a.remote, Duration::from_secs(15))
        .await
        .unwrap();
    server_a
        .publish(a.account_id(), hook, 1, &"a".repeat(64))
        .await
        .unwrap();

    // A rotates and publishes; B, offline, edits the URL with a later clock.
    let version = secret_versions::rotated(&a.store, a.account_id(), hook)
        .await
        .unwrap();
    assert_eq!(version, 2);
    a.push().await;
    server_a
        .publish(a.account_id(), hook, 2, &"b".repeat(64))
        .await
        .unwrap();
    clock_past(&b, &row_clock(&a, hook).await).await;
    webhooks::update(
        &b.store,
        b.account_id(),
        hook,
        &hook_input("https://example.com/b"),
    )
    .await
    .unwrap();
    assert!(row_clock(&b, hook).await > row_clock(&a, hook).await);

    // B comes back: pushes its edit, pulls. A pulls.
    b.sync().await;
    a.sync().await;
    b.pull().await;

    let expected = ("https://example.com/b".to_owned(), 2);
    let on_server: (String, i64) =
        sqlx::query_as("SELECT url, secret_version FROM zapdesk.webhooks WHERE id = $1")
            .bind(hook.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(
        [
            local_hook(&a, hook).await,
            local_hook(&b, hook).await,
            on_server
        ],
        [expected.clone(), expected.clone(), expected],
        "[A, B, server]: B's URL and A's rotation"
    );
    // B waits for version 2; the server's copy is A's version 2 secret
    // (what B fetches once it runs a number of the account).
    assert!(
        !secret_versions::ready(&b.store, b.account_id(), hook)
            .await
            .unwrap()
    );
    assert_eq!(
        secret_of(&mut owner_login(&db, &a).await, hook.as_uuid()).await,
        Some((2, "b".repeat(64)))
    );

    // A version already on the server keeps its first secret: a second
    // secret published under it (a rotation that reused the number) does
    // not replace the one other desktops may have fetched.
    server_a
        .publish(a.account_id(), hook, 2, &"c".repeat(64))
        .await
        .unwrap();
    assert_eq!(
        secret_of(&mut owner_login(&db, &a).await, hook.as_uuid()).await,
        Some((2, "b".repeat(64)))
    );
    server_a.close().await;

    // A rotation counts from the version this desktop keeps too (fetched
    // before the rotation's row arrived): never a number used before.
    secret_versions::fetched(&b.store, b.account_id(), hook, 5)
        .await
        .unwrap();
    assert_eq!(
        secret_versions::rotated(&b.store, b.account_id(), hook)
            .await
            .unwrap(),
        6
    );
}

/// The first desktop's own login (an owner of the account).
async fn owner_login(db: &ScratchDatabase, a: &Desktop) -> PgConnection {
    db.connect_as(&a.role).await
}
