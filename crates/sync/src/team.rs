//! The team's edits and removals made in the app, carried to the agency's
//! database as the operator logged in at this desktop. The server's row
//! policies decide (`zapdesk.may_manage`, migrations/postgres/0002_access.sql):
//! owners manage every membership of their accounts, admins those of admins
//! and agents, agents none, so a desktop cannot give itself or anyone more
//! than its login may. Accounts the login does not manage are left alone and
//! reported. One transaction.
//!
//! Removing takes away the operator's memberships (what they may see); their
//! login stays until the database owner drops it, as only the owner creates
//! and drops logins.

use std::collections::HashSet;

use sqlx::{Connection, PgConnection};
use zapdesk_core::AccountId;

use crate::connection::{ConnectionSettings, check_schema_version, open};
use crate::error::{RemoteError, Target};
use crate::membership::MemberRole;
use crate::secret::Password;

/// What the server did with a team change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// The operator is not on the server (or not a colleague of the login).
    pub unknown: bool,
    /// Accounts asked for that the login does not manage there.
    pub skipped: Vec<AccountId>,
}

/// Gives the operator with `email` this role in these accounts and takes
/// them out of the login's other managed accounts; `None` removes them from
/// every account the login manages.
pub async fn apply(
    settings: &ConnectionSettings,
    password: &Password,
    email: &str,
    change: Option<(MemberRole, &[AccountId])>,
) -> Result<Applied, RemoteError> {
    let target = settings.target();
    let mut conn = open(&settings.connect_options(password)?, &target).await?;
    let result = run(&mut conn, &target, &email.trim().to_lowercase(), change).await;
    let _ = conn.close().await;
    result
}

async fn run(
    conn: &mut PgConnection,
    target: &Target,
    email: &str,
    change: Option<(MemberRole, &[AccountId])>,
) -> Result<Applied, RemoteError> {
    let db = |e| RemoteError::from_sqlx(e, target);
    check_schema_version(conn, target).await?;
    let mut tx = conn.begin().await.map_err(db)?;
    let operator: Option<String> =
        sqlx::query_scalar("SELECT role_name FROM zapdesk.operators WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let Some(operator) = operator else {
        return Ok(Applied {
            unknown: true,
            skipped: Vec::new(),
        });
    };
    let managed: HashSet<AccountId> = sqlx::query_scalar(
        "SELECT account_id FROM zapdesk.memberships
         WHERE operator = session_user AND role IN ('owner', 'admin')",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?
    .into_iter()
    .collect();
    let (role, wanted) = match change {
        Some((role, accounts)) => (Some(role), accounts),
        None => (None, &[][..]),
    };
    let mut applied = Applied::default();
    // Grants before removals: the server lets a manager add only an operator
    // they share an account with, which the removals could end.
    if let Some(role) = role {
        for account in wanted {
            if !managed.contains(account) {
                applied.skipped.push(*account);
                continue;
            }
            sqlx::query(
                "INSERT INTO zapdesk.memberships (operator, account_id, role) VALUES ($1, $2, $3)
                 ON CONFLICT (operator, account_id) DO UPDATE SET role = EXCLUDED.role",
            )
            .bind(&operator)
            .bind(account.as_uuid())
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
    }
    for account in &managed {
        if wanted.contains(account) {
            continue;
        }
        sqlx::query("DELETE FROM zapdesk.memberships WHERE operator = $1 AND account_id = $2")
            .bind(&operator)
            .bind(account.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    Ok(applied)
}
