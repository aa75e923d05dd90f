//! A webhook's delivery log, and the two deliveries a person asks for:
//! "send again" and "send test event".

use sqlx::{Sqlite, Transaction};

use crate::ids::{DeliveryId, EventId, WebhookId};
use crate::time::now_ms;
use crate::{AccountId, InstanceId, Store};

use super::WebhookError;
use super::model::{Delivery, DeliveryStatus, EventType};

/// Most rows in one page of the log.
pub const PAGE_MAX: u32 = 200;

const COLUMNS: &str = "d.id, d.seq, d.webhook_id, e.id AS event_id, e.type AS event_type, \
                       e.instance_id, d.status, d.manual, d.attempts, d.next_attempt_at, \
                       d.last_status_code, d.last_error, d.last_duration_ms, d.created_at, d.delivered_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: DeliveryId,
    seq: i64,
    webhook_id: WebhookId,
    event_id: EventId,
    event_type: String,
    instance_id: Option<InstanceId>,
    status: DeliveryStatus,
    manual: bool,
    attempts: i64,
    next_attempt_at: Option<i64>,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    last_duration_ms: Option<i64>,
    created_at: i64,
    delivered_at: Option<i64>,
}

impl From<Row> for Delivery {
    fn from(row: Row) -> Delivery {
        Delivery {
            id: row.id,
            seq: row.seq,
            webhook_id: row.webhook_id,
            event_id: row.event_id,
            // The column's CHECK lists the names this ZapDesk knows.
            event_type: EventType::from_name(&row.event_type).unwrap_or(EventType::Test),
            instance_id: row.instance_id,
            status: row.status,
            manual: row.manual,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            last_duration_ms: row.last_duration_ms,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
        }
    }
}

/// The webhook's deliveries, newest first: `limit` of them (at most
/// [`PAGE_MAX`]) before the row whose `seq` is `before` (`None`: from the
/// newest).
pub async fn deliveries(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Delivery>, WebhookError> {
    super::store::get(store, account, webhook).await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
         WHERE d.account_id = ? AND d.webhook_id = ? AND d.seq < ?
         ORDER BY d.seq DESC LIMIT ?"
    ))
    .bind(account)
    .bind(webhook)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit.clamp(1, PAGE_MAX))
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(Delivery::from).collect())
}

pub async fn delivery(
    store: &Store,
    account: AccountId,
    id: DeliveryId,
) -> Result<Delivery, WebhookError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
         WHERE d.account_id = ? AND d.id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(Delivery::from)
        .ok_or(WebhookError::DeliveryUnknown(account))
}

/// "Send again". A delivery still waiting (pending or retrying) is not
/// copied: it is made due now, in its place in the contact's order, so it
/// ends once, and the events after it go on as soon as it is delivered (a
/// copy would leave it retrying behind the copy's 2xx). A delivery that has
/// ended (delivered or failed) gets a new delivery of the same event (same
/// event id, so the receiver can tell it is the same) to the same webhook,
/// due now: one attempt, outside the contact's order, even while the
/// webhook is off. Either way, the delivery that will be tried.
pub async fn redeliver(
    store: &Store,
    account: AccountId,
    delivery: DeliveryId,
) -> Result<Delivery, WebhookError> {
    let mut tx = store.write().await?;
    let found: Option<(WebhookId, i64, String)> = sqlx::query_as(
        "SELECT webhook_id, event_seq, status FROM webhook_deliveries WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(delivery)
    .fetch_optional(&mut *tx)
    .await?;
    let (webhook, event, status) = found.ok_or(WebhookError::DeliveryUnknown(account))?;
    let now = now_ms();
    let id = if status == "pending" || status == "retrying" {
        sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = min(coalesce(next_attempt_at, ?1), ?1)
             WHERE account_id = ?2 AND id = ?3",
        )
        .bind(now)
        .bind(account)
        .bind(delivery)
        .execute(&mut *tx)
        .await?;
        delivery
    } else {
        insert_manual(&mut tx, account, webhook, event, now).await?
    };
    tx.commit().await?;
    self::delivery(store, account, id).await
}

/// "Send test event": a `test` event for this webhook alone, due now, one
/// attempt (as [`redeliver`]), even while the webhook is off, so an address
/// can be tried before it is turned on.
pub async fn queue_test(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
) -> Result<Delivery, WebhookError> {
    let mut tx = store.write().await?;
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM webhooks WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(webhook)
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(WebhookError::Unknown(account));
    }
    let now = now_ms();
    let data = serde_json::json!({
        "message": "Evento de teste do ZapDesk / ZapDesk test event",
        "webhook_id": webhook,
    });
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_events (id, account_id, instance_id, contact_id, type, data, created_at, fanned_out)
         VALUES (?, ?, NULL, NULL, 'test', ?, ?, 1) RETURNING seq",
    )
    .bind(EventId::new())
    .bind(account)
    .bind(data.to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let id = insert_manual(&mut tx, account, webhook, event, now).await?;
    tx.commit().await?;
    self::delivery(store, account, id).await
}

/// A delivery a person asked for: due at `now`, tried once (it gives up at
/// its first failure), no contact order.
async fn insert_manual(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    webhook: WebhookId,
    event: i64,
    now: i64,
) -> Result<DeliveryId, sqlx::Error> {
    let id = DeliveryId::new();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, account_id, webhook_id, event_seq, order_key, manual, status,
                                         attempts, next_attempt_at, give_up_at, created_at)
         VALUES (?, ?, ?, ?, NULL, 1, 'pending', 0, ?, ?, ?)",
    )
    .bind(id)
    .bind(account)
    .bind(webhook)
    .bind(event)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
