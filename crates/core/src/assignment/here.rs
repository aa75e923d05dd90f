//! The operator at this desktop across the accounts they were given:
//! "Disponível / Ausente" is one status per person, written into their row
//! of each of their accounts' rosters (that is what syncs, and what the desktops that
//! run those accounts' numbers read); and which accounts have chats waiting,
//! for the one loop per desktop that assigns them.

use serde::Serialize;

use super::{AssignmentError, roster_in, save_entry_in};
use crate::Store;
use crate::access::{self, Operator};
use crate::ids::{AccountId, UserId};

/// The status of the operator at this desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Availability {
    /// Nobody chosen at this desktop (or removed): no status to show.
    pub operator: Option<UserId>,
    /// Available in every account they were given that has them available.
    pub available: bool,
    /// The accounts they take part in (those they were given).
    pub accounts: Vec<AccountId>,
}

async fn me(store: &Store) -> Result<Option<(UserId, String, String)>, AssignmentError> {
    Ok(match access::operator(store).await? {
        Operator::Member(id, _) => {
            sqlx::query_as("SELECT id, email, name FROM users WHERE id = ?")
                .bind(id)
                .fetch_optional(store.pool())
                .await?
        }
        Operator::Nobody | Operator::Removed => None,
    })
}

async fn given(store: &Store, user: UserId) -> Result<Vec<AccountId>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.account_id FROM user_accounts g JOIN accounts a ON a.id = g.account_id
         WHERE g.user_id = ? AND a.archived_at IS NULL ORDER BY g.account_id",
    )
    .bind(user)
    .fetch_all(store.pool())
    .await
}

/// Whether the operator at this desktop is available: yes when some
/// account of theirs has them available.
pub async fn availability(store: &Store) -> Result<Availability, AssignmentError> {
    let Some((id, email, _)) = me(store).await? else {
        return Ok(Availability {
            operator: None,
            available: false,
            accounts: Vec::new(),
        });
    };
    let accounts = given(store, id).await?;
    let mut available = false;
    let mut conn = store.pool().acquire().await?;
    for account in &accounts {
        let roster = roster_in(&mut conn, *account).await?;
        available |= roster.get(&email).is_some_and(|e| e.available);
    }
    Ok(Availability {
        operator: Some(id),
        available,
        accounts,
    })
}

/// The operator at this desktop becomes available or away in every account
/// they were given, in one transaction. The accounts written.
pub async fn set_available(
    store: &Store,
    available: bool,
) -> Result<Availability, AssignmentError> {
    let Some((id, email, name)) = me(store).await? else {
        return Err(AssignmentError::NoOperator);
    };
    let accounts = given(store, id).await?;
    let mut tx = store.write().await?;
    for account in &accounts {
        let roster = roster_in(&mut tx, *account).await?;
        // Not in the roster is away already: nothing to write.
        if !available && !roster.contains_key(&email) {
            continue;
        }
        // Only this operator's own row: another desktop changing another
        // operator at the same time writes another row, and both stay.
        let mut entry = roster.get(&email).cloned().unwrap_or_default();
        entry.available = available;
        entry.name = name.clone();
        save_entry_in(&mut tx, *account, &email, &entry).await?;
    }
    tx.commit().await?;
    availability(store).await
}

/// The accounts with conversations waiting in their queue and automatic
/// assignment on.
pub async fn accounts_waiting(store: &Store) -> Result<Vec<AccountId>, AssignmentError> {
    Ok(sqlx::query_scalar(
        "SELECT s.account_id FROM automation_settings s
         WHERE s.assign_auto = 1 AND EXISTS
            (SELECT 1 FROM conversations v WHERE v.account_id = s.account_id
               AND v.waiting_since IS NOT NULL AND v.assigned_to IS NULL AND v.status <> 'resolved')",
    )
    .fetch_all(store.pool())
    .await?)
}
