//! What each role may do to accounts, memberships and operators, by direct
//! SQL as the operator's own login.

use crate::common::{operator, outcome, seed_account};
use sqlx::{Executor, PgConnection};
use zapdesk_sync::MemberRole;
use zapdesk_sync::testing::ScratchDatabase;

async fn run(conn: &mut PgConnection, sql: &str) -> Result<u64, sqlx::Error> {
    conn.execute(sql).await.map(|r| r.rows_affected())
}

async fn text(conn: &mut PgConnection, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn an_agent_cannot_change_plans_archive_or_delete_accounts_nor_manage_people() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let agent = operator(&db, a, MemberRole::Agent).await;
    let colleague = operator(&db, a, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;

    let plan = format!("UPDATE zapdesk.accounts SET plan = 'enterprise' WHERE id = '{a}'");
    assert_eq!(run(&mut conn, &plan).await.unwrap(), 0);
    let archive = format!("UPDATE zapdesk.accounts SET archived_at = 5 WHERE id = '{a}'");
    assert_eq!(run(&mut conn, &archive).await.unwrap(), 0);
    let tombstone = format!("UPDATE zapdesk.accounts SET deleted_at = 5 WHERE id = '{a}'");
    assert_eq!(outcome(&run(&mut conn, &tombstone).await), "42501");
    let delete = format!("DELETE FROM zapdesk.accounts WHERE id = '{a}'");
    assert_eq!(outcome(&run(&mut conn, &delete).await), "42501");
    let state = text(
        &mut owner,
        &format!(
            "SELECT plan || '/' || coalesce(archived_at::text, '-') || '/' || coalesce(deleted_at::text, '-')
             FROM zapdesk.accounts WHERE id = '{a}'"
        ),
    )
    .await;
    assert_eq!(state, "starter/-/-");

    // Memberships: the agent sees who is in the account, and changes none of it.
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.memberships")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(members, 2);
    let join = format!(
        "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ('{colleague}', '{a}', 'admin')
         ON CONFLICT DO NOTHING"
    );
    assert_eq!(outcome(&run(&mut conn, &join).await), "42501");
    let promote =
        format!("UPDATE zapdesk.memberships SET role = 'owner' WHERE operator = '{agent}'");
    assert_eq!(run(&mut conn, &promote).await.unwrap(), 0);
    let remove = format!("DELETE FROM zapdesk.memberships WHERE operator = '{colleague}'");
    assert_eq!(run(&mut conn, &remove).await.unwrap(), 0);

    // Operators: no new ones, no creating roles; only their own display name.
    let create = "INSERT INTO zapdesk.operators (role_name, email, display_name)
                  VALUES ('zd_intruso', 'intruso@x.com', 'Intruso')";
    assert_eq!(outcome(&run(&mut conn, create).await), "42501");
    let role = "CREATE ROLE zd_intruso_login LOGIN";
    assert_eq!(outcome(&run(&mut conn, role).await), "42501");
    let rename_other =
        format!("UPDATE zapdesk.operators SET display_name = 'X' WHERE role_name = '{colleague}'");
    assert_eq!(run(&mut conn, &rename_other).await.unwrap(), 0);
    let rename_self =
        format!("UPDATE zapdesk.operators SET display_name = 'Ana' WHERE role_name = '{agent}'");
    assert_eq!(run(&mut conn, &rename_self).await.unwrap(), 1);
    let email =
        format!("UPDATE zapdesk.operators SET email = 'x@y.com' WHERE role_name = '{agent}'");
    assert_eq!(outcome(&run(&mut conn, &email).await), "42501");
    // The group cannot be joined or used to reach the owner's tables.
    assert_eq!(
        outcome(&run(&mut conn, "SELECT * FROM zapdesk.config").await),
        "42501"
    );
    assert_eq!(
        outcome(&run(&mut conn, "SELECT * FROM zapdesk._sqlx_migrations").await),
        "42501"
    );
}

#[tokio::test]
async fn an_admin_manages_their_account_and_nothing_else() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let b = seed_account(&mut owner, "Clínica B").await.account;
    let admin = operator(&db, a, MemberRole::Admin).await;
    let newcomer = operator(&db, b, MemberRole::Agent).await;
    let b_owner = operator(&db, b, MemberRole::Owner).await;
    let mut conn = db.connect_as(&admin).await;

    // Another account's people are invisible to this admin, except once they share an account.
    let visible = |who: &str| {
        format!("SELECT count(*)::text FROM zapdesk.operators WHERE role_name = '{who}'")
    };
    assert_eq!(text(&mut conn, &visible(&newcomer)).await, "0");

    let add = |who: &str, account: uuid::Uuid, role: &str| {
        format!(
            "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ('{who}', '{account}', '{role}')"
        )
    };
    // An operator they cannot see cannot be added by them (it would reveal
    // the operator: remote 0007); the owner's invitation adds them.
    assert_eq!(
        outcome(&run(&mut conn, &add(&newcomer, a, "agent")).await),
        "42501"
    );
    assert_eq!(text(&mut conn, &visible(&newcomer)).await, "0");
    assert_eq!(
        run(&mut owner, &add(&newcomer, a, "agent")).await.unwrap(),
        1
    );
    assert_eq!(text(&mut conn, &visible(&newcomer)).await, "1");
    assert_eq!(text(&mut conn, &visible(&b_owner)).await, "0");
    // Not to an account they are not in, and not as an owner.
    assert_eq!(
        outcome(&run(&mut conn, &add(&admin, b, "agent")).await),
        "42501"
    );
    assert_eq!(
        outcome(&run(&mut conn, &add(&b_owner, a, "owner")).await),
        "42501"
    );
    let promote = format!(
        "UPDATE zapdesk.memberships SET role = 'owner' WHERE operator = '{newcomer}' AND account_id = '{a}'"
    );
    assert_eq!(outcome(&run(&mut conn, &promote).await), "42501");
    let promote_admin = format!(
        "UPDATE zapdesk.memberships SET role = 'admin' WHERE operator = '{newcomer}' AND account_id = '{a}'"
    );
    assert_eq!(run(&mut conn, &promote_admin).await.unwrap(), 1);
    let b_members = format!("DELETE FROM zapdesk.memberships WHERE account_id = '{b}'");
    assert_eq!(run(&mut conn, &b_members).await.unwrap(), 0);

    // The account itself: plan and archiving yes, deletion no.
    let plan =
        format!("UPDATE zapdesk.accounts SET plan = 'pro', archived_at = 7 WHERE id = '{a}'");
    assert_eq!(run(&mut conn, &plan).await.unwrap(), 1);
    let other = format!("UPDATE zapdesk.accounts SET plan = 'pro' WHERE id = '{b}'");
    assert_eq!(run(&mut conn, &other).await.unwrap(), 0);
    let tombstone = format!("UPDATE zapdesk.accounts SET deleted_at = 5 WHERE id = '{a}'");
    assert_eq!(outcome(&run(&mut conn, &tombstone).await), "42501");
    assert_eq!(
        text(
            &mut owner,
            "SELECT string_agg(plan, ',' ORDER BY name) FROM zapdesk.accounts"
        )
        .await,
        "starter,pro"
    );

    // Removing a membership takes effect at once.
    let mut newcomer_conn = db.connect_as(&newcomer).await;
    let seen = format!("SELECT count(*)::text FROM zapdesk.contacts WHERE account_id = '{a}'");
    assert_eq!(text(&mut newcomer_conn, &seen).await, "2");
    let remove = format!(
        "DELETE FROM zapdesk.memberships WHERE operator = '{newcomer}' AND account_id = '{a}'"
    );
    assert_eq!(run(&mut conn, &remove).await.unwrap(), 1);
    assert_eq!(text(&mut newcomer_conn, &seen).await, "0");
}

#[tokio::test]
async fn an_owner_manages_owners_and_admins() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let boss = operator(&db, a, MemberRole::Owner).await;
    let admin = operator(&db, a, MemberRole::Admin).await;
    let mut conn = db.connect_as(&boss).await;
    let promote =
        format!("UPDATE zapdesk.memberships SET role = 'owner' WHERE operator = '{admin}'");
    assert_eq!(run(&mut conn, &promote).await.unwrap(), 1);
    // An owner's membership is out of an admin's reach, not out of an owner's.
    let demote =
        format!("UPDATE zapdesk.memberships SET role = 'agent' WHERE operator = '{admin}'");
    assert_eq!(run(&mut conn, &demote).await.unwrap(), 1);
}

#[tokio::test]
async fn set_role_and_session_settings_do_not_widen_access() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await.account;
    let b = seed_account(&mut owner, "Clínica B").await.account;
    let agent = operator(&db, a, MemberRole::Agent).await;
    let b_owner = operator(&db, b, MemberRole::Owner).await;
    let mut conn = db.connect_as(&agent).await;
    // A setting the client chooses is no identity.
    let pretend = format!(
        "SELECT set_config('request.jwt.claims', '{{\"sub\":\"{b_owner}\"}}', false),
                set_config('zapdesk.account_id', '{b}', false)"
    );
    run(&mut conn, &pretend).await.unwrap();
    let seen_b = format!("SELECT count(*)::text FROM zapdesk.contacts WHERE account_id = '{b}'");
    assert_eq!(text(&mut conn, &seen_b).await, "0");
    // The login may take on its group, which has no memberships of its own.
    run(&mut conn, &format!("SET ROLE \"{}\"", db.group))
        .await
        .unwrap();
    assert_eq!(text(&mut conn, &seen_b).await, "0");
    let seen_a = format!("SELECT count(*)::text FROM zapdesk.contacts WHERE account_id = '{a}'");
    assert_eq!(text(&mut conn, &seen_a).await, "2");
    // Another operator's role is not theirs to take.
    let other = run(&mut conn, &format!("SET ROLE \"{b_owner}\"")).await;
    assert_eq!(outcome(&other), "42501");
}
