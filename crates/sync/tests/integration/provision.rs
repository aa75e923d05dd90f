//! Provisioning: the schema applied by sqlx's migrator as the owner, again
//! without effect, with row-level security on every table.

use sqlx::Executor;
use zapdesk_core::{ErrorCode, UserError};
use zapdesk_sync::RemoteError;
use zapdesk_sync::provision::provision;
use zapdesk_sync::testing::{ScratchDatabase, suffix};

#[tokio::test]
async fn provisioning_twice_applies_nothing_the_second_time() {
    let (db, first) = ScratchDatabase::provisioned().await;
    let latest = zapdesk_sync::latest_version();
    assert_eq!(first.schema_version, latest);
    assert_eq!(first.applied, (1..=latest).collect::<Vec<_>>());
    assert_eq!(first.operator_group, db.group);

    let mut owner = db.connect_owner().await;
    let snapshot = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'zapdesk'";
    let objects: i64 = sqlx::query_scalar(snapshot)
        .fetch_one(&mut owner)
        .await
        .unwrap();

    // Again, naming the group or not: nothing to apply, nothing changed.
    let again = provision(&db.owner(), Some(&db.group)).await.unwrap();
    assert_eq!(again.applied, Vec::<i64>::new());
    assert_eq!(again.schema_version, latest);
    let implicit = provision(&db.owner(), None).await.unwrap();
    assert_eq!(implicit.operator_group, db.group);
    assert!(implicit.applied.is_empty());
    let after: i64 = sqlx::query_scalar(snapshot)
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(after, objects);
}

#[tokio::test]
async fn every_table_has_row_level_security_and_sqlx_bookkeeping_stays_private() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let mut owner = db.connect_owner().await;
    let without: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'zapdesk' AND c.relkind = 'r' AND NOT c.relrowsecurity
         ORDER BY 1",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert_eq!(without, vec!["_sqlx_migrations".to_owned()]);
    let group_reads: bool =
        sqlx::query_scalar("SELECT has_table_privilege($1, 'zapdesk._sqlx_migrations', 'SELECT')")
            .bind(&db.group)
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(!group_reads);
    // Nothing in public: Supabase's REST API would expose it.
    let in_public: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(in_public, 0);
    // The group cannot log in; SECURITY DEFINER helpers pin their search_path.
    let can_login: bool = sqlx::query_scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1")
        .bind(&db.group)
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert!(!can_login);
    let unpinned: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'zapdesk' AND p.prosecdef
           AND NOT coalesce(p.proconfig, '{}') @> ARRAY['search_path=pg_catalog, pg_temp']",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(unpinned.is_empty(), "{unpinned:?}");
    let public_exec: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'zapdesk' AND has_function_privilege('public', p.oid, 'EXECUTE')",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(public_exec.is_empty(), "{public_exec:?}");
}

#[tokio::test]
async fn another_group_or_a_login_role_as_group_is_refused() {
    let (db, _) = ScratchDatabase::provisioned().await;
    let other = format!("zapdesk_op_t_{}", suffix());
    let err = provision(&db.owner(), Some(&other)).await.unwrap_err();
    assert!(matches!(err, RemoteError::GroupMismatch { .. }), "{err:?}");
    assert_eq!(err.code(), ErrorCode::RemoteInvalid);

    let fresh = ScratchDatabase::create().await;
    let login = format!("zd_login_{}", suffix());
    fresh.track_role(&login);
    let mut owner = fresh.connect_owner().await;
    owner
        .execute(format!("CREATE ROLE \"{login}\" LOGIN").as_str())
        .await
        .unwrap();
    let err = provision(&fresh.owner(), Some(&login)).await.unwrap_err();
    assert!(matches!(err, RemoteError::GroupUnusable(_)), "{err:?}");
    let err = provision(&fresh.owner(), Some("Not A Role"))
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::RoleNameInvalid(_)), "{err:?}");
    // Nothing was created by the refusals.
    let schema: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'zapdesk')")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(!schema);
}

#[tokio::test]
async fn the_schema_refuses_to_apply_without_its_group_setting() {
    // Someone running the files by hand (psql, sqlx-cli) gets told how to do it.
    let db = ScratchDatabase::create().await;
    let mut owner = db.connect_owner().await;
    let sql = zapdesk_sync::MIGRATOR
        .iter()
        .next()
        .unwrap()
        .sql
        .to_string();
    let err = owner.execute(sql.as_str()).await.unwrap_err();
    assert!(err.to_string().contains("zapdesk.operator_group"), "{err}");
}
