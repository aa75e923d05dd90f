//! The local API's `Idempotency-Key`: a client that did not get an answer
//! (a timeout, a crash of either side between accepting and answering)
//! sends the same request again with the same key, and it is done once.
//!
//! The message's id is derived from the account, the token, the key and
//! the request ([`message_id`]), so the outbox, idempotent by id, queues one
//! message however often the same request comes, even after a crash, and a
//! different request under an old key (forgotten here) is a new message,
//! never the old one answered again. The rows here only tell a retry from a
//! different request under a reused key (refused), and are kept a day.

use crate::ids::{ApiTokenId, natural};
use crate::time::now_ms;
use crate::{AccountId, MessageId, Store};

/// How long a key is remembered, in ms: a day, as clients retry within
/// minutes. After that a reused key with another request is no longer
/// refused; it queues that request as a new message (its id depends on the
/// request too), while the same request again still sends nothing twice.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest key, in bytes.
pub const KEY_MAX: usize = 255;

/// Whether the request may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key's first request: go on; the key is this request's, to
    /// [`release`] if it is refused with nothing done.
    First,
    /// A retry of the same request: go on (the work is idempotent by
    /// [`message_id`]), but the key stays claimed whatever happens, since
    /// an earlier try may have done the work.
    Retry,
    /// The key was used for a different request.
    Conflict,
}

/// The id of the message a request (`request`: its hash) sent with `key`
/// queues: the same on every retry, so the outbox queues it once; another
/// request under the same key gets another id.
pub fn message_id(
    account: AccountId,
    token: ApiTokenId,
    key: &str,
    request: &[u8; 32],
) -> MessageId {
    let hash: String = request.iter().map(|b| format!("{b:02x}")).collect();
    MessageId::from_uuid(natural(
        account,
        "api_send",
        &format!("{token}\u{0}{key}\u{0}{hash}"),
    ))
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
    let mut tx = store.write().await?;
    let claim = claim_in(&mut tx, account, token, key, request).await?;
    tx.commit().await?;
    Ok(claim)
}

/// A key claimed with a send queued in a batch ([`crate::inbox::outbox::enqueue_texts_once`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    pub token: ApiTokenId,
    pub key: String,
    /// The request's hash.
    pub request: [u8; 32],
}

/// [`claim`] in the caller's transaction (or savepoint): rolled back with
/// it, a first claim is released as [`release`] would.
pub(crate) async fn claim_in(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    token: ApiTokenId,
    key: &str,
    request: &[u8; 32],
) -> Result<Claim, sqlx::Error> {
    let now = now_ms();
    sqlx::query("DELETE FROM api_idempotency WHERE account_id = ? AND created_at < ?")
        .bind(account)
        .bind(now - KEEP_MS)
        .execute(&mut *conn)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO api_idempotency (account_id, token_id, key, request_hash, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, token_id, key) DO NOTHING",
    )
    .bind(account)
    .bind(token)
    .bind(key)
    .bind(request.as_slice())
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    let first: Vec<u8> = sqlx::query_scalar(
        "SELECT request_hash FROM api_idempotency WHERE account_id = ? AND token_id = ? AND key = ?",
    )
    .bind(account)
    .bind(token)
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    Ok(if first.as_slice() != request.as_slice() {
        Claim::Conflict
    } else if inserted {
        Claim::First
    } else {
        Claim::Retry
    })
}

/// Forgets `key` after its request was refused with nothing done (a phone
/// that is not one, an empty text): the client may fix the request and
/// send it again under the same key. Only for the request that claimed it
/// ([`Claim::First`]), with that request's hash: a retry's refusal must not
/// free a key whose first try queued the message.
pub async fn release(
    store: &Store,
    account: AccountId,
    token: ApiTokenId,
    key: &str,
    request: &[u8; 32],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency
         WHERE account_id = ? AND token_id = ? AND key = ? AND request_hash = ?",
    )
    .bind(account)
    .bind(token)
    .bind(key)
    .bind(request.as_slice())
    .execute(store.pool())
    .await?;
    Ok(())
}
