//! Each plan's limits, the agency's, on every desktop (issue 18, item 4),
//! through the real PostgreSQL: set on one desktop, enforced on another;
//! the later write wins; and the server's own rule, whoever connects: every
//! member reads them, only owners write them (postgres 0019, 0022).

use crate::common::desktop::{first_desktop, other_desktop};
use crate::common::{HLC, operator, outcome, seed_account};
use sqlx::Executor;
use zapdesk_core::accounts::Plan;
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::plans::{self, PlanLimits};
use zapdesk_sync::MemberRole;
use zapdesk_sync::plan_limits;
use zapdesk_sync::testing::ScratchDatabase;

fn starter_of(all: &[plans::PlanDefaults]) -> PlanLimits {
    all.iter().find(|d| d.plan == Plan::Starter).unwrap().limits
}

#[tokio::test]
async fn a_plans_limits_set_on_one_desktop_reach_the_other_and_the_later_write_wins() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;

    let first = PlanLimits {
        contacts: Some(2),
        messages: Some(1000),
        ..PlanLimits::default()
    };
    plans::set_defaults(&a.store, Plan::Starter, &first)
        .await
        .unwrap();
    assert_eq!(
        plan_limits::push(a.pool(), &mut a.connect().await)
            .await
            .unwrap(),
        1
    );
    // Pushed once: a second push sends nothing.
    assert_eq!(
        plan_limits::push(a.pool(), &mut a.connect().await)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        starter_of(&plans::defaults(&b.store).await.unwrap()),
        PlanLimits::default()
    );
    assert_eq!(
        plan_limits::pull(b.pool(), &mut b.connect().await)
            .await
            .unwrap(),
        1
    );
    assert_eq!(starter_of(&plans::defaults(&b.store).await.unwrap()), first);

    // Enforced there: the account (Starter) may hold 2 contacts.
    let acc = b.account_id();
    for phone in ["+5511987650001", "+5511987650002"] {
        zapdesk_core::contacts::create(
            &b.store,
            acc,
            &zapdesk_core::contacts::ContactInput {
                phone: phone.into(),
                name: None,
            },
        )
        .await
        .unwrap();
    }
    let refused = zapdesk_core::contacts::create(
        &b.store,
        acc,
        &zapdesk_core::contacts::ContactInput {
            phone: "+5511987650003".into(),
            name: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        zapdesk_core::UserError::code(&refused),
        zapdesk_core::ErrorCode::PlanLimitReached
    );

    // Pulling again changes nothing; a later write from A wins on B, and
    // B's pull of it does not come back to A as a change.
    assert_eq!(
        plan_limits::pull(b.pool(), &mut b.connect().await)
            .await
            .unwrap(),
        0
    );
    let second = PlanLimits {
        contacts: Some(5),
        ..first
    };
    plans::set_defaults(&a.store, Plan::Starter, &second)
        .await
        .unwrap();
    plan_limits::push(a.pool(), &mut a.connect().await)
        .await
        .unwrap();
    plan_limits::pull(b.pool(), &mut b.connect().await)
        .await
        .unwrap();
    assert_eq!(
        starter_of(&plans::defaults(&b.store).await.unwrap()),
        second
    );
    let unpushed: i64 = sqlx::query_scalar("SELECT count(*) FROM plan_limits WHERE unpushed = 1")
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(unpushed, 0, "a pulled row is not pushed back");

    // An older write (A's first clock) never overwrites the server's.
    let mut owner = db.connect_owner().await;
    let server: (Option<i64>, String) = sqlx::query_as(
        "SELECT contacts, hlc::text FROM zapdesk.plan_limits WHERE plan = 'starter'",
    )
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!(server.0, Some(5));
    sqlx::query(
        "UPDATE plan_limits SET contacts = 1, hlc = ?, unpushed = 1 WHERE plan = 'starter'",
    )
    .bind(HLC)
    .execute(a.pool())
    .await
    .unwrap();
    assert_eq!(
        plan_limits::push(a.pool(), &mut a.connect().await)
            .await
            .unwrap(),
        0
    );
    plan_limits::pull(a.pool(), &mut a.connect().await)
        .await
        .unwrap();
    assert_eq!(
        starter_of(&plans::defaults(&a.store).await.unwrap()),
        second
    );
}

/// Review of item 4 (postgres 0022): the rows are the agency's, so an admin
/// of an account — who may be an admin of that one client only — is refused
/// them; an owner of some account writes them, as the app's own check
/// (`plans::set_defaults`, owners only) with the login's strongest role.
#[tokio::test]
async fn members_read_the_plans_and_only_owners_write_them() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let a = seed_account(&mut owner, "Padaria A").await;
    let insert = format!(
        "INSERT INTO zapdesk.plan_limits (plan, contacts, updated_at, hlc) VALUES ('pro', 10, 1, '{HLC}')"
    );
    let update = "UPDATE zapdesk.plan_limits SET contacts = contacts + 1 WHERE plan = 'pro'";
    let count = "SELECT count(*) FROM zapdesk.plan_limits";

    let agent = operator(&db, a.account, MemberRole::Agent).await;
    let mut conn = db.connect_as(&agent).await;
    assert_eq!(
        outcome(&conn.execute(insert.as_str()).await),
        "42501",
        "agent inserts"
    );
    let admin = operator(&db, a.account, MemberRole::Admin).await;
    let mut admin = db.connect_as(&admin).await;
    assert_eq!(
        outcome(&admin.execute(insert.as_str()).await),
        "42501",
        "admin inserts"
    );
    let dona = operator(&db, a.account, MemberRole::Owner).await;
    let mut dona = db.connect_as(&dona).await;
    assert_eq!(
        outcome(&dona.execute(insert.as_str()).await),
        "ok",
        "owner inserts"
    );
    // The agent and the admin read it and cannot change it (no row passes
    // the policy); the owner can.
    let seen: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(seen, 1);
    assert_eq!(
        conn.execute(update).await.unwrap().rows_affected(),
        0,
        "agent updates"
    );
    assert_eq!(
        admin.execute(update).await.unwrap().rows_affected(),
        0,
        "admin updates"
    );
    assert_eq!(
        dona.execute(update).await.unwrap().rows_affected(),
        1,
        "owner updates"
    );
    let contacts: i64 =
        sqlx::query_scalar("SELECT contacts FROM zapdesk.plan_limits WHERE plan = 'pro'")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(contacts, 11);
    let delete = "DELETE FROM zapdesk.plan_limits";
    assert_eq!(
        outcome(&dona.execute(delete).await),
        "42501",
        "nobody deletes"
    );

    // A login that is a member of nothing sees nothing.
    let b = seed_account(&mut owner, "Clínica B").await;
    let outsider = operator(&db, b.account, MemberRole::Agent).await;
    owner
        .execute(format!("DELETE FROM zapdesk.memberships WHERE operator = '{outsider}'").as_str())
        .await
        .unwrap();
    let mut outsider = db.connect_as(&outsider).await;
    let seen: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut outsider)
        .await
        .unwrap();
    assert_eq!(seen, 0);
}

/// The engine carries them: A's session start pushes what was set there
/// before it connected, B's session start pulls it. The timeout only
/// guards against a hang.
#[tokio::test]
async fn the_engine_pushes_and_pulls_the_plans_at_each_session_start() {
    use std::time::Duration;
    use zapdesk_sync::{Engine, EngineConfig, SyncState};

    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    let limits = PlanLimits {
        numbers: Some(3),
        flows: Some(10),
        ..PlanLimits::default()
    };
    plans::set_defaults(&a.store, Plan::Pro, &limits)
        .await
        .unwrap();
    let guard = Duration::from_secs(30);
    let mut told = Vec::new();
    for d in [&a, &b] {
        let config = EngineConfig::new(d.remote.clone());
        let mut pulled = config.pulled.subscribe();
        let engine = Engine::start(&d.store, config);
        let mut status = engine.status();
        tokio::time::timeout(guard, status.wait_for(|s| s.state == SyncState::Synced))
            .await
            .unwrap()
            .unwrap();
        engine.stop().await;
        // What the engine told the app it pulled (the UI refetches on it).
        let mut changes = Vec::new();
        loop {
            match pulled.try_recv() {
                Ok(change) => changes.push(change),
                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => continue,
                Err(_) => break,
            }
        }
        told.push(changes);
    }
    let on_b = plans::defaults(&b.store).await.unwrap();
    let pro = on_b.iter().find(|d| d.plan == Plan::Pro).unwrap().limits;
    assert_eq!(pro, limits);
    // Review of item 4: B's pull of the plans is told as a change of
    // `plan_limits` for no account, so Settings → Planos refetches; A
    // pulled no plan row of anyone else's and is told nothing of them.
    let plan_change = Change {
        account: None,
        table: Table::PlanLimits,
    };
    assert!(told[1].contains(&plan_change), "{:?}", told[1]);
    assert!(!told[0].contains(&plan_change), "{:?}", told[0]);
}

/// Review of item 4: a plan row the server refuses is set aside, not
/// retried forever. B's server login is an agent (row-level security
/// refuses its write, 42501) while its local store lets it set limits; A's
/// row carries a clock far ahead of the server's (`hlc_ahead`). Each push
/// goes through without the row, marks it pushed, and the server keeps
/// what it had.
#[tokio::test]
async fn a_plan_row_the_server_refuses_is_set_aside() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    let limits = PlanLimits {
        contacts: Some(7),
        ..PlanLimits::default()
    };
    let unpushed = "SELECT count(*) FROM plan_limits WHERE unpushed = 1";

    plans::set_defaults(&b.store, Plan::Starter, &limits)
        .await
        .unwrap();
    let waiting: i64 = sqlx::query_scalar(unpushed)
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(waiting, 1);
    let mut conn = b.connect().await;
    assert_eq!(plan_limits::push(b.pool(), &mut conn).await.unwrap(), 0);
    let waiting: i64 = sqlx::query_scalar(unpushed)
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(waiting, 0, "set aside, not pushed again and again");
    // The same connection still works after the refusal.
    assert_eq!(plan_limits::pull(b.pool(), &mut conn).await.unwrap(), 0);

    plans::set_defaults(&a.store, Plan::Pro, &limits)
        .await
        .unwrap();
    sqlx::query("UPDATE plan_limits SET hlc = '9999999999999-00000-test' WHERE plan = 'pro'")
        .execute(a.pool())
        .await
        .unwrap();
    assert_eq!(
        plan_limits::push(a.pool(), &mut a.connect().await)
            .await
            .unwrap(),
        0
    );
    let waiting: i64 = sqlx::query_scalar(unpushed)
        .fetch_one(a.pool())
        .await
        .unwrap();
    assert_eq!(waiting, 0);
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.plan_limits")
        .fetch_one(&mut db.connect_owner().await)
        .await
        .unwrap();
    assert_eq!(on_server, 0);
}

/// Review of item 4: a refused plan row never stops a desktop's sync. B
/// (an agent's login) has a plan row the server refuses and A's account
/// data to pull: its engine reaches Synced with A's contact pulled.
#[tokio::test]
async fn a_refused_plan_row_does_not_stop_the_accounts_sync() {
    use std::time::Duration;
    use zapdesk_sync::{Engine, EngineConfig, SyncState};

    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    plans::set_defaults(
        &b.store,
        Plan::Starter,
        &PlanLimits {
            contacts: Some(7),
            ..PlanLimits::default()
        },
    )
    .await
    .unwrap();
    zapdesk_core::contacts::create(
        &a.store,
        a.account_id(),
        &zapdesk_core::contacts::ContactInput {
            phone: "+5511987650009".into(),
            name: Some("Nova".into()),
        },
    )
    .await
    .unwrap();
    a.push().await;

    let engine = Engine::start(&b.store, EngineConfig::new(b.remote.clone()));
    let mut status = engine.status();
    // The timeout only guards against a hang; an error state ends the wait.
    let ended = tokio::time::timeout(
        Duration::from_secs(30),
        status.wait_for(|s| matches!(s.state, SyncState::Synced | SyncState::Error { .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .state
    .clone();
    engine.stop().await;
    assert_eq!(ended, SyncState::Synced);
    let pulled: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts WHERE phone = ?")
        .bind("+5511987650009")
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(pulled, 1);
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM plan_limits WHERE unpushed = 1")
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(waiting, 0);
}

/// Review of item 4: a plan row the server refused is listed with the
/// parked rows (Settings → Sincronização), in the user's language and with
/// the reason, counted in the engine's parked count, and "Tentar de novo"
/// pushes it again — refused again while the login is no owner; with a
/// fresh clock when its own was ahead, and then the server takes it and the
/// list empties.
#[tokio::test]
async fn a_refused_plan_row_is_listed_with_the_parked_rows_and_tried_again() {
    use zapdesk_core::Lang;
    use zapdesk_sync::{parked, push};

    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.push().await;
    let b = other_desktop(&db, &a).await;
    b.pull().await;
    let limits = PlanLimits {
        contacts: Some(7),
        ..PlanLimits::default()
    };

    // B's login is an agent: refused by the server's policy.
    plans::set_defaults(&b.store, Plan::Starter, &limits)
        .await
        .unwrap();
    plan_limits::push(b.pool(), &mut b.connect().await)
        .await
        .unwrap();
    assert_eq!(push::parked(b.pool()).await.unwrap(), 1);
    let listed = parked::list(b.pool(), Lang::PtBr).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let row = &listed[0];
    assert_eq!(row.account_id, None);
    assert_eq!(
        (
            row.what.as_str(),
            row.label.as_str(),
            row.account_name.as_str()
        ),
        ("Limites do plano", "Inicial", "Todas as contas")
    );
    assert!(
        row.reason.starts_with("Só donos podem mudar"),
        "{}",
        row.reason
    );
    assert!(!row.detail.is_empty());
    let en = parked::list(b.pool(), Lang::En).await.unwrap();
    assert_eq!(
        (en[0].what.as_str(), en[0].label.as_str()),
        ("Plan limits", "Starter")
    );
    assert!(en[0].reason.starts_with("Only owners"), "{}", en[0].reason);

    // Tried again: waiting to be pushed, no longer listed; refused again.
    assert_eq!(parked::retry(b.pool()).await.unwrap(), 1);
    assert!(parked::list(b.pool(), Lang::PtBr).await.unwrap().is_empty());
    let unpushed = "SELECT count(*) FROM plan_limits WHERE unpushed = 1";
    let waiting: i64 = sqlx::query_scalar(unpushed)
        .fetch_one(b.pool())
        .await
        .unwrap();
    assert_eq!(waiting, 1);
    plan_limits::push(b.pool(), &mut b.connect().await)
        .await
        .unwrap();
    assert_eq!(parked::list(b.pool(), Lang::PtBr).await.unwrap().len(), 1);

    // A (an owner) with a clock far ahead: refused for the clock; tried
    // again with a fresh one, the server takes it and nothing is listed.
    plans::set_defaults(&a.store, Plan::Pro, &limits)
        .await
        .unwrap();
    sqlx::query("UPDATE plan_limits SET hlc = '9999999999999-00000-test' WHERE plan = 'pro'")
        .execute(a.pool())
        .await
        .unwrap();
    plan_limits::push(a.pool(), &mut a.connect().await)
        .await
        .unwrap();
    let listed = parked::list(a.pool(), Lang::PtBr).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].label, "Pro");
    assert!(listed[0].reason.contains("relógio"), "{}", listed[0].reason);
    assert_eq!(parked::retry(a.pool()).await.unwrap(), 1);
    assert_eq!(
        plan_limits::push(a.pool(), &mut a.connect().await)
            .await
            .unwrap(),
        1
    );
    assert!(parked::list(a.pool(), Lang::PtBr).await.unwrap().is_empty());
    assert_eq!(push::parked(a.pool()).await.unwrap(), 0);
    let on_server: Option<i64> =
        sqlx::query_scalar("SELECT contacts FROM zapdesk.plan_limits WHERE plan = 'pro'")
            .fetch_one(&mut db.connect_owner().await)
            .await
            .unwrap();
    assert_eq!(on_server, Some(7));

    // B pulls the server's Starter row? There is none: B's own stays,
    // refused, until an owner's row reaches it — then nothing is listed.
    plans::set_defaults(&a.store, Plan::Starter, &PlanLimits::default())
        .await
        .unwrap();
    plan_limits::push(a.pool(), &mut a.connect().await)
        .await
        .unwrap();
    plan_limits::pull(b.pool(), &mut b.connect().await)
        .await
        .unwrap();
    assert!(parked::list(b.pool(), Lang::PtBr).await.unwrap().is_empty());
}
