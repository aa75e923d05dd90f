//! The team, managed in the app (issue 18): invite an operator with a role and
//! the accounts they may see, edit them, remove them. Only owners and admins
//! (or a desktop where nobody is chosen) manage the team; an admin does not
//! touch owners; the agency always keeps one owner. Each change is one
//! transaction.
//!
//! Removing keeps the operator's row (`removed_at`): the conversations they
//! resolved and the notes they wrote still show their name. What they still
//! had open or pending goes back to the queue (unassigned).

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::Store;
use crate::access::{self, Area, Operator};
use crate::domain::Role;
use crate::ids::{AccountId, UserId};
use crate::time::now_ms;
use crate::users::{UserErrorKind, operator_email, operator_name};

/// Who to invite.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct Invitation {
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The accounts they may see (agents see only these; owners and admins
    /// see every account).
    pub accounts: Vec<AccountId>,
}

/// What can change about an operator (the e-mail is who they are).
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct MemberEdit {
    pub name: String,
    pub role: Role,
    pub accounts: Vec<AccountId>,
}

/// An operator of the team with the accounts they were given.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Member {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
    pub accounts: Vec<AccountId>,
}

/// What removing an operator changed beyond the team.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Removed {
    /// The accounts whose conversations went back to the queue.
    pub released: Vec<AccountId>,
}

/// The team (not the removed), by name, with their accounts.
pub async fn members(store: &Store) -> Result<Vec<Member>, UserErrorKind> {
    let rows: Vec<(UserId, String, String, Role, i64)> = sqlx::query_as(
        "SELECT id, name, email, role, created_at FROM users
         WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE, id",
    )
    .fetch_all(store.pool())
    .await?;
    let grants: Vec<(UserId, AccountId)> = sqlx::query_as(
        "SELECT g.user_id, g.account_id FROM user_accounts g
         JOIN accounts a ON a.id = g.account_id
         ORDER BY a.name COLLATE NOCASE, a.id",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, role, created_at)| Member {
            accounts: grants
                .iter()
                .filter(|(user, _)| *user == id)
                .map(|(_, account)| *account)
                .collect(),
            id,
            name,
            email,
            role,
            created_at,
        })
        .collect())
}

/// Whether `invite` would take this invitation, writing nothing: the app
/// asks before it makes the person's login on the agency's server.
pub async fn check_invitation(store: &Store, input: &Invitation) -> Result<(), UserErrorKind> {
    let manager = manager(store).await?;
    if !may_touch(manager, input.role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    operator_name(&input.name)?;
    let email = operator_email(&input.email)?;
    let live: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ? AND removed_at IS NULL)",
    )
    .bind(&email)
    .fetch_one(store.pool())
    .await?;
    if live {
        return Err(UserErrorKind::EmailDuplicate(email));
    }
    for account in &input.accounts {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .bind(account)
            .fetch_one(store.pool())
            .await?;
        if !known {
            return Err(UserErrorKind::AccountUnknown(*account));
        }
    }
    // Before the login is made on the agency's server, not after.
    let mut conn = store.pool().acquire().await?;
    for account in &input.accounts {
        crate::plans::check(&mut conn, *account, crate::plans::Limit::Operators, 1).await?;
    }
    Ok(())
}

/// Adds an operator, or brings back a removed one with the same e-mail.
pub async fn invite(store: &Store, input: &Invitation) -> Result<Member, UserErrorKind> {
    let manager = manager(store).await?;
    if !may_touch(manager, input.role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    let name = operator_name(&input.name)?;
    let email = operator_email(&input.email)?;
    let mut tx = store.write().await?;
    let existing: Option<(UserId, Option<i64>)> =
        sqlx::query_as("SELECT id, removed_at FROM users WHERE email = ?")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    let id = match existing {
        Some((_, None)) => return Err(UserErrorKind::EmailDuplicate(email)),
        Some((id, Some(_))) => {
            sqlx::query("UPDATE users SET name = ?, role = ?, removed_at = NULL WHERE id = ?")
                .bind(&name)
                .bind(input.role)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            let id = UserId::new();
            sqlx::query(
                "INSERT INTO users (id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&name)
            .bind(&email)
            .bind(input.role)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    plan_allows_grants(&mut tx, id, &input.accounts).await?;
    set_accounts(&mut tx, id, &input.accounts).await?;
    tx.commit().await?;
    member(store, id).await
}

/// Whether `edit` would take this change, writing nothing (the app asks
/// before it carries the change to the agency's server). The operator's e-mail.
pub async fn check_edit(
    store: &Store,
    id: UserId,
    input: &MemberEdit,
) -> Result<String, UserErrorKind> {
    let manager = manager(store).await?;
    operator_name(&input.name)?;
    let mut conn = store.pool().acquire().await?;
    let role = live_role(&mut conn, id).await?;
    if !may_touch(manager, role) || !may_touch(manager, input.role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    if role == Role::Owner && input.role != Role::Owner && owners(&mut conn).await? <= 1 {
        return Err(UserErrorKind::LastOwner);
    }
    plan_allows_grants(&mut conn, id, &input.accounts).await?;
    email_of(&mut conn, id).await
}

/// Whether `remove` would remove this operator, writing nothing. Their e-mail.
pub async fn check_remove(store: &Store, id: UserId) -> Result<String, UserErrorKind> {
    let manager = manager(store).await?;
    let mut conn = store.pool().acquire().await?;
    let role = live_role(&mut conn, id).await?;
    if !may_touch(manager, role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    if role == Role::Owner && owners(&mut conn).await? <= 1 {
        return Err(UserErrorKind::LastOwner);
    }
    email_of(&mut conn, id).await
}

async fn email_of(conn: &mut SqliteConnection, id: UserId) -> Result<String, UserErrorKind> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await?)
}

/// Changes an operator's name, role and accounts.
pub async fn edit(store: &Store, id: UserId, input: &MemberEdit) -> Result<Member, UserErrorKind> {
    let manager = manager(store).await?;
    let name = operator_name(&input.name)?;
    let mut tx = store.write().await?;
    let role = live_role(&mut tx, id).await?;
    if !may_touch(manager, role) || !may_touch(manager, input.role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    if role == Role::Owner && input.role != Role::Owner && owners(&mut tx).await? <= 1 {
        return Err(UserErrorKind::LastOwner);
    }
    sqlx::query("UPDATE users SET name = ?, role = ? WHERE id = ?")
        .bind(&name)
        .bind(input.role)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    plan_allows_grants(&mut tx, id, &input.accounts).await?;
    set_accounts(&mut tx, id, &input.accounts).await?;
    tx.commit().await?;
    member(store, id).await
}

/// Removes an operator from the team, keeping their history; their open and
/// pending conversations go back to the queue.
pub async fn remove(store: &Store, id: UserId) -> Result<Removed, UserErrorKind> {
    let manager = manager(store).await?;
    let mut tx = store.write().await?;
    let role = live_role(&mut tx, id).await?;
    if !may_touch(manager, role) {
        return Err(UserErrorKind::OwnersByOwners);
    }
    if role == Role::Owner && owners(&mut tx).await? <= 1 {
        return Err(UserErrorKind::LastOwner);
    }
    sqlx::query("UPDATE users SET removed_at = ? WHERE id = ?")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM user_accounts WHERE user_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Per account, as every write on an account's data is.
    let released: Vec<AccountId> = sqlx::query_scalar(
        "SELECT DISTINCT account_id FROM conversations
         WHERE assignee_id = ? AND status <> 'resolved' ORDER BY account_id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let now = now_ms();
    for account in &released {
        // Back in the queue when the account assigns automatically (else
        // nothing would ever give them out again); by hand otherwise.
        sqlx::query(
            "UPDATE conversations SET assignee_id = NULL, assigned_to = NULL, updated_at = ?,
                    waiting_since = CASE WHEN EXISTS (SELECT 1 FROM automation_settings s
                                                      WHERE s.account_id = conversations.account_id
                                                        AND s.assign_auto = 1)
                                         THEN ? ELSE waiting_since END
             WHERE account_id = ? AND assignee_id = ? AND status <> 'resolved'",
        )
        .bind(now)
        .bind(now)
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    // Nobody gives them chats any more, on any desktop (the rosters sync).
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    crate::assignment::away_everywhere_in(&mut tx, &email).await?;
    tx.commit().await?;
    Ok(Removed { released })
}

async fn member(store: &Store, id: UserId) -> Result<Member, UserErrorKind> {
    members(store)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(UserErrorKind::Unknown(id))
}

/// The role of the operator at this desktop who manages the team: `None`
/// when nobody is chosen (a desktop without a team manages its own).
async fn manager(store: &Store) -> Result<Option<Role>, UserErrorKind> {
    access::require(store, Area::Team).await?;
    Ok(match access::operator(store).await? {
        Operator::Member(_, role) => Some(role),
        Operator::Nobody | Operator::Removed => None,
    })
}

/// Whether the manager may give, change or take away this role: an admin
/// does not touch owners (as the server's `zapdesk.may_manage`).
fn may_touch(manager: Option<Role>, role: Role) -> bool {
    match manager {
        None | Some(Role::Owner) => true,
        Some(Role::Admin) => role != Role::Owner,
        Some(Role::Agent) => false,
    }
}

async fn live_role(conn: &mut SqliteConnection, id: UserId) -> Result<Role, UserErrorKind> {
    sqlx::query_scalar("SELECT role FROM users WHERE id = ? AND removed_at IS NULL")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(UserErrorKind::Unknown(id))
}

async fn owners(conn: &mut SqliteConnection) -> Result<i64, UserErrorKind> {
    Ok(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'owner' AND removed_at IS NULL",
        )
        .fetch_one(conn)
        .await?,
    )
}

/// Refuses giving an account to one more operator than its plan allows
/// (issue 18, item 4), in the transaction that gives it. Only accounts the
/// operator does not have yet count: editing someone's name over a limit
/// lowered since keeps what they had. Not for the sync login's accounts
/// (`adopt_login`): the agency's server decided those.
async fn plan_allows_grants(
    conn: &mut SqliteConnection,
    id: UserId,
    accounts: &[AccountId],
) -> Result<(), UserErrorKind> {
    let had: Vec<AccountId> =
        sqlx::query_scalar("SELECT account_id FROM user_accounts WHERE user_id = ?")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    for account in accounts {
        if !had.contains(account) {
            crate::plans::check(&mut *conn, *account, crate::plans::Limit::Operators, 1).await?;
        }
    }
    Ok(())
}

async fn set_accounts(
    conn: &mut SqliteConnection,
    id: UserId,
    accounts: &[AccountId],
) -> Result<(), UserErrorKind> {
    sqlx::query("DELETE FROM user_accounts WHERE user_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let now = now_ms();
    for account in accounts {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .bind(account)
            .fetch_one(&mut *conn)
            .await?;
        if !known {
            return Err(UserErrorKind::AccountUnknown(*account));
        }
        sqlx::query(
            "INSERT INTO user_accounts (user_id, account_id, created_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(account)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The agency's server's word on who logged in at this desktop (sync on).
#[derive(Debug, Clone)]
pub struct Login {
    /// `operators.id` on the server; the local row takes it when it is new.
    pub id: UserId,
    pub name: String,
    pub email: String,
    /// The highest of their memberships' roles.
    pub role: Role,
    /// Their memberships' accounts.
    pub accounts: Vec<AccountId>,
}

const FROM_LOGIN: &str = "current_user_from_login";

/// With sync on, the operator at this desktop is whoever logged in to the
/// agency's database, not a name picked from a list: their row (found by
/// e-mail, else by the server's id, else made) takes the server's name, role
/// and accounts (those this desktop has), and becomes "me" until sync is
/// turned off. Not a team manager's change: the server vouched for it.
pub async fn adopt_login(store: &Store, login: &Login) -> Result<UserId, UserErrorKind> {
    let name = operator_name(&login.name)?;
    let email = operator_email(&login.email)?;
    let mut tx = store.write().await?;
    let found: Option<UserId> = sqlx::query_scalar(
        "SELECT id FROM users WHERE email = ? OR id = ? ORDER BY email = ? DESC",
    )
    .bind(&email)
    .bind(login.id)
    .bind(&email)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match found {
        Some(id) => {
            sqlx::query(
                "UPDATE users SET name = ?, email = ?, role = ?, removed_at = NULL WHERE id = ?",
            )
            .bind(&name)
            .bind(&email)
            .bind(login.role)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query(
                "INSERT INTO users (id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(login.id)
            .bind(&name)
            .bind(&email)
            .bind(login.role)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            login.id
        }
    };
    // Accounts not pulled yet are given at the next connection.
    let mut here = Vec::new();
    for account in &login.accounts {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)")
            .bind(account)
            .fetch_one(&mut *tx)
            .await?;
        if known {
            here.push(*account);
        }
    }
    set_accounts(&mut tx, id, &here).await?;
    for (key, value) in [
        ("current_user", id.to_string()),
        (FROM_LOGIN, "1".to_owned()),
    ] {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Sync turned off: "me" stays who logged in last, and may be picked again.
pub async fn forget_login(store: &Store) -> Result<(), UserErrorKind> {
    sqlx::query("DELETE FROM settings WHERE key = ?")
        .bind(FROM_LOGIN)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Whether "me" comes from the sync login (the picker is closed).
pub async fn me_from_login(store: &Store) -> Result<bool, UserErrorKind> {
    let set: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(FROM_LOGIN)
        .fetch_optional(store.pool())
        .await?;
    Ok(set.is_some())
}
