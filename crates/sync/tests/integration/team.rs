//! The team's edits and removals made in the app, on the agency's server as
//! the login at the desktop (issue 18): an owner changes and removes an
//! operator's memberships; an agent can give nobody, not even themselves, an
//! account (the row policies of 0002, not the desktop, refuse it); a test
//! connection names the login's e-mail (the desktop's operator).

use crate::common::{operator, outcome, seed_account};
use zapdesk_core::AccountId;
use zapdesk_sync::testing::ScratchDatabase;
use zapdesk_sync::{ConnectionSettings, MemberRole, Password, team, test_connection};

fn local(db: &ScratchDatabase, operator: &str) -> ConnectionSettings {
    ConnectionSettings::new("127.0.0.1", 5432, &db.name, operator)
}

fn id(uuid: uuid::Uuid) -> AccountId {
    AccountId::from_uuid(uuid)
}

async fn memberships(db: &ScratchDatabase, role_name: &str) -> Vec<(uuid::Uuid, String)> {
    let mut owner = db.connect_owner().await;
    sqlx::query_as(
        "SELECT account_id, role FROM zapdesk.memberships WHERE operator = $1 ORDER BY account_id",
    )
    .bind(role_name)
    .fetch_all(&mut owner)
    .await
    .unwrap()
}

async fn email(db: &ScratchDatabase, role_name: &str) -> String {
    let mut owner = db.connect_owner().await;
    sqlx::query_scalar("SELECT email FROM zapdesk.operators WHERE role_name = $1")
        .bind(role_name)
        .fetch_one(&mut owner)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_owner_edits_and_removes_memberships_and_an_agent_grants_nothing() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let b = seed_account(&mut owner, "Clínica B").await.account;
    let boss = operator(&db, a, MemberRole::Owner).await;
    sqlx::query(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, 'owner')",
    )
    .bind(&boss)
    .bind(b)
    .execute(&mut owner)
    .await
    .unwrap();
    let ana = operator(&db, a, MemberRole::Agent).await;
    let ana_email = email(&db, &ana).await;
    // Trust authentication on the test server: any password logs in.
    let password = Password::new("-");

    // The login's e-mail is who they are on their desktop.
    let status = test_connection(&local(&db, &ana), &password).await.unwrap();
    assert_eq!(status.email, ana_email);

    // An agent asking for more changes nothing: they manage no account.
    let applied = team::apply(
        &local(&db, &ana),
        &password,
        &ana_email,
        Some((MemberRole::Owner, &[id(a), id(b)])),
    )
    .await
    .unwrap();
    assert_eq!(applied.skipped, [id(a), id(b)]);
    assert_eq!(memberships(&db, &ana).await, [(a, "agent".to_owned())]);
    // Nor by hand: the server's policy refuses an agent's own grant.
    let mut as_ana = db.connect_as(&ana).await;
    let grant = sqlx::query(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, 'agent')",
    )
    .bind(&ana)
    .bind(b)
    .execute(&mut as_ana)
    .await;
    assert_eq!(outcome(&grant), "42501");
    let promote = sqlx::query("UPDATE zapdesk.memberships SET role = 'admin' WHERE operator = $1")
        .bind(&ana)
        .execute(&mut as_ana)
        .await
        .unwrap();
    assert_eq!(promote.rows_affected(), 0);

    // The owner makes her an admin of B only, then removes her.
    let applied = team::apply(
        &local(&db, &boss),
        &password,
        &ana_email,
        Some((MemberRole::Admin, &[id(b)])),
    )
    .await
    .unwrap();
    assert!(applied.skipped.is_empty() && !applied.unknown);
    assert_eq!(memberships(&db, &ana).await, [(b, "admin".to_owned())]);
    team::apply(&local(&db, &boss), &password, &ana_email, None)
        .await
        .unwrap();
    assert!(memberships(&db, &ana).await.is_empty());

    // Someone the login does not see is not on the server for it.
    let unknown = team::apply(&local(&db, &boss), &password, "ninguem@x.com", None)
        .await
        .unwrap();
    assert!(unknown.unknown);
}
