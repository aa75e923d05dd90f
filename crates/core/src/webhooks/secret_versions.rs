//! Which version of each webhook's secret this desktop keeps (migrations
//! 0037): the synced `webhooks.secret_version` says which secret signs now;
//! `webhook_secret_local` says which one this desktop's keyring holds and
//! whether the agency's server got it from here. The secret itself is the
//! app's (the keyring); nothing secret is stored here.

use crate::ids::WebhookId;
use crate::time::now_ms;
use crate::{AccountId, Store};

use super::WebhookError;

/// "Rotate secret": the webhook's next version, kept here (the caller puts
/// the new secret in the keyring next) and to be published. One transaction:
/// the synced version and this desktop's record move together. The next
/// version is after both the row's and the one this keyring holds (fetched
/// before the rotation's row was pulled here): a version number is never
/// used for two secrets made one after the other.
pub async fn rotated(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
) -> Result<i64, WebhookError> {
    let mut tx = store.write().await?;
    let version: Option<i64> = sqlx::query_scalar(
        "UPDATE webhooks SET
             secret_version = max(secret_version,
                                  coalesce((SELECT l.version FROM webhook_secret_local l
                                            WHERE l.account_id = ?2 AND l.webhook_id = ?3), 0)) + 1,
             updated_at = ?1
         WHERE account_id = ?2 AND id = ?3 RETURNING secret_version",
    )
    .bind(now_ms())
    .bind(account)
    .bind(webhook)
    .fetch_optional(&mut *tx)
    .await?;
    let version = version.ok_or(WebhookError::Unknown(account))?;
    sqlx::query(
        "INSERT INTO webhook_secret_local (webhook_id, account_id, version, published, fetched_at)
         VALUES (?1, ?2, ?3, 0, ?4)
         ON CONFLICT (webhook_id) DO UPDATE SET version = ?3, published = 0, fetched_at = ?4
         WHERE webhook_secret_local.account_id = ?2",
    )
    .bind(webhook)
    .bind(account)
    .bind(version)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Whether this desktop holds the secret that signs now: its kept version
/// is the webhook's (or later: fetched before the rotation's row was
/// pulled). A delivery waits otherwise; never signed with an older secret.
pub async fn ready(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce((SELECT l.version FROM webhook_secret_local l
                          WHERE l.account_id = w.account_id AND l.webhook_id = w.id), 0)
                >= w.secret_version
         FROM webhooks w WHERE w.account_id = ? AND w.id = ?",
    )
    .bind(account)
    .bind(webhook)
    .fetch_optional(store.pool())
    .await
    .map(|ready| ready.unwrap_or(false))
}

/// The version this desktop's keyring holds (`None`: none).
pub async fn kept(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT version FROM webhook_secret_local WHERE account_id = ? AND webhook_id = ?",
    )
    .bind(account)
    .bind(webhook)
    .fetch_optional(store.pool())
    .await
}

/// The server has `version` from here (not if a newer one was made here
/// meanwhile: that one is still to publish).
pub async fn published(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_secret_local SET published = 1
         WHERE account_id = ? AND webhook_id = ? AND version = ?",
    )
    .bind(account)
    .bind(webhook)
    .bind(version)
    .execute(store.pool())
    .await
    .map(|_| ())
}

/// `version`, fetched from the server, is in this desktop's keyring now
/// (never moves the record back: a later version kept meanwhile stays), and
/// the webhook's deliveries that waited for it ([`Outcome::Waiting`]) are
/// due at once instead of after their backoff. One transaction.
///
/// [`Outcome::Waiting`]: super::queue::Outcome::Waiting
pub async fn fetched(
    store: &Store,
    account: AccountId,
    webhook: WebhookId,
    version: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let mut tx = store.write().await?;
    sqlx::query(
        "INSERT INTO webhook_secret_local (webhook_id, account_id, version, published, fetched_at)
         VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (webhook_id) DO UPDATE SET version = ?3, published = 1, fetched_at = ?4
         WHERE webhook_secret_local.account_id = ?2 AND webhook_secret_local.version < ?3",
    )
    .bind(webhook)
    .bind(account)
    .bind(version)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = ?
         WHERE account_id = ? AND webhook_id = ? AND status = 'retrying'
           AND last_error = ? AND next_attempt_at > ?",
    )
    .bind(now)
    .bind(account)
    .bind(webhook)
    .bind(super::queue::SECRET_NOT_HERE)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
