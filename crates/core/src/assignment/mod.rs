//! Fair assignment (issue 18, item 6): conversations that need a person are
//! given in turn to the account's available operators, each up to a cap of
//! open chats; when everyone is at the cap they wait in the account's queue,
//! oldest first, and go out as soon as someone has room.
//!
//! - **Who takes part.** An operator is in an account's rotation when they
//!   said they are available there (`set_available`, from their own desktop,
//!   for the accounts they were given). Owners and admins too, and by the
//!   same rule: seeing every account does not put them in every rotation;
//!   they take part in the accounts they were given (`user_accounts`, the
//!   server's memberships with sync on). An operator this desktop knows as
//!   removed, or as an agent no longer given the account, is skipped.
//! - **Who is whom.** Operators are named by e-mail in what syncs
//!   (`conversations.assigned_to`, the roster's `assignment_operators`):
//!   `users` ids are this desktop's, and differ between desktops.
//! - **Needs a person.** A contact's message the bot leaves to people (no
//!   flow under way after its turn) or a hand-off from the bot, while the
//!   account's switch is on: the conversation gets `waiting_since`
//!   ([`wait_in`], in the bot's transaction).
//! - **Who assigns.** See [`drain`].

mod adopt;
mod here;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use crate::access::{self, AccessError, Area, Operator};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::ids::{AccountId, ConversationId, InstanceId, MessageId, UserId};
use crate::inbox::InboxError;
use crate::time::now_ms;
use crate::{Lang, Store};

pub use adopt::{adopt_json_rosters, json_rosters_pending};
pub use here::{Availability, accounts_waiting, availability, set_available};

/// The highest cap of open chats per operator.
pub const CAP_MAX: u32 = 999;

/// An operator's state in one account's rotation, as stored (a row of
/// `assignment_operators`, keyed by account and e-mail; before migration
/// 0035, JSON on `automation_settings.assign_team`, read once by
/// [`adopt_json_rosters`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub available: bool,
    /// `None`: the account's default cap.
    #[serde(default)]
    pub cap: Option<u32>,
}

pub(crate) type Roster = BTreeMap<String, Entry>;

/// One operator's line in the account's assignment settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct OperatorState {
    pub email: String,
    pub name: String,
    /// This desktop's row for them, when it has one.
    pub user_id: Option<UserId>,
    pub available: bool,
    /// Their own cap; `None` follows the account's default.
    pub cap: Option<u32>,
    /// Open and pending conversations assigned to them now.
    pub open: u32,
}

/// An account's automatic assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AssignmentSettings {
    /// Conversations that need a person are assigned automatically.
    pub auto: bool,
    /// Open chats per operator unless their own cap says otherwise.
    pub default_cap: u32,
    /// Everyone in the roster, then the team members given the account
    /// who never joined it, by name.
    pub operators: Vec<OperatorState>,
}

/// A conversation waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, specta::Type)]
pub struct QueuedChat {
    pub conversation_id: ConversationId,
    pub contact_name: Option<String>,
    pub contact_phone: String,
    pub instance_id: InstanceId,
    pub instance_name: String,
    pub waiting_since: i64,
}

/// A conversation [`drain`] gave to someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub conversation: ConversationId,
    pub email: String,
}

/// Where to transfer a conversation: another operator, another number of
/// the account, or both; the note is kept as an internal note.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct Transfer {
    pub operator: Option<UserId>,
    pub instance: Option<InstanceId>,
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AssignmentError {
    #[error("cap out of range: {0}")]
    CapInvalid(u32),
    #[error("nobody is chosen at this desktop")]
    NoOperator,
    #[error("a transfer needs another operator or another number")]
    TransferInvalid,
    #[error("no number {0} in this account")]
    InstanceUnknown(InstanceId),
    #[error(transparent)]
    Inbox(#[from] InboxError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for AssignmentError {
    fn code(&self) -> ErrorCode {
        match self {
            AssignmentError::CapInvalid(_) => ErrorCode::AssignCapInvalid,
            AssignmentError::NoOperator => ErrorCode::AssignNoOperator,
            AssignmentError::TransferInvalid => ErrorCode::TransferInvalid,
            AssignmentError::InstanceUnknown(_) => ErrorCode::NumberUnknown,
            AssignmentError::Inbox(e) => e.code(),
            AssignmentError::Access(e) => e.code(),
            AssignmentError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            AssignmentError::CapInvalid(_) => match lang {
                Lang::PtBr => format!("O limite de conversas abertas vai de 1 a {CAP_MAX}."),
                Lang::En => format!("The cap of open chats goes from 1 to {CAP_MAX}."),
            },
            AssignmentError::NoOperator => lang
                .pick(
                    "Escolha quem usa este computador (Configurações → Equipe) antes de ficar disponível.",
                    "Choose who uses this desktop (Settings → Team) before becoming available.",
                )
                .to_owned(),
            AssignmentError::TransferInvalid => lang
                .pick(
                    "Escolha outro atendente ou outro número para transferir a conversa.",
                    "Choose another operator or another number to transfer the conversation to.",
                )
                .to_owned(),
            AssignmentError::InstanceUnknown(_) => lang
                .pick(
                    "Este número não existe mais nesta conta.",
                    "This number no longer exists in this account.",
                )
                .to_owned(),
            AssignmentError::Inbox(e) => e.message(lang),
            AssignmentError::Access(e) => e.message(lang),
            AssignmentError::Database(_) => database_failed(lang),
        }
    }
}

fn check_cap(cap: u32) -> Result<u32, AssignmentError> {
    if (1..=CAP_MAX).contains(&cap) {
        Ok(cap)
    } else {
        Err(AssignmentError::CapInvalid(cap))
    }
}

/// The account's switch, default cap and roster (defaults when the account
/// has no settings row yet; the roster is its `assignment_operators` rows).
pub(crate) async fn load_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
) -> Result<(bool, u32, Roster), sqlx::Error> {
    let row: Option<(bool, u32)> = sqlx::query_as(
        "SELECT assign_auto, assign_cap FROM automation_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    let (auto, cap) = row.unwrap_or((false, 5));
    Ok((auto, cap, roster_in(conn, account).await?))
}

/// The account's operators as stored, by e-mail.
pub(crate) async fn roster_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
) -> Result<Roster, sqlx::Error> {
    let rows: Vec<(String, String, bool, Option<u32>)> = sqlx::query_as(
        "SELECT email, name, available, cap FROM assignment_operators WHERE account_id = ?",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(email, name, available, cap)| {
            (
                email,
                Entry {
                    name,
                    available,
                    cap,
                },
            )
        })
        .collect())
}

/// Writes the account's switch and default cap, and nothing else of its
/// bot settings row.
pub(crate) async fn save_switch_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    auto: bool,
    cap: u32,
) -> Result<(), sqlx::Error> {
    let done = sqlx::query(
        "UPDATE automation_settings SET assign_auto = ?, assign_cap = ?, updated_at = ?
         WHERE account_id = ?",
    )
    .bind(auto)
    .bind(cap)
    .bind(now_ms())
    .bind(account)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        // No row yet: made as the business hours make it, with only these
        // columns given (the rest keep the schema's defaults).
        sqlx::query(
            "INSERT INTO automation_settings (account_id, assign_auto, assign_cap, updated_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(account)
        .bind(auto)
        .bind(cap)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes one operator's line of the account's roster, and nothing else:
/// their own row, so that what another desktop wrote at the same time for
/// another operator is kept (sync merges row by row). Nothing is written
/// when the line is what is stored already (no push for nothing).
pub(crate) async fn save_entry_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    email: &str,
    entry: &Entry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO assignment_operators (id, account_id, email, name, available, cap, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
             available = excluded.available, cap = excluded.cap, updated_at = excluded.updated_at
         WHERE assignment_operators.name IS NOT excluded.name
            OR assignment_operators.available IS NOT excluded.available
            OR assignment_operators.cap IS NOT excluded.cap",
    )
    .bind(operator_row_id(account, email))
    .bind(account)
    .bind(email)
    .bind(&entry.name)
    .bind(entry.available)
    .bind(entry.cap)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The id of an operator's row in an account's roster: the same on every
/// desktop that writes it first (migrations/sqlite/0035).
pub(crate) fn operator_row_id(account: AccountId, email: &str) -> uuid::Uuid {
    crate::ids::natural(account, "assignment_operator", &email.trim().to_lowercase())
}

/// The operator, when they may get the account's chats: not removed, and an
/// owner or admin, or an agent given the account (the rule [`drain`] keeps
/// for the roster). Their e-mail and name.
pub(crate) async fn operator_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    user: UserId,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.email, u.name FROM users u
         WHERE u.id = ? AND u.removed_at IS NULL AND (u.role <> 'agent' OR EXISTS
                (SELECT 1 FROM user_accounts g WHERE g.user_id = u.id AND g.account_id = ?))",
    )
    .bind(user)
    .bind(account)
    .fetch_optional(&mut *conn)
    .await
}

/// The removed operator is away in every roster that has them available,
/// in the caller's transaction: their own rows only.
pub(crate) async fn away_everywhere_in(
    conn: &mut sqlx::SqliteConnection,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE assignment_operators SET available = 0, updated_at = ?
         WHERE email = ? AND available = 1",
    )
    .bind(now_ms())
    .bind(email)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account's assignment settings with each operator's open chats.
pub async fn settings(
    store: &Store,
    account: AccountId,
) -> Result<AssignmentSettings, AssignmentError> {
    let mut conn = store.pool().acquire().await?;
    let (auto, default_cap, roster) = load_in(&mut conn, account).await?;
    let open = open_counts(&mut conn, account).await?;
    let members: Vec<(UserId, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.name FROM users u
         JOIN user_accounts g ON g.user_id = u.id AND g.account_id = ?
         WHERE u.removed_at IS NULL",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    let mut operators: Vec<OperatorState> = roster
        .iter()
        .map(|(email, entry)| {
            let local = members.iter().find(|(_, e, _)| e == email);
            OperatorState {
                email: email.clone(),
                name: local.map_or_else(|| entry.name.clone(), |(_, _, n)| n.clone()),
                user_id: local.map(|(id, _, _)| *id),
                available: entry.available,
                cap: entry.cap,
                open: open.get(email).copied().unwrap_or(0),
            }
        })
        .collect();
    for (id, email, name) in &members {
        if !roster.contains_key(email) {
            operators.push(OperatorState {
                email: email.clone(),
                name: name.clone(),
                user_id: Some(*id),
                available: false,
                cap: None,
                open: open.get(email).copied().unwrap_or(0),
            });
        }
    }
    operators.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.email.cmp(&b.email))
    });
    Ok(AssignmentSettings {
        auto,
        default_cap,
        operators,
    })
}

/// Open and pending conversations per operator.
async fn open_counts(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
) -> Result<HashMap<String, u32>, sqlx::Error> {
    let rows: Vec<(String, u32)> = sqlx::query_as(
        "SELECT assigned_to, count(*) FROM conversations
         WHERE account_id = ? AND assigned_to IS NOT NULL AND status <> 'resolved'
         GROUP BY assigned_to",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Turns the account's automatic assignment on or off and sets its default
/// cap. Owners and admins only.
pub async fn set_account(
    store: &Store,
    account: AccountId,
    auto: bool,
    default_cap: u32,
) -> Result<AssignmentSettings, AssignmentError> {
    access::require(store, Area::Team).await?;
    let cap = check_cap(default_cap)?;
    let mut tx = store.write().await?;
    save_switch_in(&mut tx, account, auto, cap).await?;
    tx.commit().await?;
    settings(store, account).await
}

/// Sets an operator's own cap in the account (`None`: the account's
/// default). Owners and admins only.
pub async fn set_operator_cap(
    store: &Store,
    account: AccountId,
    user: UserId,
    cap: Option<u32>,
) -> Result<AssignmentSettings, AssignmentError> {
    access::require(store, Area::Team).await?;
    let cap = cap.map(check_cap).transpose()?;
    let mut tx = store.write().await?;
    let Some((email, name)) = operator_in(&mut tx, account, user).await? else {
        return Err(InboxError::UserUnknown(user).into());
    };
    let roster = roster_in(&mut tx, account).await?;
    let mut entry = roster.get(&email).cloned().unwrap_or_default();
    entry.name = name;
    entry.cap = cap;
    save_entry_in(&mut tx, account, &email, &entry).await?;
    tx.commit().await?;
    settings(store, account).await
}

/// The account's queue, oldest first.
pub async fn queue(store: &Store, account: AccountId) -> Result<Vec<QueuedChat>, AssignmentError> {
    Ok(sqlx::query_as(
        "SELECT v.id AS conversation_id, c.name AS contact_name, c.phone AS contact_phone,
                v.instance_id, i.name AS instance_name, v.waiting_since
         FROM conversations v
         JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
         JOIN instances i ON i.account_id = v.account_id AND i.id = v.instance_id
         WHERE v.account_id = ? AND v.waiting_since IS NOT NULL AND v.assigned_to IS NULL
           AND v.status <> 'resolved'
         ORDER BY v.waiting_since, v.id",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?)
}

/// The conversation needs a person: it enters the account's queue, when the
/// account assigns automatically, nobody has it, it is not resolved and no
/// flow is talking to the contact. Whether it entered now.
pub(crate) async fn wait_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE conversations SET waiting_since = ?, updated_at = ?
         WHERE account_id = ? AND id = ? AND waiting_since IS NULL AND assigned_to IS NULL
           AND assignee_id IS NULL AND status <> 'resolved'
           AND EXISTS (SELECT 1 FROM automation_settings s
                       WHERE s.account_id = conversations.account_id AND s.assign_auto = 1)
           AND NOT EXISTS (SELECT 1 FROM flow_sessions f
                           WHERE f.account_id = conversations.account_id
                             AND f.conversation_id = conversations.id AND f.status = 'active')",
    )
    .bind(since)
    .bind(now_ms())
    .bind(account)
    .bind(conversation)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether an operator named in the roster may get this account's chats, as
/// far as this desktop knows them: one it knows as removed, or as an agent
/// not given the account, may not; one it does not know (another desktop's
/// login) is taken at the roster's word, which only they, from a desktop
/// where they were given the account, could have written.
async fn eligible(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
) -> Result<HashMap<String, bool>, sqlx::Error> {
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "SELECT u.email, u.removed_at IS NULL AND (u.role <> 'agent' OR EXISTS
                  (SELECT 1 FROM user_accounts g WHERE g.user_id = u.id AND g.account_id = ?))
         FROM users u",
    )
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Gives the account's waiting conversations, oldest first, to its
/// available operators in turn (whoever was given a chat longest ago is
/// next), each up to their cap; stops at the first one nobody has room for,
/// so the queue keeps its order. Only conversations of numbers for which
/// `runs_here` is true.
///
/// Why this cannot give one conversation twice, nor break the turn: the
/// numbers a desktop passes as `runs_here` are those whose lease it holds
/// (the flow runner's, the fleet's answer), and a number has one holder at
/// a time, so one desktop assigns each number's chats — as one desktop does
/// all of a number's other work. Each assignment is written in one write
/// transaction (SQLite's one writer, `BEGIN IMMEDIATE`) that reads the
/// counts and the turn and writes under the guard `assigned_to IS NULL AND
/// waiting_since IS NOT NULL`: an operator's own pick, a transfer or an
/// assignment pulled from another desktop that landed first is kept, and
/// this one is skipped. What the lease cannot cover: when a number changes
/// desktops before the last holder's assignments reached the new one, both
/// may have given the chat; the later clock wins everywhere (docs/sync.md).
pub async fn drain(
    store: &Store,
    account: AccountId,
    runs_here: &(dyn Fn(InstanceId) -> bool + Sync),
    now: i64,
) -> Result<Vec<Assigned>, AssignmentError> {
    let mut tx = store.write().await?;
    let (auto, default_cap, roster) = load_in(&mut tx, account).await?;
    if !auto {
        return Ok(Vec::new());
    }
    let waiting: Vec<(ConversationId, InstanceId)> = sqlx::query_as(
        "SELECT id, instance_id FROM conversations
         WHERE account_id = ? AND waiting_since IS NOT NULL AND assigned_to IS NULL
           AND status <> 'resolved'
         ORDER BY waiting_since, id",
    )
    .bind(account)
    .fetch_all(&mut *tx)
    .await?;
    let waiting: Vec<ConversationId> = waiting
        .into_iter()
        .filter(|(_, instance)| runs_here(*instance))
        .map(|(id, _)| id)
        .collect();
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let known = eligible(&mut tx, account).await?;
    let mut open = open_counts(&mut tx, account).await?;
    let last: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT assigned_to, max(assigned_at) FROM conversations
         WHERE account_id = ? AND assigned_to IS NOT NULL AND assigned_at IS NOT NULL
         GROUP BY assigned_to",
    )
    .bind(account)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let mut turn: Vec<(Option<i64>, String, u32)> = roster
        .iter()
        .filter(|(email, entry)| entry.available && known.get(*email).copied().unwrap_or(true))
        .map(|(email, entry)| {
            (
                last.get(email).copied(),
                email.clone(),
                entry.cap.unwrap_or(default_cap),
            )
        })
        .collect();
    // Each assignment's time is after every earlier one, so the order holds
    // also for several given within one millisecond.
    let mut clock = last.values().copied().max().unwrap_or(0).max(now - 1);
    let mut assigned = Vec::new();
    for conversation in waiting {
        // Never given a chat first, then longest ago; ties by e-mail.
        let Some(next) = turn
            .iter_mut()
            .filter(|(_, email, cap)| open.get(email).copied().unwrap_or(0) < *cap)
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
        else {
            break;
        };
        clock += 1;
        let done = sqlx::query(
            "UPDATE conversations SET assigned_to = ?, assigned_at = ?, waiting_since = NULL,
                    assignee_id = (SELECT id FROM users WHERE email = ? AND removed_at IS NULL),
                    owner = 'human', updated_at = ?
             WHERE account_id = ? AND id = ? AND assigned_to IS NULL AND waiting_since IS NOT NULL
               AND status <> 'resolved'",
        )
        .bind(&next.1)
        .bind(clock)
        .bind(&next.1)
        .bind(now)
        .bind(account)
        .bind(conversation)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        crate::inbox::work::stop_bot(&mut tx, account, conversation).await?;
        next.0 = Some(clock);
        *open.entry(next.1.clone()).or_default() += 1;
        assigned.push(Assigned {
            conversation,
            email: next.1.clone(),
        });
    }
    tx.commit().await?;
    Ok(assigned)
}

/// Transfers the conversation to another operator, another number of the
/// account, or both, keeping the note as an internal note by the operator
/// at this desktop. To another number: the contact's conversation on that
/// number (made if needed) takes the chat, open and for a person, and this
/// one is resolved; both get the note. Without an operator, the chat goes
/// to the queue (or stays unassigned when the account assigns by hand).
/// The conversation where the chat is now.
pub async fn transfer(
    store: &Store,
    account: AccountId,
    conversation: ConversationId,
    to: &Transfer,
) -> Result<ConversationId, AssignmentError> {
    if to.operator.is_none() && to.instance.is_none() {
        return Err(AssignmentError::TransferInvalid);
    }
    let note = to.note.trim();
    if note.chars().count() > crate::inbox::TEXT_MAX {
        return Err(InboxError::TooLong.into());
    }
    let author = match access::operator(store).await? {
        Operator::Member(id, _) => Some(id),
        Operator::Nobody | Operator::Removed => None,
    };
    let now = now_ms();
    let mut tx = store.write().await?;
    let found: Option<(InstanceId, crate::ContactId)> = sqlx::query_as(
        "SELECT instance_id, contact_id FROM conversations WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(conversation)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((instance, contact)) = found else {
        return Err(InboxError::ConversationUnknown(account, conversation).into());
    };
    let operator = match to.operator {
        Some(user) => {
            let found = operator_in(&mut tx, account, user).await?;
            let (email, _) = found.ok_or(InboxError::UserUnknown(user))?;
            Some((user, email))
        }
        None => None,
    };
    let mut target = conversation;
    if let Some(other) = to.instance.filter(|i| *i != instance) {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM instances WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(other)
        .fetch_one(&mut *tx)
        .await?;
        if !known {
            return Err(AssignmentError::InstanceUnknown(other));
        }
        target =
            crate::inbox::ingest::conversation_for(&mut tx, account, other, contact, now).await?;
        sqlx::query(
            "UPDATE conversations SET status = 'resolved', owner = 'bot', waiting_since = NULL,
                    updated_at = ?
             WHERE account_id = ? AND id = ?",
        )
        .bind(now)
        .bind(account)
        .bind(conversation)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE conversations SET status = 'open', owner = 'human', assigned_to = NULL,
                    assignee_id = NULL, waiting_since = NULL, updated_at = ?
             WHERE account_id = ? AND id = ?",
        )
        .bind(now)
        .bind(account)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    }
    match &operator {
        Some((user, email)) => {
            sqlx::query(
                "UPDATE conversations SET assigned_to = ?, assignee_id = ?, assigned_at = ?,
                        waiting_since = NULL, owner = 'human', updated_at = ?
                 WHERE account_id = ? AND id = ?",
            )
            .bind(email)
            .bind(user)
            .bind(now)
            .bind(now)
            .bind(account)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            // A chat handed to another number without a person waits for
            // one there (only when the account assigns automatically).
            wait_in(&mut tx, account, target, now).await?;
        }
    }
    crate::inbox::work::stop_bot(&mut tx, account, target).await?;
    if !note.is_empty() {
        let mut places = vec![target];
        if target != conversation {
            places.push(conversation);
        }
        for place in places {
            sqlx::query(
                "INSERT INTO notes (id, account_id, conversation_id, author_id, author_name, body, created_at)
                 VALUES (?, ?, ?, ?, (SELECT name FROM users WHERE id = ?), ?, ?)",
            )
            .bind(MessageId::new())
            .bind(account)
            .bind(place)
            .bind(author)
            .bind(author)
            .bind(note)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(target)
}
