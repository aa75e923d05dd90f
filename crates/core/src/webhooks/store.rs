//! An account's webhooks: the URLs it subscribed to events, in which format,
//! and whether each is on.

use crate::account_open;
use crate::ids::WebhookId;
use crate::time::now_ms;
use crate::{AccountId, Store};

use super::model::{DISABLED_MANUAL, EventType, Webhook, WebhookFormat, WebhookInput};
use super::{WebhookError, address};

const COLUMNS: &str = "id, account_id, url, events, format, enabled, failing_since, disabled_at, \
                       disabled_reason, created_at, updated_at";

/// A row as stored: `events` is the JSON array the triggers match on.
#[derive(sqlx::FromRow)]
struct Row {
    id: WebhookId,
    account_id: AccountId,
    url: String,
    events: String,
    format: WebhookFormat,
    enabled: bool,
    failing_since: Option<i64>,
    disabled_at: Option<i64>,
    disabled_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Webhook {
    fn from(row: Row) -> Webhook {
        Webhook {
            id: row.id,
            account_id: row.account_id,
            url: row.url,
            events: parse_events(&row.events),
            format: row.format,
            enabled: row.enabled,
            failing_since: row.failing_since,
            disabled_at: row.disabled_at,
            disabled_reason: row.disabled_reason,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The stored list; a name this ZapDesk does not know (written by a newer
/// one) is left out rather than failing the list.
pub(crate) fn parse_events(json: &str) -> Vec<EventType> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|name| EventType::from_name(name))
        .collect()
}

/// Whether the stored list names `event` (what the triggers ask with LIKE).
pub(crate) fn subscribes(json: &str, event: EventType) -> bool {
    json.contains(&format!("\"{}\"", event.name()))
}

/// Whether `input` would be taken, without writing anything: a caller that
/// must do something first (keep the new webhook's secret) asks this before,
/// so a bad address is refused for what it is whatever else fails.
pub fn check(input: &WebhookInput) -> Result<(), WebhookError> {
    validate(input).map(|_| ())
}

/// The address as it will be called and the events as stored, or why not.
fn validate(input: &WebhookInput) -> Result<(String, String), WebhookError> {
    let url = address::check(&input.url)?;
    let mut events: Vec<EventType> = Vec::new();
    for &event in &input.events {
        if event == EventType::Test {
            return Err(WebhookError::EventTest);
        }
        if !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        return Err(WebhookError::EventsEmpty);
    }
    let uncarried: Vec<&str> = events
        .iter()
        .filter(|e| !e.carried_by(input.format))
        .map(|e| e.name())
        .collect();
    if !uncarried.is_empty() {
        return Err(WebhookError::EvolutionEvents(uncarried.join(", ")));
    }
    // The names are fixed ASCII words: quoted as they are, they are JSON.
    let names: Vec<String> = events.iter().map(|e| format!("\"{}\"", e.name())).collect();
    Ok((url, format!("[{}]", names.join(","))))
}

/// The account's webhooks, oldest first.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Webhook>, WebhookError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE account_id = ? ORDER BY created_at, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

pub async fn get(
    store: &Store,
    account: AccountId,
    id: WebhookId,
) -> Result<Webhook, WebhookError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(Webhook::from).ok_or(WebhookError::Unknown(account))
}

/// Adds a webhook, on. Its secret is the app's to make and keep (the
/// keyring): nothing secret is stored here.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &WebhookInput,
) -> Result<Webhook, WebhookError> {
    create_as(store, account, WebhookId::new(), input).await
}

/// [`create`] with the id chosen by the caller: the app keeps the secret
/// under this id first, so no delivery can be attempted before its secret
/// exists.
pub async fn create_as(
    store: &Store,
    account: AccountId,
    id: WebhookId,
    input: &WebhookInput,
) -> Result<Webhook, WebhookError> {
    let (url, events) = validate(input)?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let now = now_ms();
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO webhooks (id, account_id, url, events, format, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(account)
    .bind(url)
    .bind(events)
    .bind(input.format)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Its first secret (version 1) is in this desktop's keyring already,
    // and goes to the agency's server once the account syncs.
    sqlx::query(
        "INSERT INTO webhook_secret_local (webhook_id, account_id, version, published, fetched_at)
         VALUES (?, ?, 1, 0, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Changes the address, events and format. Deliveries still waiting go to
/// the new address, in the new format.
pub async fn update(
    store: &Store,
    account: AccountId,
    id: WebhookId,
    input: &WebhookInput,
) -> Result<Webhook, WebhookError> {
    let (url, events) = validate(input)?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE webhooks SET url = ?, events = ?, format = ?, updated_at = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(url)
    .bind(events)
    .bind(input.format)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let row = row.ok_or(WebhookError::Unknown(account))?;
    tx.commit().await?;
    Ok(row.into())
}

/// Turns a webhook on or off. On again, it starts afresh (no failure
/// counted) and what waited meanwhile goes out; off, new events are not
/// queued for it.
pub async fn set_enabled(
    store: &Store,
    account: AccountId,
    id: WebhookId,
    on: bool,
) -> Result<Webhook, WebhookError> {
    let sql = if on {
        format!(
            "UPDATE webhooks SET enabled = 1, failing_since = NULL, last_failed_at = NULL, disabled_at = NULL,
                                 disabled_reason = NULL, updated_at = ?
             WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
        )
    } else {
        format!(
            "UPDATE webhooks SET enabled = 0, disabled_at = ?1, disabled_reason = '{DISABLED_MANUAL}',
                                 updated_at = ?1
             WHERE account_id = ?2 AND id = ?3 AND enabled = 1 RETURNING {COLUMNS}"
        )
    };
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(now_ms())
        .bind(account)
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    match row {
        Some(row) => Ok(row.into()),
        // Off already (the UI's second click): as it is.
        None => get(store, account, id).await,
    }
}

/// Deletes a webhook with its log and what it had still to deliver.
pub async fn delete(store: &Store, account: AccountId, id: WebhookId) -> Result<(), WebhookError> {
    let done = sqlx::query("DELETE FROM webhooks WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(WebhookError::Unknown(account));
    }
    Ok(())
}
