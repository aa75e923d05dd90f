//! Flows as stored: the draft an operator edits, the immutable versions it
//! is published into, and what starts it (triggers).

use serde::{Deserialize, Serialize};

use super::AutomationError;
use super::flow::{self, FlowDocument};
use crate::ids::{FlowId, FlowVersionId, TagId};
use crate::{AccountId, InstanceId, Store};

/// What starts a flow besides a keyword, a campaign reply and a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Trigger {
    /// The first message ever from a contact on a number (of `numbers`;
    /// empty: any).
    FirstMessage { numbers: Vec<InstanceId> },
    /// A message nothing else answered: at most once per contact every
    /// `hours`.
    NoMatch {
        hours: u32,
        numbers: Vec<InstanceId>,
    },
    /// A person added this tag to a contact.
    TagAdded { tag: TagId },
}

/// A flow as the list and the editor show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Flow {
    pub id: FlowId,
    pub account_id: AccountId,
    pub name: String,
    pub draft: FlowDocument,
    /// Give it back when saving: a save from an older revision is refused.
    pub revision: i64,
    pub published_version_id: Option<FlowVersionId>,
    pub triggers: Vec<Trigger>,
    pub enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Version {
    pub id: FlowVersionId,
    pub flow_id: FlowId,
    pub number: i64,
    pub document: FlowDocument,
    pub published_at: i64,
}

type Row = (
    FlowId,
    AccountId,
    String,
    String,
    i64,
    Option<FlowVersionId>,
    String,
    bool,
    i64,
    i64,
);

const COLUMNS: &str = "id, account_id, name, draft, revision, published_version_id, triggers, enabled, created_at, updated_at";

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> AutomationError {
    AutomationError::Database(sqlx::Error::Decode(Box::new(e)))
}

fn from_row(row: Row) -> Result<Flow, AutomationError> {
    let (id, account_id, name, draft, revision, published, triggers, enabled, c, u) = row;
    Ok(Flow {
        id,
        account_id,
        name,
        draft: flow::parse(&draft).map_err(|e| decode(std::io::Error::other(format!("{e:?}"))))?,
        revision,
        published_version_id: published,
        triggers: serde_json::from_str(&triggers).map_err(decode)?,
        enabled,
        created_at: c,
        updated_at: u,
    })
}

/// The account's flows, by name.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Flow>, AutomationError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flows WHERE account_id = ? ORDER BY name, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(from_row).collect()
}

/// One flow.
pub async fn get(store: &Store, account: AccountId, id: FlowId) -> Result<Flow, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flows WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    from_row(row.ok_or(AutomationError::FlowUnknown)?)
}

/// A published version, whole.
pub async fn version(
    store: &Store,
    account: AccountId,
    id: FlowVersionId,
) -> Result<Version, AutomationError> {
    let row: Option<(FlowVersionId, FlowId, i64, String, i64)> = sqlx::query_as(
        "SELECT id, flow_id, number, document, published_at FROM flow_versions WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let (id, flow_id, number, document, published_at) = row.ok_or(AutomationError::FlowUnknown)?;
    Ok(Version {
        id,
        flow_id,
        number,
        document: flow::parse(&document)
            .map_err(|e| decode(std::io::Error::other(format!("{e:?}"))))?,
        published_at,
    })
}
