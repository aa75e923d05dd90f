//! Each plan's limits, the agency's (Settings → Planos): one row per plan
//! in `plan_limits`, whatever the account. NULL is "no limit"; every plan
//! starts without limits (migrations/sqlite/0028_plans.sql). With sync on,
//! the rows reach every desktop of the agency (crates/sync/src/plan_limits.rs).

use sqlx::SqliteConnection;

use super::{PlanDefaults, PlanError, PlanLimits};
use crate::Store;
use crate::access::{self, Area};
use crate::accounts::Plan;
use crate::time::now_ms;

type Row = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn limits((numbers, contacts, messages, operators, flows): Row) -> PlanLimits {
    let n = |v: Option<i64>| v.map(|v| u32::try_from(v.max(0)).unwrap_or(u32::MAX));
    PlanLimits {
        numbers: n(numbers),
        contacts: n(contacts),
        messages: n(messages),
        operators: n(operators),
        flows: n(flows),
    }
}

/// One plan's limits; a plan without its row has none.
pub(super) async fn of(conn: &mut SqliteConnection, plan: Plan) -> Result<PlanLimits, PlanError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT numbers, contacts, messages_month, operators, flows FROM plan_limits WHERE plan = ?",
    )
    .bind(plan)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(limits).unwrap_or_default())
}

/// Every plan's limits, in the plans' order (free, starter, pro, enterprise).
pub async fn defaults(store: &Store) -> Result<Vec<PlanDefaults>, PlanError> {
    let mut conn = store.pool().acquire().await?;
    let mut out = Vec::new();
    for plan in [Plan::Free, Plan::Starter, Plan::Pro, Plan::Enterprise] {
        out.push(PlanDefaults {
            plan,
            limits: of(&mut conn, plan).await?,
        });
    }
    Ok(out)
}

/// Replaces one plan's limits. Owners only (and a desktop without a team):
/// they are every account's, and on the agency's server an admin may be an
/// admin of one client's account only, so the server admits owners only
/// (postgres 0022); admins and agents are refused here too, not only in
/// the UI, so a desktop never keeps limits the server will not take.
pub async fn set_defaults(
    store: &Store,
    plan: Plan,
    limits: &PlanLimits,
) -> Result<PlanLimits, PlanError> {
    access::require_owner(store, Area::Plans).await?;
    let mut tx = store.write().await?;
    // The row's clock, ticked as the sync triggers tick it: the sync engine
    // sends the row to the agency's server when `unpushed`, and a later
    // clock wins there and on every desktop (migrations/sqlite/0035).
    sqlx::query(crate::store::CLOCK_TICK)
        .execute(&mut *tx)
        .await?;
    let hlc: String = sqlx::query_scalar("SELECT hlc FROM sync_clock")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO plan_limits (plan, numbers, contacts, messages_month, operators, flows, updated_at,
                                  hlc, unpushed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (plan) DO UPDATE SET numbers = excluded.numbers, contacts = excluded.contacts,
             messages_month = excluded.messages_month, operators = excluded.operators,
             flows = excluded.flows, updated_at = excluded.updated_at, hlc = excluded.hlc,
             unpushed = 1",
    )
    .bind(plan)
    .bind(limits.numbers)
    .bind(limits.contacts)
    .bind(limits.messages)
    .bind(limits.operators)
    .bind(limits.flows)
    .bind(now_ms())
    .bind(hlc)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(*limits)
}
