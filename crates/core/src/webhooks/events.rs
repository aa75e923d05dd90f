//! Events written from Rust rather than by a trigger: a number's QR code,
//! which the store never holds (the fleet reports it as it rotates).
//! Every other event is written by the triggers of migration 0023, in the
//! transaction of the change that made it.

use crate::{AccountId, InstanceId, Store};

use super::WebhookError;

/// Queues a `number.qr` event with the QR's image (a PNG `data:` URL) and
/// its text, if the account has an enabled webhook subscribed to it.
/// Whether one was queued. Nothing else is written with it, so it is its
/// own transaction.
pub async fn record_qr(
    store: &Store,
    account: AccountId,
    instance: InstanceId,
    qr: &str,
    code: &str,
) -> Result<bool, WebhookError> {
    let done = sqlx::query(
        "INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
         SELECT n.account_id, n.id, NULL, 'number.qr',
                json_object('number', json(n.j), 'qr', ?, 'code', ?)
         FROM webhook_json_number n
         WHERE n.account_id = ? AND n.id = ?
           AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = n.account_id AND w.enabled = 1
                       AND w.events LIKE '%\"number.qr\"%')",
    )
    .bind(qr)
    .bind(code)
    .bind(account)
    .bind(instance)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}
