//! What an account has that keywords and flows refer to (numbers, fields,
//! tags, files, flows, operators), read inside the caller's transaction so a
//! check and the write it allows see the same account.

use std::collections::HashSet;

use sqlx::SqliteConnection;

use super::flow_check::Known;
use crate::fields::{CustomField, FieldKind};
use crate::ids::{AutomationFileId, FieldId, FlowId, TagId};
use crate::text::fold;
use crate::{AccountId, InstanceId, UserId};

pub(crate) async fn fields(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Vec<CustomField>, sqlx::Error> {
    let rows: Vec<(FieldId, String, String, FieldKind, String, i64)> = sqlx::query_as(
        "SELECT id, key, label, kind, choices, created_at FROM custom_fields
         WHERE account_id = ? ORDER BY created_at, rowid",
    )
    .bind(account)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, key, label, kind, choices, created_at)| CustomField {
            id,
            account_id: account,
            key,
            label,
            kind,
            choices: serde_json::from_str(&choices).unwrap_or_default(),
            created_at,
        })
        .collect())
}

/// The account's tags: id and name as stored.
pub(crate) async fn tags(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Vec<(TagId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM tags WHERE account_id = ?")
        .bind(account)
        .fetch_all(conn)
        .await
}

/// The stored name of the tag `name` names, compared folded as tags are
/// (`tags.rs`: "vip", "VIP" and "Víp" are one tag).
pub(crate) fn tag_named<'a>(tags: &'a [(TagId, String)], name: &str) -> Option<&'a str> {
    let key = fold(name.trim());
    tags.iter()
        .find(|(_, n)| fold(n) == key)
        .map(|(_, n)| n.as_str())
}

pub(crate) async fn number_exists(
    conn: &mut SqliteConnection,
    account: AccountId,
    number: InstanceId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM instances WHERE account_id = ? AND id = ?)")
        .bind(account)
        .bind(number)
        .fetch_one(conn)
        .await
}

pub(crate) async fn file_exists(
    conn: &mut SqliteConnection,
    account: AccountId,
    file: AutomationFileId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM automation_files WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(file)
    .fetch_one(conn)
    .await
}

/// `None`: the account has no such flow; else whether it is published.
pub(crate) async fn flow_published(
    conn: &mut SqliteConnection,
    account: AccountId,
    flow: FlowId,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT published_version_id IS NOT NULL FROM flows WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(flow)
    .fetch_optional(conn)
    .await
}

/// Operators are the agency's, not one account's.
pub(crate) async fn operator_exists(
    conn: &mut SqliteConnection,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)")
        .bind(user)
        .fetch_one(conn)
        .await
}

/// What a flow's check needs to know of the account: field keys and kinds,
/// tag names (folded), and the flows a `go_to_flow` may name.
pub(crate) async fn for_flows(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Known, sqlx::Error> {
    let fields = fields(&mut *conn, account).await?;
    let tags: HashSet<String> = tags(&mut *conn, account)
        .await?
        .into_iter()
        .map(|(_, name)| fold(name.trim()))
        .collect();
    let flows: Vec<FlowId> = sqlx::query_scalar("SELECT id FROM flows WHERE account_id = ?")
        .bind(account)
        .fetch_all(&mut *conn)
        .await?;
    // Keys and kinds: an answer saved into a field is checked against it.
    Ok(Known {
        tags,
        flows: flows.into_iter().map(|f| f.to_string()).collect(),
        ..Known::default()
    }
    .with_fields(&fields))
}
