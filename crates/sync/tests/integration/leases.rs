//! Number leases on the real server: one desktop at a time runs a number; a
//! lease is taken over after its expiry and not before (by the server's
//! clock); a released lease is free at once; an account that is not shared
//! with the operator needs none; operators cannot write leases by hand.

use std::time::Duration;

use crate::common::desktop::{Desktop, first_desktop, other_desktop};
use sqlx::{Executor, PgConnection};
use zapdesk_core::lease::{LeaseAnswer, LeaseGate};
use zapdesk_core::{AccountId, InstanceId, Lang};
use zapdesk_sync::leases::RemoteLeases;
use zapdesk_sync::testing::ScratchDatabase;

async fn leases(d: &Desktop, ttl: Duration) -> RemoteLeases {
    RemoteLeases::new(&d.store, d.remote.clone(), ttl, Lang::PtBr)
        .await
        .unwrap()
}

async fn name_operator(owner: &mut PgConnection, role: &str, name: &str) {
    sqlx::query("UPDATE zapdesk.operators SET display_name = $1 WHERE role_name = $2")
        .bind(name)
        .bind(role)
        .execute(owner)
        .await
        .unwrap();
}

/// Moves a lease's expiry to `offset_ms` from the server's now, as the
/// passing of time would (the lease's own duration is a minute).
async fn expire_in(owner: &mut PgConnection, instance: InstanceId, offset_ms: i64) {
    sqlx::query(
        "UPDATE zapdesk.number_leases SET expires_at = zapdesk.now_ms() + $1 WHERE instance_id = $2",
    )
    .bind(offset_ms)
    .bind(instance.as_uuid())
    .execute(owner)
    .await
    .unwrap();
}

fn elsewhere(answer: &LeaseAnswer) -> Option<&str> {
    match answer {
        LeaseAnswer::Elsewhere { holder_name, .. } => Some(holder_name),
        _ => None,
    }
}

#[tokio::test]
async fn a_lease_is_taken_over_after_its_expiry_and_not_before() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let mut owner = db.connect_owner().await;
    name_operator(&mut owner, &a.role, "Ana").await;
    name_operator(&mut owner, &b.role, "Bruno").await;
    let ttl = Duration::from_secs(60);
    let (la, lb) = (leases(&a, ttl).await, leases(&b, ttl).await);
    assert_ne!(la.node(), lb.node(), "two data folders, two nodes");
    let number = InstanceId::new();
    let acc = a.account_id();

    let first = LeaseGate::take(&la, acc, number).await.unwrap();
    let LeaseAnswer::Held { left } = first else {
        panic!("A takes a free lease: {first:?}");
    };
    assert!(left > Duration::from_secs(50) && left <= ttl, "{left:?}");
    let refused = LeaseGate::take(&lb, acc, number).await.unwrap();
    assert_eq!(elsewhere(&refused), Some("Ana"), "{refused:?}");

    // One second before expiry: still A's; A renews it for a full minute.
    expire_in(&mut owner, number, 1_000).await;
    let refused = LeaseGate::take(&lb, acc, number).await.unwrap();
    assert_eq!(elsewhere(&refused), Some("Ana"), "not before expiry");
    let renewed = LeaseGate::take(&la, acc, number).await.unwrap();
    assert!(
        matches!(renewed, LeaseAnswer::Held { left } if left > Duration::from_secs(50)),
        "{renewed:?}"
    );

    // A went silent and the minute passed: B takes it over, A has lost it.
    expire_in(&mut owner, number, -1).await;
    let taken = LeaseGate::take(&lb, acc, number).await.unwrap();
    assert!(matches!(taken, LeaseAnswer::Held { .. }), "{taken:?}");
    let lost = LeaseGate::take(&la, acc, number).await.unwrap();
    assert_eq!(elsewhere(&lost), Some("Bruno"), "{lost:?}");

    // Both desktops see who runs it.
    let seen_by_a = LeaseGate::holders(&la, acc).await;
    assert_eq!(seen_by_a.len(), 1);
    assert_eq!(seen_by_a[0].instance, number);
    assert_eq!(seen_by_a[0].holder_name, "Bruno");
    assert!(!seen_by_a[0].mine);
    assert!(LeaseGate::holders(&lb, acc).await[0].mine);

    // Releasing frees it at once; releasing someone else's does nothing.
    LeaseGate::release(&la, acc, number).await;
    assert!(matches!(
        LeaseGate::take(&la, acc, number).await.unwrap(),
        LeaseAnswer::Elsewhere { .. }
    ));
    LeaseGate::release(&lb, acc, number).await;
    assert!(matches!(
        LeaseGate::take(&la, acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
}

/// Real time, no hand-moved clock: a one-second lease that A stops renewing.
/// Every refusal B gets comes before the lease's expiry, and the take-over
/// happens after it, both by the server's clock.
#[tokio::test]
async fn a_lease_left_alone_expires_by_the_servers_clock() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let mut owner = db.connect_owner().await;
    let short = Duration::from_secs(1);
    let (la, lb) = (leases(&a, short).await, leases(&b, short).await);
    let number = InstanceId::new();
    let acc = a.account_id();
    assert!(matches!(
        LeaseGate::take(&la, acc, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let expires_at: i64 =
        sqlx::query_scalar("SELECT expires_at FROM zapdesk.number_leases WHERE instance_id = $1")
            .bind(number.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    let mut refusals = 0;
    let taken_at = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let answer = LeaseGate::take(&lb, acc, number).await.unwrap();
            let now: i64 = sqlx::query_scalar("SELECT zapdesk.now_ms()")
                .fetch_one(&mut owner)
                .await
                .unwrap();
            match answer {
                LeaseAnswer::Held { .. } => return now,
                LeaseAnswer::Elsewhere { left, .. } => {
                    refusals += 1;
                    assert!(left <= short, "{left:?}");
                    // Polling the clock under test, not waiting for another task.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("B never took the expired lease");
    assert!(refusals > 0, "B asked while A's lease was live");
    let acquired_at: i64 =
        sqlx::query_scalar("SELECT acquired_at FROM zapdesk.number_leases WHERE instance_id = $1")
            .bind(number.as_uuid())
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(
        acquired_at > expires_at,
        "taken at {acquired_at}, A's lease ran to {expires_at}"
    );
    assert!(taken_at >= acquired_at);
}

#[tokio::test]
async fn accounts_not_shared_need_no_lease_and_leases_cannot_be_written_by_hand() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    let b = other_desktop(&db, &a).await;
    let other_agency = first_desktop(&db).await;
    let ttl = Duration::from_secs(60);
    let lb = leases(&b, ttl).await;

    // B is not a member of the other account: nothing to coordinate, nothing written.
    let not_mine: AccountId = other_agency.account_id();
    let number = InstanceId::new();
    assert_eq!(
        LeaseGate::take(&lb, not_mine, number).await.unwrap(),
        LeaseAnswer::NotShared
    );
    let mut owner = db.connect_owner().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.number_leases")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(rows, 0);

    // The other account's holder is invisible to B.
    let lo = leases(&other_agency, ttl).await;
    assert!(matches!(
        LeaseGate::take(&lo, not_mine, number).await.unwrap(),
        LeaseAnswer::Held { .. }
    ));
    let mut conn = b.connect().await;
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.number_leases")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(seen, 0, "B sees another account's lease");
    assert!(LeaseGate::holders(&lb, not_mine).await.is_empty());

    // Direct writes, even on B's own account, are refused: only the functions decide.
    for sql in [
        format!(
            "INSERT INTO zapdesk.number_leases VALUES ('{}', '{}', 'abc', 'x', 'x', 0, 9999999999999)",
            InstanceId::new(),
            a.account
        ),
        format!("UPDATE zapdesk.number_leases SET holder = 'abc' WHERE instance_id = '{number}'"),
        format!("DELETE FROM zapdesk.number_leases WHERE instance_id = '{number}'"),
    ] {
        let err = conn.execute(sql.as_str()).await.unwrap_err();
        let code = err.as_database_error().and_then(|d| d.code()).unwrap();
        assert_eq!(code, "42501", "{sql}");
    }
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM zapdesk.number_leases")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(still, 1);
}

/// With the server unreachable, a desktop still runs the numbers of accounts
/// it never shared, and refuses (it cannot know) for the shared ones.
#[tokio::test]
async fn offline_only_shared_accounts_wait_for_the_server() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let alone = zapdesk_core::accounts::create(
        &a.store,
        &zapdesk_core::accounts::AccountInput {
            name: "Só neste computador".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Nothing listens on port 1.
    let nowhere = a.remote.clone().port(1);
    let offline = RemoteLeases::new(&a.store, nowhere, Duration::from_secs(60), Lang::PtBr)
        .await
        .unwrap();
    assert_eq!(
        LeaseGate::take(&offline, alone.id, InstanceId::new())
            .await
            .unwrap(),
        LeaseAnswer::NotShared
    );
    let unknown = LeaseGate::take(&offline, a.account_id(), InstanceId::new())
        .await
        .unwrap_err();
    assert!(!unknown.0.is_empty());
}

/// A lease question that does not come back (a link that went dead after
/// the query left, where TCP can wait minutes; here, a lock held on the
/// server) ends within a quarter of the lease: "unknown" for a shared
/// account, so the fleet can stop the number before its lease runs out.
#[tokio::test]
async fn a_lease_question_that_never_comes_back_ends_well_before_the_lease() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let a = first_desktop(&db).await;
    a.sync().await;
    let leases = leases(&a, Duration::from_secs(4)).await;
    assert_eq!(leases.ask_within(), Duration::from_secs(1));
    let (acc, number) = (a.account_id(), InstanceId::new());
    let held = LeaseGate::take(&leases, acc, number).await.unwrap();
    assert!(matches!(held, LeaseAnswer::Held { .. }), "{held:?}");

    let mut owner = db.connect_owner().await;
    owner.execute("BEGIN").await.unwrap();
    owner
        .execute("LOCK TABLE zapdesk.number_leases IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    // The bound of a failing test only; the answer comes after a second.
    let bound = Duration::from_secs(60);
    let unknown = tokio::time::timeout(bound, LeaseGate::take(&leases, acc, number))
        .await
        .expect("a renewal that never comes back hangs")
        .unwrap_err();
    assert!(unknown.0.contains("não respondeu"), "{unknown:?}");
    tokio::time::timeout(bound, LeaseGate::release(&leases, acc, number))
        .await
        .expect("a release that never comes back hangs");
    let holders = tokio::time::timeout(bound, LeaseGate::holders(&leases, acc))
        .await
        .expect("a look at the holders that never comes back hangs");
    assert!(holders.is_empty());
    owner.execute("ROLLBACK").await.unwrap();
}
