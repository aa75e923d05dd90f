//! Settings → Integrações: the account's recent cloud commands as the
//! agency's server has them (docs/integrations.md) — what each asked, how
//! it ended and on which desktop — and "run again" for a failed one.
//!
//! Read from the server on the sync connection's login, as the executor
//! reads them: the rows are not synced (0012), so without that connection
//! there is nothing to show, and the screen says so.
//!
//! Run again, once: the new row's id is derived from the failed row's
//! (a double click, or a retried call, inserts it once), and it carries
//! `retry_of` = the first row of the chain, from which the executor derives
//! the message and flow session ids. A failed row whose message was in
//! fact queued (its outcome could not be written, say) is then found, not
//! queued again. A row given up as `database_failed` may have queued it in
//! its desktop's store alone (not pushed yet): the server pins its retry to
//! that desktop (remote 0021), and the list says whom such a row waits for.
//!
//! Give up, for a pinned row that waits (pending, or `running` on a desktop
//! silent for ten minutes, which no other desktop takes over): the row is
//! deleted on the server, so no desktop runs it (0021's `members_clear`
//! allows that delete; the desktop named may still have the message queued
//! in its own store, and the screen says so before asking).
//!
//! The panel asks every 5 s while open: one kept pool of one connection
//! ([`PanelServer`]), made with the running sync engine's options (no
//! credential store read, no new connection each time).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::types::Uuid;
use zapdesk_core::ids::{self, CommandId};
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Lang, UserError};
use zapdesk_sync::commands::{self, is_schema_missing};
use zapdesk_sync::{ConnectionSettings, RemoteError};

use crate::App;

/// Rows shown when the screen asks for no number.
pub const LIST_DEFAULT: u32 = 50;
/// The most rows one read returns.
pub const LIST_MAX: u32 = 200;

/// Longest wait for one question (and for the connection) to the server.
const ASK_WITHIN: Duration = Duration::from_secs(15);

/// The panel's connection is closed once unused this long: the open panel
/// asks every 5 s and keeps it, a closed one lets it go.
const PANEL_IDLE: Duration = Duration::from_secs(30);

/// Named so in `pg_stat_activity`: the agency counts its connections.
pub const PANEL_APPLICATION: &str = "zapdesk-commands-panel";

/// The panel's one connection to the server, kept while the panel polls
/// (opening one and reading the credential store every 5 s was the cost of
/// an open panel), made again when the sync connection changes.
#[derive(Default)]
pub(crate) struct PanelServer(tokio::sync::Mutex<Option<(ConnectionSettings, PgPool)>>);

impl PanelServer {
    /// The pool for `connection`: the kept one, or a new one made with the
    /// sync engine's options (its password in memory; the credential store
    /// only when no engine runs with this connection). Lazy: connecting is
    /// part of the first question, bounded like it.
    async fn pool(
        &self,
        app: &App,
        connection: &ConnectionSettings,
    ) -> Result<PgPool, CloudCommandError> {
        let mut kept = self.0.lock().await;
        if let Some((kept_for, pool)) = kept.as_ref()
            && kept_for == connection
            && !pool.is_closed()
        {
            return Ok(pool.clone());
        }
        let options = match app.sync().remote() {
            Some((running, options)) if running == *connection => options,
            _ => commands::remote_of(connection)?,
        };
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(PANEL_IDLE)
            .acquire_timeout(ASK_WITHIN)
            .connect_lazy_with(options.application_name(PANEL_APPLICATION));
        // The previous connection's pool closes as its last handle drops.
        *kept = Some((connection.clone(), pool.clone()));
        Ok(pool)
    }

    /// Lets the kept pool go after a failed question: the next one makes
    /// it again, with the options of now (a new password saved for the
    /// same connection, a server that moved back).
    async fn forget(&self) {
        self.0.lock().await.take();
    }

    /// Closes the kept connection (the app is closing).
    pub(crate) async fn close(&self) {
        if let Some((_, pool)) = self.0.lock().await.take() {
            pool.close().await;
        }
    }
}

/// The payload field of a row made by "run again": the first row of the
/// chain, whose derived ids the executor uses.
pub const RETRY_OF: &str = "retry_of";
/// Beside it, the failed row it was made for: `retry_of` counts only on the
/// row whose id derives from that one, so a payload an integration copied
/// from a retried row (with both fields) does not borrow the chain's ids.
pub const RETRY_PARENT: &str = "retry_parent";

/// Where a command stands, as a person reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CommandState {
    /// Pending, or claimed by a desktop and being executed.
    Waiting,
    Done,
    Failed,
}

impl CommandState {
    /// The server's statuses of this state (0012's CHECK).
    fn statuses(self) -> &'static [&'static str] {
        match self {
            CommandState::Waiting => &["pending", "running"],
            CommandState::Done => &["done"],
            CommandState::Failed => &["failed"],
        }
    }

    fn of(status: &str) -> CommandState {
        match status {
            "done" => CommandState::Done,
            "failed" => CommandState::Failed,
            _ => CommandState::Waiting,
        }
    }
}

/// One row of `zapdesk.commands`, for the screen.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CloudCommand {
    pub id: CommandId,
    /// `send_text`, `add_tag`, `remove_tag` or `start_flow`.
    pub kind: String,
    /// The number it must run on; `None`: the contact's usual one.
    pub instance_id: Option<InstanceId>,
    /// The phone it names, as written.
    pub phone: Option<String>,
    /// The text, tag or flow it names, as written.
    pub detail: Option<String>,
    pub state: CommandState,
    /// Claimed by a desktop right now (a waiting row being executed).
    pub running: bool,
    /// How many times a desktop claimed it.
    pub attempts: i32,
    /// ZapDesk's code of the failure (`command_invalid`, …).
    pub error_code: Option<String>,
    /// The failure in words, in the language of the desktop that ran it.
    pub error_message: Option<String>,
    /// Who is logged in on the desktop that claimed it (its name on the
    /// server; the login when the name is not visible).
    pub ran_by: Option<String>,
    /// Whether this desktop claimed it.
    pub ran_here: bool,
    /// By the server's clock, Unix ms.
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
    /// Made by "run again" of this chain's first row.
    pub retry_of: Option<CommandId>,
    /// Already run again, as this row (a failed row is run again once).
    pub retried_as: Option<CommandId>,
    /// Only one desktop may execute it: a "run again" of a row that failed
    /// there with `database_failed` (what it queued may be in its own store
    /// only, until its sync pushes it; remote 0021). A waiting row waits for
    /// that desktop to run the number.
    pub pinned: bool,
    /// Who is logged in on that desktop, as in [`CloudCommand::ran_by`].
    pub pinned_by: Option<String>,
    /// Whether that desktop is this one.
    pub pinned_here: bool,
    /// A pinned row that may be given up (deleted on the server): pending,
    /// or `running` on a desktop silent for ten minutes (remote 0021).
    pub can_give_up: bool,
}

/// Whether the agency's server can show the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CommandsServer {
    /// No sync connection saved: cloud commands need the agency's database.
    None,
    /// Provisioned before remote migration 0012: `remote provision` upgrades it.
    Outdated,
    Ready,
}

/// The screen's answer: the server's state and the rows, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CloudCommandList {
    pub server: CommandsServer,
    pub items: Vec<CloudCommand>,
}

/// What a "run again" or a read was refused for.
#[derive(Debug, thiserror::Error)]
pub enum CloudCommandError {
    #[error("no sync connection: cloud commands need the agency's database")]
    NoServer,
    #[error("command {0} is not on the server for this account")]
    Unknown(CommandId),
    #[error("command {0} did not fail: only a failed command runs again")]
    NotFailed(CommandId),
    #[error(
        "command {0} is not a pinned command still waiting: only such a command can be given up"
    )]
    NotAbandonable(CommandId),
    #[error(transparent)]
    Remote(#[from] RemoteError),
}

impl UserError for CloudCommandError {
    fn code(&self) -> ErrorCode {
        match self {
            CloudCommandError::NoServer => ErrorCode::CommandsNeedServer,
            CloudCommandError::Unknown(_) => ErrorCode::CommandUnknown,
            CloudCommandError::NotFailed(_) => ErrorCode::CommandNotRetriable,
            CloudCommandError::NotAbandonable(_) => ErrorCode::CommandNotAbandonable,
            CloudCommandError::Remote(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            CloudCommandError::NoServer => lang
                .pick(
                    "Comandos da nuvem precisam do banco de dados da agência. Conecte este computador em Configurações → Sincronização.",
                    "Cloud commands need the agency's database. Connect this computer in Settings → Sync.",
                )
                .to_owned(),
            CloudCommandError::Unknown(_) => lang
                .pick(
                    "Este comando não está mais no banco da agência (foi apagado?). Atualize a lista.",
                    "This command is no longer in the agency's database (deleted?). Refresh the list.",
                )
                .to_owned(),
            CloudCommandError::NotFailed(_) => lang
                .pick(
                    "Só um comando que falhou pode ser executado de novo; este ainda espera ou já foi feito.",
                    "Only a failed command can run again; this one is still waiting or already done.",
                )
                .to_owned(),
            CloudCommandError::NotAbandonable(_) => lang
                .pick(
                    "Só é possível desistir de um comando que aguarda um computador específico, enquanto ainda espera (ou está parado num computador sem sinal há dez minutos). Atualize a lista.",
                    "You can only give up on a command that waits for one specific computer, while it still waits (or is stuck on a computer silent for ten minutes). Refresh the list.",
                )
                .to_owned(),
            CloudCommandError::Remote(e) => e.message(lang),
        }
    }
}

/// The id of the row that runs `failed` again: the same however many times
/// it is asked (a double click inserts one row).
pub fn retry_command(account: AccountId, failed: CommandId) -> CommandId {
    CommandId::from_uuid(ids::natural(
        account,
        "cloud_command_retry",
        &failed.to_string(),
    ))
}

/// The row whose derived ids (message, flow session) a row uses: the first
/// of its "run again" chain, or itself. A `retry_of` written by hand only
/// ever names a row of the same account (the ids derive from the account).
pub(crate) fn chain_root(account: AccountId, id: CommandId, payload: &Value) -> CommandId {
    let named = |field: &str| {
        payload
            .get(field)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<CommandId>().ok())
    };
    match (named(RETRY_OF), named(RETRY_PARENT)) {
        (Some(root), Some(parent)) if retry_command(account, parent) == id => root,
        _ => id,
    }
}

type ListedRow = (
    Uuid,
    String,
    Option<Uuid>,
    String,
    String,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
    bool,
);

/// A row that may be given up, in SQL over `c` (a `zapdesk.commands` row):
/// pinned (read through to_jsonb: a server before remote 0021 has no such
/// column and pins nothing), and waiting — pending, or `running` on a
/// desktop silent for ten minutes, as 0021's `members_clear` allows.
const GIVE_UP_SQL: &str = "(to_jsonb(c) ->> 'pinned_to') IS NOT NULL
    AND (c.status = 'pending'
         OR (c.status = 'running' AND c.claimed_at < now() - interval '10 minutes'))";

impl App {
    /// The account's most recent cloud commands (`limit`, at most
    /// [`LIST_MAX`]), newest first, only those in `state` when given.
    pub async fn cloud_commands_list(
        &self,
        account: AccountId,
        state: Option<CommandState>,
        limit: Option<u32>,
    ) -> Result<CloudCommandList, CloudCommandError> {
        let Some(connection) = self.sync().view().connection else {
            return Ok(CloudCommandList {
                server: CommandsServer::None,
                items: Vec::new(),
            });
        };
        let pool = self
            .cloud_commands()
            .panel()
            .pool(self, &connection)
            .await?;
        let answer = bounded(async {
            let mut conn = pool.acquire().await?;
            listed(self, &mut conn, account, state, limit).await
        })
        .await;
        match answer {
            Ok(items) => Ok(CloudCommandList {
                server: CommandsServer::Ready,
                items,
            }),
            Err(e) if is_schema_missing(&e) => Ok(CloudCommandList {
                server: CommandsServer::Outdated,
                items: Vec::new(),
            }),
            Err(e) => {
                self.cloud_commands().panel().forget().await;
                Err(remote_error(&connection, e).into())
            }
        }
    }

    /// Runs a failed command again as a new row (see the module's notes);
    /// the new row's id. Asked again for the same row: that same id, and
    /// still one row.
    pub async fn cloud_commands_retry(
        &self,
        account: AccountId,
        id: CommandId,
    ) -> Result<CommandId, CloudCommandError> {
        let connection = self
            .sync()
            .view()
            .connection
            .ok_or(CloudCommandError::NoServer)?;
        let pool = self
            .cloud_commands()
            .panel()
            .pool(self, &connection)
            .await?;
        let answer = bounded(async {
            let mut conn = pool.acquire().await?;
            retried(&mut conn, account, id).await
        })
        .await;
        match answer {
            Ok(Ok(new)) => Ok(new),
            Ok(Err(refused)) => Err(refused),
            Err(e) => {
                self.cloud_commands().panel().forget().await;
                Err(remote_error(&connection, e).into())
            }
        }
    }
}

impl App {
    /// Gives up on a pinned row that waits (see the module's notes): the
    /// row, of this account only, is deleted on the server, so no desktop
    /// executes it. Refused for any other row (not pinned, finished, or
    /// running on a desktop heard from within ten minutes).
    pub async fn cloud_commands_give_up(
        &self,
        account: AccountId,
        id: CommandId,
    ) -> Result<(), CloudCommandError> {
        let connection = self
            .sync()
            .view()
            .connection
            .ok_or(CloudCommandError::NoServer)?;
        let pool = self
            .cloud_commands()
            .panel()
            .pool(self, &connection)
            .await?;
        let answer = bounded(async {
            let mut conn = pool.acquire().await?;
            given_up(&mut conn, account, id).await
        })
        .await;
        match answer {
            Ok(done) => done,
            Err(e) => {
                self.cloud_commands().panel().forget().await;
                Err(remote_error(&connection, e).into())
            }
        }
    }
}

async fn bounded<T>(
    question: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    tokio::time::timeout(ASK_WITHIN, question)
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// The server's failure in the words Settings → Sync uses: unreachable
/// (with where), or what PostgreSQL said.
fn remote_error(connection: &ConnectionSettings, e: sqlx::Error) -> RemoteError {
    match e {
        sqlx::Error::Io(io) => RemoteError::Unreachable {
            host: connection.host.clone(),
            port: connection.port,
            detail: io.to_string(),
        },
        sqlx::Error::PoolTimedOut => RemoteError::Unreachable {
            host: connection.host.clone(),
            port: connection.port,
            detail: "timed out".to_owned(),
        },
        other => RemoteError::Database(other),
    }
}

async fn listed(
    app: &App,
    conn: &mut PgConnection,
    account: AccountId,
    state: Option<CommandState>,
    limit: Option<u32>,
) -> Result<Vec<CloudCommand>, sqlx::Error> {
    let here = zapdesk_sync::hlc::node_id(app.store().pool_for_sync()).await?;
    let statuses: Option<Vec<String>> =
        state.map(|s| s.statuses().iter().map(|s| (*s).to_owned()).collect());
    let limit = limit.unwrap_or(LIST_DEFAULT).clamp(1, LIST_MAX);
    // RLS (0012's members_read) lets the login see only its accounts'
    // rows; the account is named all the same, as every query does. The
    // pin is read through to_jsonb: a server before remote 0021 has no
    // such column (and pins nothing), and still lists its rows.
    let rows: Vec<ListedRow> = sqlx::query_as(&format!(
        "SELECT c.id, c.kind, c.instance_id, c.payload::text, c.status, c.attempts,
                c.error_code, c.error_message, c.claimed_by,
                coalesce(o.display_name, c.claimed_operator),
                (extract(epoch FROM c.created_at) * 1000)::bigint,
                (extract(epoch FROM c.finished_at) * 1000)::bigint,
                to_jsonb(c) ->> 'pinned_to',
                ({GIVE_UP_SQL})
         FROM zapdesk.commands c
         LEFT JOIN zapdesk.operators o ON o.role_name = c.claimed_operator
         WHERE c.account_id = $1 AND ($2::text[] IS NULL OR c.status = ANY ($2))
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $3"
    ))
    .bind(account.as_uuid())
    .bind(statuses)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    let (mut items, pinned_to): (Vec<CloudCommand>, Vec<Option<String>>) = rows
        .into_iter()
        .map(|row| {
            let (
                id,
                kind,
                instance,
                payload,
                status,
                attempts,
                code,
                message,
                node,
                who,
                at,
                end,
                pin,
                can_give_up,
            ) = row;
            let id = CommandId::from_uuid(id);
            // jsonb as text from the server is always JSON.
            let payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
            // A phone mapped from a numeric field arrives as a number.
            let field = |name: &str| match payload.get(name) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let detail = match kind.as_str() {
                "send_text" => field("text"),
                "add_tag" | "remove_tag" => field("tag"),
                "start_flow" => field("flow"),
                _ => None,
            };
            let root = chain_root(account, id, &payload);
            let item = CloudCommand {
                id,
                instance_id: instance.map(InstanceId::from_uuid),
                phone: field("phone"),
                detail,
                state: CommandState::of(&status),
                running: status == "running",
                attempts,
                error_code: code,
                error_message: message,
                ran_here: node.as_deref() == Some(here.as_str()),
                ran_by: who,
                created_ms: at,
                finished_ms: end,
                retry_of: (root != id).then_some(root),
                retried_as: None,
                pinned: pin.is_some(),
                pinned_here: pin.as_deref() == Some(here.as_str()),
                pinned_by: None,
                can_give_up,
                kind,
            };
            (item, pin)
        })
        .unzip();
    // Who is on each pinned desktop: the login of its latest claim of this
    // account (one read for the few desktops named, not one per row).
    let mut pins: Vec<String> = pinned_to.iter().flatten().cloned().collect();
    pins.sort();
    pins.dedup();
    if !pins.is_empty() {
        let named: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT ON (c.claimed_by) c.claimed_by,
                    coalesce(o.display_name, c.claimed_operator)
             FROM zapdesk.commands c
             LEFT JOIN zapdesk.operators o ON o.role_name = c.claimed_operator
             WHERE c.account_id = $1 AND c.claimed_by = ANY ($2)
               AND c.claimed_operator IS NOT NULL
             ORDER BY c.claimed_by, c.claimed_at DESC NULLS LAST",
        )
        .bind(account.as_uuid())
        .bind(&pins)
        .fetch_all(&mut *conn)
        .await?;
        for (item, pin) in items.iter_mut().zip(&pinned_to) {
            item.pinned_by = named
                .iter()
                .find(|(node, _)| pin.as_ref() == Some(node))
                .map(|(_, who)| who.clone());
        }
    }
    // Which failed rows were run again already: their retry's id is known.
    let retries: Vec<Uuid> = items
        .iter()
        .filter(|c| c.state == CommandState::Failed)
        .map(|c| retry_command(account, c.id).as_uuid())
        .collect();
    if !retries.is_empty() {
        let made: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM zapdesk.commands WHERE account_id = $1 AND id = ANY ($2)",
        )
        .bind(account.as_uuid())
        .bind(&retries)
        .fetch_all(&mut *conn)
        .await?;
        for item in items.iter_mut() {
            let retry = retry_command(account, item.id);
            if item.state == CommandState::Failed && made.contains(&retry.as_uuid()) {
                item.retried_as = Some(retry);
            }
        }
    }
    Ok(items)
}

/// Deletes a pinned waiting row of `account` (or says why not). One
/// statement: a desktop claiming the row at the same moment holds its lock,
/// and the delete then sees it `running`, just claimed, and leaves it.
async fn given_up(
    conn: &mut PgConnection,
    account: AccountId,
    id: CommandId,
) -> Result<Result<(), CloudCommandError>, sqlx::Error> {
    let deleted = sqlx::query(&format!(
        "DELETE FROM zapdesk.commands c WHERE c.account_id = $1 AND c.id = $2 AND {GIVE_UP_SQL}"
    ))
    .bind(account.as_uuid())
    .bind(id.as_uuid())
    .execute(&mut *conn)
    .await?;
    if deleted.rows_affected() == 1 {
        return Ok(Ok(()));
    }
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM zapdesk.commands WHERE account_id = $1 AND id = $2)",
    )
    .bind(account.as_uuid())
    .bind(id.as_uuid())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Err(if exists {
        CloudCommandError::NotAbandonable(id)
    } else {
        CloudCommandError::Unknown(id)
    }))
}

/// The new row for a failed one (inserted once), or why not.
async fn retried(
    conn: &mut PgConnection,
    account: AccountId,
    id: CommandId,
) -> Result<Result<CommandId, CloudCommandError>, sqlx::Error> {
    let found: Option<(Option<Uuid>, String, String, String)> = sqlx::query_as(
        "SELECT instance_id, kind, payload::text, status FROM zapdesk.commands
         WHERE account_id = $1 AND id = $2",
    )
    .bind(account.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((instance, kind, payload, status)) = found else {
        return Ok(Err(CloudCommandError::Unknown(id)));
    };
    if status != "failed" {
        return Ok(Err(CloudCommandError::NotFailed(id)));
    }
    let mut payload: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
    let root = chain_root(account, id, &payload);
    if let Value::Object(fields) = &mut payload {
        fields.insert(RETRY_OF.to_owned(), Value::String(root.to_string()));
        fields.insert(RETRY_PARENT.to_owned(), Value::String(id.to_string()));
    }
    // A payload that is not an object failed as `command_invalid` and fails
    // the same way again: copied as it is, the person sees the same answer.
    let new = retry_command(account, id);
    // ON CONFLICT: asked twice, one row. The columns phone/text/tag/flow
    // stay empty: the payload already holds what they said (0012's trigger
    // merged them into it).
    sqlx::query(
        "INSERT INTO zapdesk.commands (id, account_id, instance_id, kind, payload)
         VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(new.as_uuid())
    .bind(account.as_uuid())
    .bind(instance)
    .bind(kind)
    .bind(payload.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(Ok(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_of_retries_keeps_its_first_row_and_each_retry_id_is_stable() {
        let account = AccountId::from_uuid(Uuid::from_u128(1));
        let first = CommandId::from_uuid(Uuid::from_u128(2));
        assert_eq!(
            chain_root(account, first, &serde_json::json!({"phone": "+55"})),
            first
        );
        let again = retry_command(account, first);
        assert_eq!(again, retry_command(account, first));
        assert_ne!(again, first);
        let payload =
            serde_json::json!({ RETRY_OF: first.to_string(), RETRY_PARENT: first.to_string() });
        assert_eq!(chain_root(account, again, &payload), first);
        // A retry of the retry keeps the first row as its root.
        let third = retry_command(account, again);
        let payload =
            serde_json::json!({ RETRY_OF: first.to_string(), RETRY_PARENT: again.to_string() });
        assert_eq!(chain_root(account, third, &payload), first);
        // The same payload copied into a row of its own (an integration
        // re-inserting what it read): that row is its own root.
        let copied = CommandId::from_uuid(Uuid::from_u128(9));
        assert_eq!(chain_root(account, copied, &payload), copied);
        // Not an id: the row is its own root.
        assert_eq!(
            chain_root(
                account,
                again,
                &serde_json::json!({ RETRY_OF: 7, RETRY_PARENT: 8 })
            ),
            again
        );
        // Another account's retry of the same row is another row.
        let other = AccountId::from_uuid(Uuid::from_u128(3));
        assert_ne!(retry_command(other, first), again);
    }
}
