//! Actions from the cloud (issue 17, part 5): rows of the agency's
//! `zapdesk.commands` (migrations/postgres/0012_commands.sql) that Zapier,
//! Make or n8n insert — send a text, add or remove a tag, start a flow —
//! and that the desktop running the number executes once
//! (`zapdesk-app`'s `cloud_commands`, docs/integrations.md).
//!
//! This module is the PostgreSQL side only: claiming rows for this desktop
//! ([`claim`]), checking a claim is still ours before executing a row
//! ([`hold`]), writing the outcome back ([`finish`]), giving back what was
//! not executed ([`release`]), hearing new rows at once ([`listen`]), and
//! reading what a row asks for ([`Command::action`]).
//!
//! Once, under crashes: a claim marks the rows `running` for this desktop
//! (its node id and login); a desktop killed between the claim and the
//! finish claims the same rows again at its next claim and executes them
//! again, which the executor makes harmless (the message id and the flow
//! session id come from the command id, and both sync: found, on any
//! desktop, instead of queued or started again; a tag added twice is one
//! tag). Who executes is the
//! server's decision, by the number leases (0004): only the holder of the
//! command's number (or of a number of the account, for a row without one).

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uuid::Uuid;
use zapdesk_core::ids::{CommandId, FlowId};
use zapdesk_core::{AccountId, ErrorCode, InstanceId, Lang, Store, UserError};

use crate::connection::ConnectionSettings;
use crate::error::RemoteError;
use crate::secret::SavedPassword;

/// How many rows one claim takes: a burst of inserts (a Zap replaying a
/// spreadsheet) is executed in batches, each row finished as soon as done.
pub const BATCH: u32 = 20;

/// Appended to an account's channel (0007) to name its channel of new commands.
pub const CHANNEL_SUFFIX: &str = "_commands";

/// The kinds the schema accepts (0012's CHECK), as Zapier's and Make's rows name them.
pub const KINDS: [&str; 4] = ["send_text", "add_tag", "remove_tag", "start_flow"];

/// A row claimed by this desktop.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub id: CommandId,
    pub account: AccountId,
    /// The number that must execute it; `None`: the contact's usual one.
    pub instance: Option<InstanceId>,
    pub kind: String,
    pub payload: Value,
    /// How many times it was claimed, this claim included (1: the first).
    pub attempts: i32,
    /// This desktop's clock (Unix ms) when it first claimed the row
    /// (informative: nothing relies on it).
    pub claimed_local_ms: i64,
    /// When the row was inserted, by the server's clock (Unix ms).
    pub created_ms: i64,
}

/// What a command asks for, read from its kind and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A text message to a phone (files are not sent from the cloud: the
    /// table carries no bytes, and fetching a URL is out of scope).
    SendText { phone: String, text: String },
    /// The tag named so (created if the account has none) on the contact of
    /// the phone (created if new).
    AddTag { phone: String, tag: String },
    /// The tag off the contact, which must exist, as must the tag.
    RemoveTag { phone: String, tag: String },
    /// A published flow, by id or name, in the contact's conversation.
    StartFlow { phone: String, flow: FlowRef },
}

/// A flow as a row names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowRef {
    Id(FlowId),
    /// Its name, compared without case and accents as the flow list does.
    Name(String),
}

/// A command whose kind or payload cannot be executed as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandInvalid {
    #[error("payload is not a JSON object")]
    NotAnObject,
    #[error("unknown kind {0}")]
    UnknownKind(String),
    #[error("{kind} needs {field}")]
    Missing { kind: String, field: &'static str },
    #[error("{kind}: {field} is not text")]
    NotText { kind: String, field: &'static str },
}

impl UserError for CommandInvalid {
    fn code(&self) -> ErrorCode {
        ErrorCode::CommandInvalid
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CommandInvalid::NotAnObject, Lang::PtBr) => {
                "O payload do comando não é um objeto JSON. Use, por exemplo, \
                 {\"phone\": \"+5511999998888\", \"text\": \"Olá!\"}, ou preencha as colunas \
                 phone, text, tag e flow, e insira o comando de novo."
                    .to_owned()
            }
            (CommandInvalid::NotAnObject, Lang::En) => {
                "The command's payload is not a JSON object. Use, for example, \
                 {\"phone\": \"+5511999998888\", \"text\": \"Hello!\"}, or fill in the phone, \
                 text, tag and flow columns, and insert the command again."
                    .to_owned()
            }
            (CommandInvalid::UnknownKind(kind), Lang::PtBr) => format!(
                "Este ZapDesk não conhece o comando \"{kind}\". Atualize o ZapDesk ou use {}.",
                KINDS.join(", ")
            ),
            (CommandInvalid::UnknownKind(kind), Lang::En) => format!(
                "This ZapDesk does not know the command \"{kind}\". Update ZapDesk or use {}.",
                KINDS.join(", ")
            ),
            (CommandInvalid::Missing { kind, field }, Lang::PtBr) => format!(
                "O comando {kind} precisa do campo \"{field}\" (no payload ou na coluna {field}). \
                 Insira o comando de novo com ele."
            ),
            (CommandInvalid::Missing { kind, field }, Lang::En) => format!(
                "The {kind} command needs the \"{field}\" field (in the payload or the {field} \
                 column). Insert the command again with it."
            ),
            (CommandInvalid::NotText { kind, field }, Lang::PtBr) => format!(
                "O campo \"{field}\" do comando {kind} precisa ser um texto. Corrija-o e insira o \
                 comando de novo."
            ),
            (CommandInvalid::NotText { kind, field }, Lang::En) => format!(
                "The \"{field}\" field of the {kind} command must be text. Correct it and insert \
                 the command again."
            ),
        }
    }
}

impl Command {
    /// What the row asks for, or why it cannot be done as written.
    pub fn action(&self) -> Result<Action, CommandInvalid> {
        let fields = self
            .payload
            .as_object()
            .ok_or(CommandInvalid::NotAnObject)?;
        let kind = self.kind.as_str();
        let field = |name: &'static str| -> Result<String, CommandInvalid> {
            match fields.get(name) {
                None | Some(Value::Null) => Err(CommandInvalid::Missing {
                    kind: kind.to_owned(),
                    field: name,
                }),
                Some(Value::String(s)) if s.trim().is_empty() => Err(CommandInvalid::Missing {
                    kind: kind.to_owned(),
                    field: name,
                }),
                Some(Value::String(s)) => Ok(s.clone()),
                // A phone mapped from a numeric field arrives as a number.
                Some(Value::Number(n)) if name == "phone" => Ok(n.to_string()),
                Some(_) => Err(CommandInvalid::NotText {
                    kind: kind.to_owned(),
                    field: name,
                }),
            }
        };
        Ok(match kind {
            "send_text" => Action::SendText {
                phone: field("phone")?,
                text: field("text")?,
            },
            "add_tag" => Action::AddTag {
                phone: field("phone")?,
                tag: field("tag")?,
            },
            "remove_tag" => Action::RemoveTag {
                phone: field("phone")?,
                tag: field("tag")?,
            },
            "start_flow" => {
                let phone = field("phone")?;
                let flow = field("flow")?;
                let flow = match flow.trim().parse::<FlowId>() {
                    Ok(id) => FlowRef::Id(id),
                    Err(_) => FlowRef::Name(flow.trim().to_owned()),
                };
                Action::StartFlow { phone, flow }
            }
            other => return Err(CommandInvalid::UnknownKind(other.to_owned())),
        })
    }
}

/// How a command ended, as written back to its row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `done`, with what was done (ids of the message, tag, session…).
    Done(Value),
    /// `failed`, with ZapDesk's code and a text for a person.
    Failed { code: ErrorCode, message: String },
}

impl Outcome {
    /// The failure of `error`, its text in `lang`.
    pub fn failed(error: &dyn UserError, lang: Lang) -> Outcome {
        Outcome::Failed {
            code: error.code(),
            message: error.message(lang),
        }
    }
}

type ClaimedRow = (Uuid, Uuid, Option<Uuid>, String, String, i32, i64, i64);

/// Claims up to `max` commands for this desktop (`node`, on the login of
/// `conn`) among those of the `numbers` it runs and whose lease it holds,
/// oldest first; rows it claimed before and never finished come back too.
/// `local_ms` is this desktop's clock now (see [`Command::claimed_local_ms`]).
pub async fn claim(
    conn: &mut PgConnection,
    node: &str,
    numbers: &[InstanceId],
    local_ms: i64,
    max: u32,
) -> Result<Vec<Command>, sqlx::Error> {
    let numbers: Vec<Uuid> = numbers.iter().map(InstanceId::as_uuid).collect();
    let rows: Vec<ClaimedRow> = sqlx::query_as(
        "SELECT id, account_id, instance_id, kind, payload::text, attempts, claimed_local_ms, created_ms
         FROM zapdesk.claim_commands($1, $2, $3, $4)",
    )
    .bind(node)
    .bind(numbers)
    .bind(local_ms)
    .bind(i32::try_from(max.clamp(1, 100)).unwrap_or(1))
    .fetch_all(conn)
    .await?;
    let mut claimed: Vec<Command> = rows
        .into_iter()
        .map(
            |(id, account, instance, kind, payload, attempts, first, created)| Command {
                id: CommandId::from_uuid(id),
                account: AccountId::from_uuid(account),
                instance: instance.map(InstanceId::from_uuid),
                kind,
                // jsonb as text from the server is always JSON.
                payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                attempts,
                claimed_local_ms: first,
                created_ms: created,
            },
        )
        .collect();
    // RETURNING keeps no order: executed in the order they were written.
    claimed.sort_by_key(|c| (c.created_ms, c.id));
    Ok(claimed)
}

/// Writes a claimed command's outcome; `false` when this desktop no longer
/// holds the claim (another desktop took it over after ten minutes).
pub async fn finish(
    conn: &mut PgConnection,
    node: &str,
    id: CommandId,
    outcome: &Outcome,
) -> Result<bool, sqlx::Error> {
    let (succeeded, result, code, message) = match outcome {
        Outcome::Done(result) => (true, Some(result.to_string()), None, None),
        Outcome::Failed { code, message } => {
            let code = serde_json::to_value(code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            (false, None, code, Some(message.clone()))
        }
    };
    sqlx::query_scalar("SELECT zapdesk.finish_command($1, $2, $3, $4::jsonb, $5, $6)")
        .bind(id.as_uuid())
        .bind(node)
        .bind(succeeded)
        .bind(result)
        .bind(code)
        .bind(message)
        .fetch_one(conn)
        .await
}

/// Whether this desktop still holds the claim of `id` (renewing it: see
/// 0012's `hold_command`). Asked before executing a claimed row: a desktop
/// that slept or lost its connection for ten minutes may have lost the row
/// to another desktop, which executes it instead.
pub async fn hold(conn: &mut PgConnection, node: &str, id: CommandId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT zapdesk.hold_command($1, $2)")
        .bind(id.as_uuid())
        .bind(node)
        .fetch_one(conn)
        .await
}

/// Gives back, pending again, the rows this desktop claimed and has not
/// finished (`only`: those of them; `None`: all): another desktop running
/// their number claims them at once instead of ten minutes later. How many.
pub async fn release(
    conn: &mut PgConnection,
    node: &str,
    only: Option<&[CommandId]>,
) -> Result<i32, sqlx::Error> {
    let only: Option<Vec<Uuid>> = only.map(|ids| ids.iter().map(CommandId::as_uuid).collect());
    sqlx::query_scalar("SELECT zapdesk.release_commands($1, $2)")
        .bind(node)
        .bind(only)
        .fetch_one(conn)
        .await
}

/// This desktop's connection to the commands table: one connection (the
/// operator's login) and the desktop's node id, each question bounded so a
/// dead link is an error within `within`, not a wait of minutes.
pub struct RemoteCommands {
    conn: PgConnection,
    node: String,
    within: Duration,
}

impl RemoteCommands {
    pub async fn connect(
        store: &Store,
        remote: &PgConnectOptions,
        within: Duration,
    ) -> Result<RemoteCommands, sqlx::Error> {
        let node = crate::hlc::node_id(store.pool_for_sync()).await?;
        let conn = bounded(within, remote.connect()).await?;
        Ok(RemoteCommands { conn, node, within })
    }

    /// This desktop's id, as in its leases and its claims.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// [`claim`] for this desktop.
    pub async fn claim(
        &mut self,
        numbers: &[InstanceId],
        local_ms: i64,
        max: u32,
    ) -> Result<Vec<Command>, sqlx::Error> {
        let within = self.within;
        bounded(
            within,
            claim(&mut self.conn, &self.node, numbers, local_ms, max),
        )
        .await
    }

    /// [`finish`] for this desktop.
    pub async fn finish(&mut self, id: CommandId, outcome: &Outcome) -> Result<bool, sqlx::Error> {
        let within = self.within;
        bounded(within, finish(&mut self.conn, &self.node, id, outcome)).await
    }

    /// [`hold`] for this desktop.
    pub async fn hold(&mut self, id: CommandId) -> Result<bool, sqlx::Error> {
        let within = self.within;
        bounded(within, hold(&mut self.conn, &self.node, id)).await
    }

    /// [`release`] of all this desktop's unfinished rows.
    pub async fn release_all(&mut self) -> Result<i32, sqlx::Error> {
        let within = self.within;
        bounded(within, release(&mut self.conn, &self.node, None)).await
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}

async fn bounded<T>(
    within: Duration,
    question: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    tokio::time::timeout(within, question)
        .await
        // As the engine says of a connection that does not come in time.
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// How to reach the server of a saved connection: its settings and the
/// password the credential store keeps for them.
pub fn remote_of(connection: &ConnectionSettings) -> Result<PgConnectOptions, RemoteError> {
    let password = SavedPassword::of(connection)?.load()?;
    connection.connect_options(&password)
}

/// New commands of the caller's accounts, as the server pokes them.
pub struct Pokes {
    rx: mpsc::UnboundedReceiver<AccountId>,
    task: JoinHandle<()>,
}

impl Pokes {
    /// The account of the next new command(s); `None` once the listening
    /// connection is lost (whatever was inserted meanwhile is not told:
    /// claim again after listening anew).
    pub async fn next(&mut self) -> Option<AccountId> {
        self.rx.recv().await
    }

    /// Forgets the pokes already received: one claim answers them all (a
    /// Zap writing a hundred rows pokes a hundred times).
    pub fn clear(&mut self) {
        while self.rx.try_recv().is_ok() {}
    }
}

/// Whether `e` says the server has no commands yet (provisioned before
/// remote migration 0012): `zapdesk-cli remote provision` upgrades it.
pub fn is_schema_missing(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        // undefined_function, undefined_table
        .is_some_and(|code| code == "42883" || code == "42P01")
}

impl Drop for Pokes {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// LISTENs, on a connection of its own, to the command channels of the
/// caller's accounts (each account's random channel of 0007 with
/// [`CHANNEL_SUFFIX`]; read once: an account joined later is heard from
/// the next call). Listen before claiming: a row inserted after the claim's
/// snapshot is then heard.
pub async fn listen(remote: &PgConnectOptions, within: Duration) -> Result<Pokes, sqlx::Error> {
    // Each step bounded: a server that accepts the connection and then
    // answers nothing is an error within `within`, not a wait of minutes.
    bounded(within, listening(remote, within)).await
}

async fn listening(remote: &PgConnectOptions, within: Duration) -> Result<Pokes, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(within)
        .connect_with(remote.clone())
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT account_id, channel FROM zapdesk.my_channels()")
            .fetch_all(&mut listener)
            .await?;
    let channels: HashMap<String, AccountId> = rows
        .into_iter()
        .map(|(account, channel)| {
            (
                format!("{channel}{CHANNEL_SUFFIX}"),
                AccountId::from_uuid(account),
            )
        })
        .collect();
    if !channels.is_empty() {
        listener
            .listen_all(channels.keys().map(String::as_str))
            .await?;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        while let Ok(Some(n)) = listener.try_recv().await {
            // Only a channel's own account counts (a member may NOTIFY
            // anything on a channel they know; it costs one claim).
            if let Some(account) = channels.get(n.channel()).copied()
                && n.payload() == account.to_string()
                && tx.send(account).is_err()
            {
                break;
            }
        }
        drop(pool);
    });
    Ok(Pokes { rx, task })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn command(kind: &str, payload: Value) -> Command {
        Command {
            id: CommandId::new(),
            account: AccountId::new(),
            instance: None,
            kind: kind.to_owned(),
            payload,
            attempts: 1,
            claimed_local_ms: 0,
            created_ms: 0,
        }
    }

    #[test]
    fn each_kind_reads_its_fields() {
        let flow = FlowId::new();
        let cases = [
            (
                command(
                    "send_text",
                    json!({"phone": "+5511987650001", "text": " Oi\n"}),
                ),
                Action::SendText {
                    phone: "+5511987650001".into(),
                    text: " Oi\n".into(),
                },
            ),
            (
                command("add_tag", json!({"phone": 5511987650001u64, "tag": "VIP"})),
                Action::AddTag {
                    phone: "5511987650001".into(),
                    tag: "VIP".into(),
                },
            ),
            (
                command(
                    "remove_tag",
                    json!({"phone": "11 98765-0001", "tag": "Lead"}),
                ),
                Action::RemoveTag {
                    phone: "11 98765-0001".into(),
                    tag: "Lead".into(),
                },
            ),
            (
                command(
                    "start_flow",
                    json!({"phone": "+55", "flow": flow.to_string()}),
                ),
                Action::StartFlow {
                    phone: "+55".into(),
                    flow: FlowRef::Id(flow),
                },
            ),
            (
                command(
                    "start_flow",
                    json!({"phone": "+55", "flow": " Boas-vindas "}),
                ),
                Action::StartFlow {
                    phone: "+55".into(),
                    flow: FlowRef::Name("Boas-vindas".into()),
                },
            ),
        ];
        for (command, expected) in cases {
            assert_eq!(command.action(), Ok(expected), "{command:?}");
        }
    }

    #[test]
    fn a_payload_that_cannot_be_executed_says_what_to_fix_in_both_languages() {
        let cases = [
            (
                command("send_text", json!(["+5511987650001", "Oi"])),
                CommandInvalid::NotAnObject,
            ),
            (
                command("send_text", json!({"phone": "+5511987650001"})),
                CommandInvalid::Missing {
                    kind: "send_text".into(),
                    field: "text",
                },
            ),
            (
                command("add_tag", json!({"phone": "+5511987650001", "tag": "  "})),
                CommandInvalid::Missing {
                    kind: "add_tag".into(),
                    field: "tag",
                },
            ),
            (
                command("start_flow", json!({"phone": "+5511987650001", "flow": 3})),
                CommandInvalid::NotText {
                    kind: "start_flow".into(),
                    field: "flow",
                },
            ),
            (
                command("send_file", json!({"phone": "+5511987650001"})),
                CommandInvalid::UnknownKind("send_file".into()),
            ),
        ];
        for (command, expected) in cases {
            let err = command.action().unwrap_err();
            assert_eq!(err, expected);
            assert_eq!(err.code(), ErrorCode::CommandInvalid);
            let (pt, en) = (err.message(Lang::PtBr), err.message(Lang::En));
            assert_ne!(pt, en);
            for text in [&pt, &en] {
                assert!(!text.is_empty());
            }
        }
        let missing = command("send_text", json!({"phone": "+55"}))
            .action()
            .unwrap_err();
        assert!(missing.message(Lang::PtBr).contains("\"text\""));
        assert!(missing.message(Lang::En).contains("\"text\""));
    }
}
