//! What the app's secret exchange has to do, over every account this
//! desktop shares through the agency's server (an account with a sync
//! cursor: pulled at least once): secrets made here and not published yet,
//! secrets this desktop is behind on, and keyring entries of webhooks that
//! are gone (deleted here or by another desktop's delete, pulled).

use crate::ids::WebhookId;
use crate::{AccountId, Store};

/// One webhook's secret to publish or to fetch: its account, id and version
/// (to publish: the one kept here; to fetch: the one that signs now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SecretTask {
    pub account: AccountId,
    pub webhook: WebhookId,
    pub version: i64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SecretWork {
    pub publish: Vec<SecretTask>,
    pub fetch: Vec<SecretTask>,
    /// Webhooks gone from this store whose secret this desktop still keeps.
    pub gone: Vec<WebhookId>,
}

impl SecretWork {
    pub fn is_empty(&self) -> bool {
        self.publish.is_empty() && self.fetch.is_empty() && self.gone.is_empty()
    }
}

pub async fn secret_work(store: &Store) -> Result<SecretWork, sqlx::Error> {
    let publish = sqlx::query_as(
        "SELECT l.account_id AS account, l.webhook_id AS webhook, l.version
         FROM webhook_secret_local l
         JOIN webhooks w ON w.account_id = l.account_id AND w.id = l.webhook_id
         WHERE l.published = 0
           AND EXISTS (SELECT 1 FROM sync_cursor c WHERE c.account_id = l.account_id)",
    )
    .fetch_all(store.pool())
    .await?;
    let fetch = sqlx::query_as(
        "SELECT w.account_id AS account, w.id AS webhook, w.secret_version AS version
         FROM webhooks w
         LEFT JOIN webhook_secret_local l ON l.account_id = w.account_id AND l.webhook_id = w.id
         WHERE coalesce(l.version, 0) < w.secret_version
           AND EXISTS (SELECT 1 FROM sync_cursor c WHERE c.account_id = w.account_id)",
    )
    .fetch_all(store.pool())
    .await?;
    let gone = sqlx::query_scalar(
        "SELECT l.webhook_id FROM webhook_secret_local l
         WHERE NOT EXISTS (SELECT 1 FROM webhooks w
                           WHERE w.account_id = l.account_id AND w.id = l.webhook_id)",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(SecretWork {
        publish,
        fetch,
        gone,
    })
}

/// The keyring entry of a gone webhook was forgotten: so is its record.
pub async fn forgotten(store: &Store, webhook: WebhookId) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM webhook_secret_local WHERE webhook_id = ?1
         AND NOT EXISTS (SELECT 1 FROM webhooks w
                         WHERE w.account_id = webhook_secret_local.account_id AND w.id = ?1)",
    )
    .bind(webhook)
    .execute(store.pool())
    .await
    .map(|_| ())
}
