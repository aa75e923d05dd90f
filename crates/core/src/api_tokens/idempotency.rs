//! The local API's `Idempotency-Key`: a client that did not get an answer
//! (a timeout, a crash of either side between accepting and answering)
//! sends the same request again with the same key, and it is done once.
//!
//! The message's id is derived from the account, the token and the key
//! ([`message_id`]), so the outbox, idempotent by id, queues one message
//! however often the request comes, even after a crash. The rows here only
//! tell a retry from a different request under a reused key (refused), and
//! are kept a day.

use crate::ids::{ApiTokenId, natural};
use crate::time::now_ms;
use crate::{AccountId, MessageId, Store};

/// How long a key is remembered, in ms: a day, as clients retry within
/// minutes. After that a reused key with another request is no longer
/// refused, but still sends nothing twice (the message id is the same).
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest key, in bytes.
pub const KEY_MAX: usize = 255;

/// Whether the request may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key's first request, or a retry of the same request: go on (the
    /// work is idempotent by [`message_id`]).
    Go,
    /// The key was used for a different request.
    Conflict,
}

/// The id of the message a request sent with `key` queues: the same on
/// every retry, so the outbox queues it once.
pub fn message_id(account: AccountId, token: ApiTokenId, key: &str) -> MessageId {
    MessageId::from_uuid(natural(account, "api_send", &format!("{token}\u{0}{key}")))
}

/// Records `key` for `request` (a hash of the method, path and body), or
/// compares it with the request it was first used for. Keys older than a
/// day are forgotten here too.
pub async fn claim(
    store: &Store,
    account: AccountId,
    token: ApiTokenId,
    key: &str,
    request: &[u8; 32],
) -> Result<Claim, sqlx::Error> {
    let now = now_ms();
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM api_idempotency WHERE account_id = ? AND created_at < ?")
        .bind(account)
        .bind(now - KEEP_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO api_idempotency (account_id, token_id, key, request_hash, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, token_id, key) DO NOTHING",
    )
    .bind(account)
    .bind(token)
    .bind(key)
    .bind(request.as_slice())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let first: Vec<u8> = sqlx::query_scalar(
        "SELECT request_hash FROM api_idempotency WHERE account_id = ? AND token_id = ? AND key = ?",
    )
    .bind(account)
    .bind(token)
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if first.as_slice() == request.as_slice() {
        Claim::Go
    } else {
        Claim::Conflict
    })
}

/// Forgets `key` after its request was refused with nothing done (a phone
/// that is not one, an empty text): the client may fix the request and
/// send it again under the same key.
pub async fn release(
    store: &Store,
    account: AccountId,
    token: ApiTokenId,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM api_idempotency WHERE account_id = ? AND token_id = ? AND key = ?")
        .bind(account)
        .bind(token)
        .bind(key)
        .execute(store.pool())
        .await?;
    Ok(())
}
