//! Webhook secrets through the agency's server (remote 0020; docs/webhooks.md,
//! "Where events are made, and who delivers"): the desktop that made or
//! rotated a secret publishes it to `zapdesk.webhook_secrets` (its owners'
//! and admins' table), and the desktop that must sign a number's events
//! fetches it through `zapdesk.webhook_secret`, which answers an owner or
//! admin, or a member holding a live lease of one of the account's numbers.
//!
//! The secret is only ever a bound parameter or a returned value: never in
//! an SQL text, an error or a log line (sqlx's statement log shows the SQL,
//! not the bound values).

use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use zapdesk_core::AccountId;
use zapdesk_core::ids::WebhookId;

/// How one publish or fetch ended, without the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretExchangeError {
    /// The webhook's row is not on the server yet (not pushed): publishing
    /// waits for the push (the secrets' key names the webhook).
    #[error("the webhook is not on the server yet")]
    NotPushedYet,
    /// The server refused (not an owner or admin of the account).
    #[error("the server refused: not an owner or admin of the account")]
    Refused,
    #[error("server: {0}")]
    Server(#[source] sqlx::Error),
}

fn classify(e: sqlx::Error) -> SecretExchangeError {
    match e.as_database_error().and_then(|d| d.code()).as_deref() {
        Some("23503") => SecretExchangeError::NotPushedYet,
        Some("42501") => SecretExchangeError::Refused,
        _ => SecretExchangeError::Server(e),
    }
}

async fn bounded<T>(
    within: Duration,
    question: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, SecretExchangeError> {
    match tokio::time::timeout(within, question).await {
        Ok(answer) => answer.map_err(classify),
        // As the engine says of a connection that does not come in time.
        Err(_) => Err(SecretExchangeError::Server(sqlx::Error::PoolTimedOut)),
    }
}

/// One connection to the server for a round of publishes and fetches.
pub struct RemoteSecrets {
    conn: PgConnection,
    within: Duration,
}

impl RemoteSecrets {
    pub async fn connect(
        remote: &PgConnectOptions,
        within: Duration,
    ) -> Result<RemoteSecrets, SecretExchangeError> {
        let conn = bounded(within, remote.connect()).await?;
        Ok(RemoteSecrets { conn, within })
    }

    /// Publishes `secret` as the webhook's `version`; an older version never
    /// replaces a newer one already there (a later rotation elsewhere), nor
    /// the same version another desktop published first (two secrets never
    /// share a version on the server: the first one stays, and a desktop
    /// that fetched it is not told a different one later).
    pub async fn publish(
        &mut self,
        account: AccountId,
        webhook: WebhookId,
        version: i64,
        secret: &str,
    ) -> Result<(), SecretExchangeError> {
        let within = self.within;
        bounded(
            within,
            sqlx::query(
                "INSERT INTO zapdesk.webhook_secrets AS s (account_id, webhook_id, version, secret)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id, webhook_id) DO UPDATE
                 SET version = EXCLUDED.version, secret = EXCLUDED.secret
                 WHERE s.version < EXCLUDED.version",
            )
            .bind(account.as_uuid())
            .bind(webhook.as_uuid())
            .bind(version)
            .bind(secret)
            .execute(&mut self.conn),
        )
        .await
        .map(|_| ())
    }

    /// The webhook's current secret and its version, when the server gives
    /// it to this login (`None`: not published yet, deleted, or not for
    /// this login: neither an admin nor a lease holder of the account).
    pub async fn fetch(
        &mut self,
        webhook: WebhookId,
    ) -> Result<Option<(i64, String)>, SecretExchangeError> {
        let within = self.within;
        bounded(
            within,
            sqlx::query_as::<_, (i64, String)>(
                "SELECT version, secret FROM zapdesk.webhook_secret($1)",
            )
            .bind(webhook.as_uuid())
            .fetch_optional(&mut self.conn),
        )
        .await
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}
