//! The sender's work, for every account at once (one sender per desktop,
//! like the bot's runner): turning events into deliveries, picking the
//! deliveries due, recording each attempt, and the log's upkeep. Every
//! function takes the time, so tests move the clock instead of waiting.

use std::collections::BTreeSet;

use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

use crate::ids::{DeliveryId, EventId, WebhookId};
use crate::{AccountId, ContactId, InstanceId, Store};

use super::model::{DISABLED_FAILING, EventType, WebhookFormat};
use super::retry::RetryPolicy;
use super::store::subscribes;

/// How long delivered and failed deliveries stay in the log.
pub const KEEP_MS: i64 = 7 * 86_400_000;

/// Rows per INSERT (8 values each, well under SQLite's 32 766 variables).
const CHUNK: usize = 1_000;

/// How long after its event a `number.qr` is still worth delivering: WhatsApp
/// shows a new code every few seconds, so an old one connects nothing.
pub const QR_WINDOW_MS: i64 = 60_000;

/// Rows the log's upkeep changes per transaction, so a message being stored
/// never waits long for the write lock.
pub const PRUNE_BATCH: i64 = 500;

/// What [`fan_out`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FannedOut {
    /// Events taken (with or without a webhook to deliver to).
    pub events: usize,
    /// Deliveries made.
    pub deliveries: usize,
    /// The accounts that got deliveries (their logs changed).
    pub accounts: Vec<AccountId>,
}

/// Turns up to `limit` waiting events, oldest first, into one delivery per
/// enabled webhook of their account subscribed to them (and able to carry
/// them), in one transaction that marks them done. An event no webhook
/// wants (turned off or deleted since) is dropped. A delivery is tried
/// from `now` until `policy.window_ms` after its event.
pub async fn fan_out(
    store: &Store,
    now: i64,
    policy: &RetryPolicy,
    limit: u32,
) -> Result<FannedOut, sqlx::Error> {
    // A read first: the sender asks at every wake, and most find nothing;
    // the write lock is taken only when there is work.
    let waiting: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM webhook_events WHERE fanned_out = 0)")
            .fetch_one(store.pool())
            .await?;
    if !waiting {
        return Ok(FannedOut::default());
    }
    let mut tx = store.write().await?;
    type Waiting = (
        i64,
        AccountId,
        Option<ContactId>,
        Option<InstanceId>,
        String,
        i64,
    );
    let events: Vec<Waiting> = sqlx::query_as(
        "SELECT seq, account_id, contact_id, instance_id, type, created_at FROM webhook_events
         WHERE fanned_out = 0 ORDER BY seq LIMIT ?",
    )
    .bind(limit.max(1))
    .fetch_all(&mut *tx)
    .await?;
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Ok(FannedOut::default());
    };
    let (first, last) = (first.0, last.0);
    let hooks: Vec<(AccountId, WebhookId, String, WebhookFormat)> = sqlx::query_as(
        "SELECT account_id, id, events, format FROM webhooks WHERE enabled = 1 ORDER BY account_id, created_at",
    )
    .fetch_all(&mut *tx)
    .await?;

    struct New {
        id: DeliveryId,
        account: AccountId,
        webhook: WebhookId,
        event: i64,
        order: Option<Uuid>,
        give_up: i64,
    }
    let mut made = Vec::new();
    let mut unwanted = Vec::new();
    let mut accounts = BTreeSet::new();
    for (seq, account, contact, instance, kind, created_at) in &events {
        let before = made.len();
        if let Some(kind) = EventType::from_name(kind) {
            for (_, webhook, subscribed, format) in hooks.iter().filter(|h| h.0 == *account) {
                if subscribes(subscribed, kind) && kind.carried_by(*format) {
                    // A QR code is stale within a minute: tried only that
                    // long, and outside its number's order (a QR retrying
                    // never holds the number's status back, nor waits for it).
                    let qr = kind == EventType::NumberQr;
                    let window = if qr {
                        policy.window_ms.min(QR_WINDOW_MS)
                    } else {
                        policy.window_ms
                    };
                    made.push(New {
                        id: DeliveryId::new(),
                        account: *account,
                        webhook: *webhook,
                        event: *seq,
                        // One contact's events in order; a number's, when
                        // the event is about no contact.
                        order: if qr {
                            None
                        } else {
                            contact
                                .map(|c| c.as_uuid())
                                .or(instance.map(|i| i.as_uuid()))
                        },
                        give_up: created_at.saturating_add(window),
                    });
                }
            }
        }
        if made.len() == before {
            unwanted.push(*seq);
        } else {
            accounts.insert(*account);
        }
    }
    for chunk in made.chunks(CHUNK) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO webhook_deliveries (id, account_id, webhook_id, event_seq, order_key, status,
                                             next_attempt_at, give_up_at, created_at) ",
        );
        insert.push_values(chunk, |mut row, d| {
            row.push_bind(d.id)
                .push_bind(d.account)
                .push_bind(d.webhook)
                .push_bind(d.event)
                .push_bind(d.order)
                .push("'pending'")
                .push_bind(now)
                .push_bind(d.give_up)
                .push_bind(now);
        });
        insert.build().execute(&mut *tx).await?;
    }
    // Every waiting event in [first, last] is one of this batch: they were
    // read oldest first in this (write) transaction.
    sqlx::query(
        "UPDATE webhook_events SET fanned_out = 1 WHERE fanned_out = 0 AND seq BETWEEN ? AND ?",
    )
    .bind(first)
    .bind(last)
    .execute(&mut *tx)
    .await?;
    for chunk in unwanted.chunks(CHUNK) {
        let mut delete: QueryBuilder<Sqlite> =
            QueryBuilder::new("DELETE FROM webhook_events WHERE seq IN (");
        let mut list = delete.separated(", ");
        for seq in chunk {
            list.push_bind(*seq);
        }
        delete.push(")");
        delete.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(FannedOut {
        events: events.len(),
        deliveries: made.len(),
        accounts: accounts.into_iter().collect(),
    })
}

/// A delivery to attempt now, with what its body is made of.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Due {
    pub delivery: DeliveryId,
    pub account: AccountId,
    pub webhook: WebhookId,
    pub url: String,
    pub format: WebhookFormat,
    pub event: EventId,
    /// The event's name (`EventType::from_name`).
    pub event_type: String,
    pub instance: Option<InstanceId>,
    /// The event's `data`, JSON.
    pub data: String,
    pub event_at: i64,
    pub attempts: i64,
    pub manual: bool,
}

impl Due {
    pub fn event_type(&self) -> Option<EventType> {
        EventType::from_name(&self.event_type)
    }
}

/// Up to `limit` deliveries due at `now`, soonest first, at most
/// `per_webhook` of each webhook (so one slow webhook's backlog never
/// crowds out the others): of enabled webhooks (a manual one whatever the
/// webhook's state), each the first still waiting of its contact (or
/// number) for its webhook, so a later event never overtakes an earlier one
/// that is retrying. The caller skips those it is already sending (they
/// are still waiting here, and count in the webhook's `per_webhook`).
pub async fn due(
    store: &Store,
    now: i64,
    limit: u32,
    per_webhook: u32,
) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as(
        // Per webhook, its first `per_webhook` due in order, each found by
        // the webhook's own index (webhook_deliveries_waiting) and the walk
        // stopped there: a backlog of one webhook is never read whole.
        "SELECT d.id AS delivery, d.account_id AS account, d.webhook_id AS webhook, w.url, w.format,
                e.id AS event, e.type AS event_type, e.instance_id AS instance, e.data,
                e.created_at AS event_at, d.attempts, d.manual
         FROM webhooks w
         JOIN webhook_deliveries d ON d.seq IN (
             SELECT x.seq FROM webhook_deliveries x
             WHERE x.webhook_id = w.id AND x.account_id = w.account_id
               AND x.status IN ('pending', 'retrying') AND x.next_attempt_at <= ?1
               AND (w.enabled = 1 OR x.manual = 1)
               AND (x.order_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM webhook_deliveries p
                    WHERE p.webhook_id = x.webhook_id AND p.order_key = x.order_key
                      AND p.status IN ('pending', 'retrying') AND p.event_seq < x.event_seq))
             ORDER BY x.next_attempt_at, x.event_seq
             LIMIT ?2)
         JOIN webhook_events e ON e.seq = d.event_seq
         ORDER BY d.next_attempt_at, d.event_seq
         LIMIT ?3",
    )
    .bind(now)
    .bind(per_webhook.max(1))
    .bind(limit.max(1))
    .fetch_all(store.pool())
    .await
}

/// When the next delivery waiting after `now` falls due (`None`: none
/// waits): the sender sleeps until then unless woken.
pub async fn next_due(store: &Store, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT min(d.next_attempt_at) FROM webhook_deliveries d
         JOIN webhooks w ON w.account_id = d.account_id AND w.id = d.webhook_id
         WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at > ?
           AND (w.enabled = 1 OR d.manual = 1)",
    )
    .bind(now)
    .fetch_one(store.pool())
    .await
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// No answer, or another answer: tried again later, until the window
    /// closes. `error`: short, for the log, with no secret in it.
    Failed { status: Option<u16>, error: String },
    /// Cannot be sent as it is (the webhook's format has no name for the
    /// event any more): given up at once, not counted against the webhook.
    Refused { error: String },
    /// Not sent: this desktop does not hold the secret that signs now (a
    /// synced webhook whose secret, or latest rotation, has not come from
    /// the agency's server yet). Tried again like a failure, until the
    /// window closes, but not counted against the webhook: the receiver is
    /// not failing, and the day of failures that turns a webhook off (on
    /// every desktop: `enabled` syncs) is the receiver's. `error`: for the
    /// log ([`SECRET_NOT_HERE`]).
    Waiting { error: String },
}

/// The log's error of an attempt that waited for the webhook's secret
/// ([`Outcome::Waiting`]); the deliveries showing it are sent at once when
/// the secret arrives ([`crate::webhooks::secret_versions::fetched`]).
pub const SECRET_NOT_HERE: &str =
    "secret not yet received from the agency's server: waiting for it (never sent unsigned)";

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub delivery: DeliveryId,
    pub account: AccountId,
    pub webhook: WebhookId,
    pub manual: bool,
    pub outcome: Outcome,
    pub duration_ms: i64,
}

/// What [`record`] changed, for the screens.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Accounts whose delivery logs changed.
    pub logs: Vec<AccountId>,
    /// Accounts whose webhooks changed (started or stopped failing, turned off).
    pub webhooks: Vec<AccountId>,
    /// Webhooks turned off now after failing for `policy.disable_after_ms`.
    pub disabled: Vec<(AccountId, WebhookId)>,
}

/// Records attempts in one transaction: a 2xx delivers; a failure plans
/// the next attempt after a wait drawn from the policy, or gives up when
/// that would fall after the delivery's window (a manual one gives up at
/// once). A failure of an automatic delivery marks the webhook failing
/// since the first failure of an unbroken run (a gap longer than
/// [`RetryPolicy::failing_gap_ms`] since the previous failure starts a new
/// run); failing for `disable_after_ms` turns it off. A 2xx of an automatic
/// delivery clears that (a manual one's does not: the real traffic may
/// still fail). Attempts of deliveries no longer waiting (the webhook was
/// deleted meanwhile) are ignored.
pub async fn record(
    store: &Store,
    attempts: &[Attempt],
    now: i64,
    policy: &RetryPolicy,
) -> Result<Recorded, sqlx::Error> {
    let mut logs = BTreeSet::new();
    let mut webhooks = BTreeSet::new();
    let mut disabled = Vec::new();
    let mut tx = store.write().await?;
    for attempt in attempts {
        let found: Option<(i64, i64)> = sqlx::query_as(
            "SELECT attempts, give_up_at FROM webhook_deliveries
             WHERE account_id = ? AND id = ? AND status IN ('pending', 'retrying')",
        )
        .bind(attempt.account)
        .bind(attempt.delivery)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((tried, give_up_at)) = found else {
            continue;
        };
        let tried = tried + 1;
        logs.insert(attempt.account);
        match &attempt.outcome {
            Outcome::Delivered { status } => {
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, next_attempt_at = NULL,
                            last_status_code = ?, last_error = NULL, last_duration_ms = ?, delivered_at = ?
                     WHERE account_id = ? AND id = ?",
                )
                .bind(tried)
                .bind(i64::from(*status))
                .bind(attempt.duration_ms)
                .bind(now)
                .bind(attempt.account)
                .bind(attempt.delivery)
                .execute(&mut *tx)
                .await?;
                // Only the webhook's own traffic says it works again: a
                // test event or "send again" answered while the real
                // deliveries keep failing does not reset the day.
                if attempt.manual {
                    continue;
                }
                let cleared = sqlx::query(
                    "UPDATE webhooks SET failing_since = NULL, last_failed_at = NULL
                     WHERE account_id = ? AND id = ? AND failing_since IS NOT NULL",
                )
                .bind(attempt.account)
                .bind(attempt.webhook)
                .execute(&mut *tx)
                .await?;
                if cleared.rows_affected() > 0 {
                    webhooks.insert(attempt.account);
                }
            }
            Outcome::Failed { status, error } => {
                // The thread's RNG, taken and let go here: the future stays `Send`.
                let next = now.saturating_add(policy.wait(tried, &mut rand::rng()));
                let give_up = attempt.manual || next > give_up_at;
                fail(
                    &mut tx,
                    attempt,
                    tried,
                    status.map(i64::from),
                    error,
                    (!give_up).then_some(next),
                )
                .await?;
                if attempt.manual {
                    continue;
                }
                // Failing since the first failure of an unbroken run: a
                // failure after a quiet spell longer than retries ever wait
                // (nothing to send, the app closed over the weekend) starts
                // a new run instead of counting the quiet time as failure.
                let before: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
                    "SELECT failing_since, last_failed_at FROM webhooks WHERE account_id = ? AND id = ?",
                )
                .bind(attempt.account)
                .bind(attempt.webhook)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((since, last)) = before else {
                    continue;
                };
                let since = match (since, last) {
                    (Some(since), Some(last))
                        if now.saturating_sub(last) <= policy.failing_gap_ms() =>
                    {
                        since
                    }
                    _ => now,
                };
                sqlx::query(
                    "UPDATE webhooks SET failing_since = ?, last_failed_at = max(?, coalesce(last_failed_at, ?))
                     WHERE account_id = ? AND id = ?",
                )
                .bind(since)
                .bind(now)
                .bind(now)
                .bind(attempt.account)
                .bind(attempt.webhook)
                .execute(&mut *tx)
                .await?;
                if before.is_some_and(|(old, _)| old != Some(since)) {
                    webhooks.insert(attempt.account);
                }
                let off = sqlx::query(&format!(
                    "UPDATE webhooks SET enabled = 0, disabled_at = ?, disabled_reason = '{DISABLED_FAILING}',
                            updated_at = ?
                     WHERE account_id = ? AND id = ? AND enabled = 1 AND failing_since <= ?"
                ))
                .bind(now)
                .bind(now)
                .bind(attempt.account)
                .bind(attempt.webhook)
                .bind(now.saturating_sub(policy.disable_after_ms))
                .execute(&mut *tx)
                .await?;
                if off.rows_affected() > 0 {
                    webhooks.insert(attempt.account);
                    disabled.push((attempt.account, attempt.webhook));
                }
            }
            Outcome::Refused { error } => {
                fail(&mut tx, attempt, tried, None, error, None).await?;
            }
            Outcome::Waiting { error } => {
                let next = now.saturating_add(policy.wait(tried, &mut rand::rng()));
                let give_up = attempt.manual || next > give_up_at;
                fail(
                    &mut tx,
                    attempt,
                    tried,
                    None,
                    error,
                    (!give_up).then_some(next),
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(Recorded {
        logs: logs.into_iter().collect(),
        webhooks: webhooks.into_iter().collect(),
        disabled,
    })
}

/// A failed attempt: retried at `next`, or given up (`None`).
async fn fail(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    attempt: &Attempt,
    tried: i64,
    status: Option<i64>,
    error: &str,
    next: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,
                last_status_code = ?, last_error = ?, last_duration_ms = ?
         WHERE account_id = ? AND id = ?",
    )
    .bind(if next.is_some() { "retrying" } else { "failed" })
    .bind(tried)
    .bind(next)
    .bind(status)
    .bind(error.chars().take(ERROR_MAX).collect::<String>())
    .bind(attempt.duration_ms)
    .bind(attempt.account)
    .bind(attempt.delivery)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Longest error kept in the log, in characters.
pub const ERROR_MAX: usize = 300;

/// The log's upkeep, in batches of [`PRUNE_BATCH`] rows, each its own
/// short transaction (message storage never waits behind it): deliveries
/// of a webhook turned off whose window has closed are given up (they would
/// otherwise wait for ever); deliveries delivered or given up more than
/// `keep_ms` before `now` are removed, then events no delivery needs any
/// more. The number of deliveries removed.
pub async fn prune(store: &Store, now: i64, keep_ms: i64) -> Result<u64, sqlx::Error> {
    loop {
        let mut tx = store.write().await?;
        let ended = sqlx::query(
            "UPDATE webhook_deliveries
             SET status = 'failed', next_attempt_at = NULL,
                 last_error = coalesce(last_error, 'not sent: the webhook was off until the event was too old')
             WHERE seq IN (
                 SELECT d.seq FROM webhooks w
                 -- CROSS JOIN: from the webhooks that are off, by their index.
                 CROSS JOIN webhook_deliveries d ON d.webhook_id = w.id AND d.account_id = w.account_id
                 WHERE w.enabled = 0 AND d.status IN ('pending', 'retrying') AND d.manual = 0
                   AND d.give_up_at < ?
                 LIMIT ?)",
        )
        .bind(now)
        .bind(PRUNE_BATCH)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if ended.rows_affected() < PRUNE_BATCH as u64 {
            break;
        }
    }
    let mut removed = 0;
    loop {
        let mut tx = store.write().await?;
        let gone = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE seq IN (
                 SELECT seq FROM webhook_deliveries
                 WHERE status IN ('delivered', 'failed') AND created_at < ?
                 ORDER BY created_at LIMIT ?)",
        )
        .bind(now.saturating_sub(keep_ms))
        .bind(PRUNE_BATCH)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        removed += gone.rows_affected();
        if gone.rows_affected() < PRUNE_BATCH as u64 {
            break;
        }
    }
    // Events: found by a read walking up `seq`, deleted a batch at a time
    // (checked again inside the write: a "send again" may have just used one).
    let mut after = 0_i64;
    loop {
        let seqs: Vec<i64> = sqlx::query_scalar(
            "SELECT e.seq FROM webhook_events e
             WHERE e.seq > ? AND e.fanned_out = 1
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = e.seq)
             ORDER BY e.seq LIMIT ?",
        )
        .bind(after)
        .bind(PRUNE_BATCH)
        .fetch_all(store.pool())
        .await?;
        let Some(last) = seqs.last().copied() else {
            break;
        };
        let mut tx = store.write().await?;
        let mut delete: QueryBuilder<Sqlite> = QueryBuilder::new(
            "DELETE FROM webhook_events
             WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = webhook_events.seq)
               AND seq IN (",
        );
        let mut list = delete.separated(", ");
        for seq in &seqs {
            list.push_bind(*seq);
        }
        delete.push(")");
        delete.build().execute(&mut *tx).await?;
        tx.commit().await?;
        if seqs.len() < PRUNE_BATCH as usize {
            break;
        }
        after = last;
    }
    Ok(removed)
}
