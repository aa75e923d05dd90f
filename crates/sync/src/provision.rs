//! Setting up the agency's database, as its owner (on Supabase, the `postgres`
//! user): the operator group role, then the schema through sqlx's migrator.
//! Running it again applies only what is new, so it also upgrades.
//!
//! sqlx's bookkeeping table (`_sqlx_migrations`) is created in the `zapdesk`
//! schema, not in `public`: Supabase exposes `public` through its REST API.

use serde::Serialize;
use sqlx::migrate::MigrateError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::connection::{open, owner_target, refuse_transaction_pooler};
use crate::error::{RemoteError, Target};
use crate::{MIGRATOR, is_role_name, latest_version};

/// The operator group's name unless the database already has another.
pub const DEFAULT_OPERATOR_GROUP: &str = "zapdesk_operator";

/// What provisioning did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisionReport {
    pub schema_version: i64,
    /// Versions applied by this run; empty when the schema was up to date.
    pub applied: Vec<i64>,
    pub operator_group: String,
}

/// Creates or upgrades the schema. `operator_group` names the NOLOGIN role
/// that operators' logins join; `None` keeps the database's, or takes
/// [`DEFAULT_OPERATOR_GROUP`] for a new one.
pub async fn provision(
    owner: &PgConnectOptions,
    operator_group: Option<&str>,
) -> Result<ProvisionReport, RemoteError> {
    refuse_transaction_pooler(owner.get_port())?;
    let target = owner_target(owner);
    let mut conn = open(owner, &target).await?;
    let report = run(&mut conn, &target, operator_group).await;
    let _ = conn.close().await;
    report
}

async fn run(
    conn: &mut PgConnection,
    target: &Target,
    asked: Option<&str>,
) -> Result<ProvisionReport, RemoteError> {
    let db = |e| RemoteError::from_sqlx(e, target);
    let provisioned: bool = sqlx::query_scalar("SELECT to_regclass('zapdesk.config') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let existing: Option<String> = if provisioned {
        sqlx::query_scalar("SELECT value FROM zapdesk.config WHERE key = 'operator_group'")
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?
    } else {
        None
    };
    let group = match (existing, asked) {
        (Some(existing), Some(asked)) if existing != asked => {
            return Err(RemoteError::GroupMismatch {
                existing,
                asked: asked.to_owned(),
            });
        }
        (Some(existing), _) => existing,
        (None, asked) => asked.unwrap_or(DEFAULT_OPERATOR_GROUP).to_owned(),
    };
    if !is_role_name(&group) {
        return Err(RemoteError::RoleNameInvalid(group));
    }
    ensure_group(conn, target, &group).await?;

    let before = applied(conn, target).await?;
    if let Some(&found) = before.iter().max()
        && found > latest_version()
    {
        return Err(RemoteError::SchemaTooNew {
            found,
            supported: latest_version(),
        });
    }
    sqlx::query("CREATE SCHEMA IF NOT EXISTS zapdesk")
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    // For this session only: the migrations read the group from the setting,
    // and sqlx's unqualified `_sqlx_migrations` lands in our schema.
    sqlx::query(
        "SELECT set_config('zapdesk.operator_group', $1, false),
                set_config('search_path', 'zapdesk', false)",
    )
    .bind(&group)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    MIGRATOR.run(&mut *conn).await.map_err(|e| match e {
        MigrateError::Execute(e) => RemoteError::from_sqlx(e, target),
        MigrateError::VersionMissing(found) => RemoteError::SchemaTooNew {
            found,
            supported: latest_version(),
        },
        other => RemoteError::Database(sqlx::Error::Migrate(Box::new(other))),
    })?;
    let after = applied(conn, target).await?;
    Ok(ProvisionReport {
        schema_version: after.iter().copied().max().unwrap_or(0),
        applied: after.into_iter().filter(|v| !before.contains(v)).collect(),
        operator_group: group,
    })
}

/// Creates the NOLOGIN group if no role has its name; refuses a LOGIN role of
/// that name (making it the group would hand its holder every operator's rights).
async fn ensure_group(
    conn: &mut PgConnection,
    target: &Target,
    group: &str,
) -> Result<(), RemoteError> {
    let can_login: Option<bool> =
        sqlx::query_scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1")
            .bind(group)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| RemoteError::from_sqlx(e, target))?;
    match can_login {
        Some(true) => Err(RemoteError::GroupUnusable(group.to_owned())),
        Some(false) => Ok(()),
        None => {
            // Validated by is_role_name: double quotes are all the quoting it needs.
            let created = sqlx::query(&format!("CREATE ROLE \"{group}\" NOLOGIN"))
                .execute(&mut *conn)
                .await;
            match created {
                Ok(_) => Ok(()),
                // Another provisioning created it in between: fine.
                Err(e)
                    if e.as_database_error()
                        .and_then(|d| d.code())
                        .is_some_and(|c| c == "42710" || c == "23505") =>
                {
                    Ok(())
                }
                Err(e) => Err(RemoteError::from_sqlx(e, target)),
            }
        }
    }
}

/// Versions sqlx recorded as applied; empty before the first run.
async fn applied(conn: &mut PgConnection, target: &Target) -> Result<Vec<i64>, RemoteError> {
    let exists: bool =
        sqlx::query_scalar("SELECT to_regclass('zapdesk._sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| RemoteError::from_sqlx(e, target))?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(
        "SELECT version FROM zapdesk._sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| RemoteError::from_sqlx(e, target))
}
