//! The webhook sender: one task per desktop that turns events into
//! deliveries, sends what is due (one contact's events in order, several
//! contacts at once, at most `per_webhook` requests in flight per webhook)
//! and records each answer, so a kill at any moment loses nothing: what was
//! in flight is still waiting in the store and goes again at the next start
//! (at least once; receivers dedupe on the event id).
//!
//! It wakes when the app reports a change (the triggers have written events
//! by then), when a person asks (send again, test, a webhook turned on),
//! when a QR is noted, when a retry falls due, and every `poll` for writers
//! outside this process (`zapdesk-cli`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc, watch};
use tokio::task::{JoinError, JoinHandle, JoinSet};
use zapdesk_core::Store;
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::ids::{DeliveryId, WebhookId};
use zapdesk_core::time::now_ms;
use zapdesk_core::webhooks::queue::{self, Attempt, Due, Outcome};
use zapdesk_core::webhooks::{self, RetryPolicy, secret_versions};

use super::attempt::{attempt, client};
use super::qr::{Qr, QrNotes};
use super::secrets::Secrets;
use crate::changes::{ChangeSink, Changes};

/// The sender's timing and limits.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Backoff, the retry window and when a failing webhook is turned off.
    pub retry: RetryPolicy,
    /// One attempt's time limit: reading the webhook's secret (a keyring
    /// waiting to be unlocked) and the request until its answer's status.
    pub timeout: Duration,
    /// Requests in flight at once per webhook (each to a different contact).
    pub per_webhook: usize,
    /// The longest sleep without a wake: how soon events another process
    /// wrote are seen.
    pub poll: Duration,
    /// At shutdown, how long requests in flight may finish (and be recorded
    /// as delivered) before they are cut; a cut one goes again next start.
    pub stop_grace: Duration,
    /// Evolution format's `server_url` (`None`: null).
    pub server_url: Option<String>,
}

impl Default for WebhookConfig {
    fn default() -> WebhookConfig {
        WebhookConfig {
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(10),
            per_webhook: 8,
            poll: Duration::from_secs(1),
            stop_grace: Duration::from_secs(3),
            server_url: None,
        }
    }
}

/// Events fanned out per transaction.
const FAN_OUT_BATCH: u32 = 500;
/// How often the log's old lines are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Deliveries read per pass, besides those in flight or unsaved.
const DUE_BATCH: usize = 256;
/// After the store refused to record answers, how long before trying again.
const RECORD_RETRY: Duration = Duration::from_secs(1);

struct Shared {
    store: Store,
    config: Mutex<WebhookConfig>,
    wake: Notify,
    stop: watch::Sender<bool>,
    /// Secrets read from the keyring, by webhook; kept current by the app's
    /// create, rotate and delete, and by the secrets fetched from the server.
    secrets: Secrets,
    /// Asks `secret_sync.rs` for a round now (a secret made or rotated here).
    secrets_asked: Arc<Notify>,
    /// One at a time: a rotation here (its version and its keyring write),
    /// and the exchange's keeping of a fetched secret or reading of one to
    /// publish (`secret_sync.rs`). A fetch in flight never puts an older
    /// secret over one just rotated here, nor a publish sends a secret under
    /// a version it is not.
    secret_turn: tokio::sync::Mutex<()>,
}

/// The sender, created with the app and started by [`App::start`](crate::App::start).
pub(crate) struct WebhookSender {
    shared: Arc<Shared>,
    qr: QrNotes,
    qr_rx: Mutex<Option<mpsc::UnboundedReceiver<Qr>>>,
    started: AtomicBool,
    /// The loop, which ends by itself once told to stop.
    run: Mutex<Option<JoinHandle<()>>>,
    /// Writes noted QRs; waits for more until aborted.
    qrs: Mutex<Option<JoinHandle<()>>>,
}

impl WebhookSender {
    pub(crate) fn new(store: Store) -> WebhookSender {
        let (qr, qr_rx) = QrNotes::new();
        WebhookSender {
            shared: Arc::new(Shared {
                store,
                config: Mutex::new(WebhookConfig::default()),
                wake: Notify::new(),
                stop: watch::Sender::new(false),
                secrets: Secrets::keyring(),
                secrets_asked: Arc::new(Notify::new()),
                secret_turn: tokio::sync::Mutex::new(()),
            }),
            qr,
            qr_rx: Mutex::new(Some(qr_rx)),
            started: AtomicBool::new(false),
            run: Mutex::new(None),
            qrs: Mutex::new(None),
        }
    }

    /// What the fleet's sink notes QR codes with.
    pub(crate) fn qr_notes(&self) -> QrNotes {
        self.qr.clone()
    }

    /// `sink`, waking the sender first at each change another writer
    /// reports (its events are in the store by then). The sender's own
    /// changes (the webhook tables) do not wake it.
    pub(crate) fn waking(&self, sink: ChangeSink) -> ChangeSink {
        let shared = Arc::clone(&self.shared);
        Arc::new(move |change: Change| {
            if !matches!(change.table, Table::Webhooks | Table::WebhookDeliveries) {
                shared.wake.notify_one();
            }
            sink(change);
        })
    }

    pub(crate) fn wake(&self) {
        self.shared.wake.notify_one();
    }

    pub(crate) fn configure(&self, config: WebhookConfig) {
        *lock(&self.shared.config) = config;
        self.wake();
    }

    pub(crate) fn remember_secret(&self, webhook: WebhookId, secret: Option<String>) {
        self.shared.secrets.remember(webhook, secret);
    }

    /// A secret was made or rotated here: publish it now.
    pub(crate) fn ask_secrets(&self) {
        self.shared.secrets_asked.notify_one();
    }

    /// The turn of a rotation or of the exchange's keyring step (see
    /// `Shared::secret_turn`); held until the guard drops.
    pub(crate) async fn secret_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.shared.secret_turn.lock().await
    }

    /// What wakes the secrets' exchange (`secret_sync::follow`).
    pub(crate) fn secrets_asked(&self) -> Arc<Notify> {
        Arc::clone(&self.shared.secrets_asked)
    }

    /// Starts sending (once; never after [`WebhookSender::stop`]).
    pub(crate) fn start(&self, changes: Changes) {
        if *self.shared.stop.borrow() || self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(rx) = lock(&self.qr_rx).take() {
            *lock(&self.qrs) = Some(tokio::spawn(record_qrs(Arc::clone(&self.shared), rx)));
        }
        *lock(&self.run) = Some(tokio::spawn(run(Arc::clone(&self.shared), changes)));
    }

    /// Stops taking deliveries, lets those in flight finish within the
    /// grace (recording them), then cuts the rest. Safe to call twice.
    pub(crate) async fn stop(&self) {
        self.shared.stop.send_replace(true);
        self.shared.wake.notify_one();
        let run = lock(&self.run).take();
        if let Some(run) = run {
            let _ = run.await;
        }
        // QRs noted from now on are not worth an event: the number stops too.
        let qrs = lock(&self.qrs).take();
        if let Some(qrs) = qrs {
            qrs.abort();
            let _ = qrs.await;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Writes each QR noted as a `number.qr` event, in order.
async fn record_qrs(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Qr>) {
    while let Some((account, number, qr, code)) = rx.recv().await {
        match webhooks::record_qr(&shared.store, account, number, &qr, &code).await {
            Ok(true) => shared.wake.notify_one(),
            Ok(false) => {}
            Err(e) => tracing::warn!("webhooks: recording a QR of number {number}: {e}"),
        }
    }
}

impl Shared {
    fn config(&self) -> WebhookConfig {
        lock(&self.config).clone()
    }
}

/// What the loop has in flight.
#[derive(Default)]
struct InFlight {
    tasks: JoinSet<Attempt>,
    /// Each task's delivery, to free its place even if the task panicked.
    by_task: HashMap<tokio::task::Id, Due>,
    ids: HashSet<DeliveryId>,
    per_webhook: HashMap<WebhookId, usize>,
}

impl InFlight {
    fn spawn(&mut self, due: Due, attempt: impl Future<Output = Attempt> + Send + 'static) {
        *self.per_webhook.entry(due.webhook).or_default() += 1;
        self.ids.insert(due.delivery);
        let task = self.tasks.spawn(attempt);
        self.by_task.insert(task.id(), due);
    }

    /// The attempt of a finished task; a task that panicked is a failed
    /// attempt (retried after the backoff, never at once in a loop).
    fn settle(&mut self, joined: Result<(tokio::task::Id, Attempt), JoinError>) -> Option<Attempt> {
        let id = match &joined {
            Ok((id, _)) => *id,
            Err(e) => e.id(),
        };
        let due = self.by_task.remove(&id)?;
        self.ids.remove(&due.delivery);
        if let Some(n) = self.per_webhook.get_mut(&due.webhook) {
            *n = n.saturating_sub(1);
        }
        Some(match joined {
            Ok((_, attempt)) => attempt,
            Err(e) => Attempt {
                delivery: due.delivery,
                account: due.account,
                webhook: due.webhook,
                manual: due.manual,
                outcome: Outcome::Failed {
                    status: None,
                    error: if e.is_cancelled() {
                        "cut short".to_owned()
                    } else {
                        "internal error while sending".to_owned()
                    },
                },
                duration_ms: 0,
            },
        })
    }

    /// Every attempt that has finished, without waiting.
    fn finished(&mut self) -> Vec<Attempt> {
        let mut out = Vec::new();
        while let Some(joined) = self.tasks.try_join_next_with_id() {
            out.extend(self.settle(joined));
        }
        out
    }
}

async fn run(shared: Arc<Shared>, changes: Changes) {
    let client = match client() {
        Ok(client) => client,
        Err(e) => {
            // Nothing can be sent; what waits stays in the store.
            tracing::error!("webhooks: {e}");
            return;
        }
    };
    let mut stop = shared.stop.subscribe();
    let mut flying = InFlight::default();
    let mut unsaved = Unsaved::default();
    let mut pruned: Option<Instant> = None;
    loop {
        if *stop.borrow_and_update() {
            break;
        }
        let config = shared.config();
        let now = now_ms();
        unsaved.retry(&shared.store, &changes, &config.retry).await;
        fan_out(&shared.store, &changes, now, &config.retry).await;
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned = Some(Instant::now());
            if let Err(e) = queue::prune(&shared.store, now, queue::KEEP_MS).await {
                tracing::warn!("webhooks: pruning the log: {e}");
            }
        }
        send_due(&shared, &client, &config, &mut flying, &unsaved, now).await;

        let sleep = match queue::next_due(&shared.store, now).await {
            Ok(Some(at)) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)),
            Ok(None) => config.poll,
            Err(e) => {
                tracing::warn!("webhooks: reading what is due: {e}");
                config.poll
            }
        }
        .min(config.poll)
        .min(unsaved.retry_in().unwrap_or(Duration::MAX));
        tokio::select! {
            _ = stop.changed() => {}
            Some(joined) = flying.tasks.join_next_with_id(), if !flying.tasks.is_empty() => {
                let mut done: Vec<Attempt> = flying.settle(joined).into_iter().collect();
                done.extend(flying.finished());
                unsaved.add(done);
                unsaved.save(&shared.store, &changes, &config.retry).await;
            }
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(sleep) => {}
        }
    }
    // Stopping: what is in flight may finish within the grace.
    let grace = shared.config().stop_grace;
    let mut done = Vec::new();
    let _ = tokio::time::timeout(grace, async {
        while let Some(joined) = flying.tasks.join_next_with_id().await {
            // A task cut or broken here is not recorded: it stays waiting.
            if joined.is_ok() {
                done.extend(flying.settle(joined));
            }
        }
    })
    .await;
    unsaved.add(done);
    unsaved
        .save(&shared.store, &changes, &shared.config().retry)
        .await;
    // The rest is cut: still waiting in the store, sent again next start.
    flying.tasks.abort_all();
}

async fn fan_out(store: &Store, changes: &Changes, now: i64, retry: &RetryPolicy) {
    loop {
        match queue::fan_out(store, now, retry, FAN_OUT_BATCH).await {
            Ok(out) => {
                for account in out.accounts {
                    changes.change(Change::of(account, Table::WebhookDeliveries));
                }
                if out.events < FAN_OUT_BATCH as usize {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!("webhooks: turning events into deliveries: {e}");
                return;
            }
        }
    }
}

/// Answers received but not yet recorded (the store refused: busy, full).
/// Their deliveries are not sent again while they wait here (in the store
/// they still look due): recording is tried again after [`RECORD_RETRY`],
/// and at the stop.
#[derive(Default)]
struct Unsaved {
    attempts: Vec<Attempt>,
    ids: HashSet<DeliveryId>,
    retry_at: Option<tokio::time::Instant>,
}

impl Unsaved {
    fn add(&mut self, done: Vec<Attempt>) {
        for attempt in done {
            if self.ids.insert(attempt.delivery) {
                self.attempts.push(attempt);
            }
        }
    }

    fn retry_in(&self) -> Option<Duration> {
        self.retry_at
            .map(|at| at.saturating_duration_since(tokio::time::Instant::now()))
    }

    async fn retry(&mut self, store: &Store, changes: &Changes, retry: &RetryPolicy) {
        if self
            .retry_at
            .is_some_and(|at| at <= tokio::time::Instant::now())
        {
            self.save(store, changes, retry).await;
        }
    }

    async fn save(&mut self, store: &Store, changes: &Changes, retry: &RetryPolicy) {
        if self.attempts.is_empty() {
            self.retry_at = None;
            return;
        }
        if record(store, changes, &self.attempts, retry).await {
            self.attempts.clear();
            self.ids.clear();
            self.retry_at = None;
        } else {
            self.retry_at = Some(tokio::time::Instant::now() + RECORD_RETRY);
        }
    }
}

async fn send_due(
    shared: &Arc<Shared>,
    client: &reqwest::Client,
    config: &WebhookConfig,
    flying: &mut InFlight,
    unsaved: &Unsaved,
    now: i64,
) {
    let per_webhook = config.per_webhook.max(1);
    let limit = u32::try_from(DUE_BATCH + flying.ids.len() + unsaved.ids.len()).unwrap_or(u32::MAX);
    let due: Vec<Due> = match queue::due(
        &shared.store,
        now,
        limit,
        u32::try_from(per_webhook).unwrap_or(u32::MAX),
    )
    .await
    {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!("webhooks: reading what is due: {e}");
            return;
        }
    };
    for d in due {
        if flying.ids.contains(&d.delivery) || unsaved.ids.contains(&d.delivery) {
            continue;
        }
        if flying.per_webhook.get(&d.webhook).copied().unwrap_or(0) >= per_webhook {
            continue;
        }
        let shared = Arc::clone(shared);
        let client = client.clone();
        let config = config.clone();
        let due = d.clone();
        flying.spawn(d, async move {
            // One time limit for the whole attempt: the secret, then the request.
            let started = Instant::now();
            // The webhook synced from another desktop: its secret (or its
            // latest rotation) may not have reached this keyring yet. Then
            // the attempt waits: tried again with the backoff (at once when
            // the secret arrives), never unsigned, never with an older
            // secret, and not counted as the receiver failing.
            let secret = match secret_versions::ready(&shared.store, due.account, due.webhook).await {
                Ok(true) => shared.secrets.get(due.webhook, config.timeout).await,
                Ok(false) => {
                    tracing::info!(
                        "webhooks: delivery {} waits for webhook {}'s secret from the agency's server",
                        due.delivery,
                        due.webhook
                    );
                    return Attempt {
                        delivery: due.delivery,
                        account: due.account,
                        webhook: due.webhook,
                        manual: due.manual,
                        outcome: Outcome::Waiting {
                            error: queue::SECRET_NOT_HERE.to_owned(),
                        },
                        duration_ms: 0,
                    };
                }
                Err(e) => Err(format!("which secret signs the webhook could not be read: {e}")),
            };
            attempt(
                &client,
                &due,
                secret,
                started,
                config.timeout.saturating_sub(started.elapsed()),
                config.server_url.as_deref(),
            )
            .await
        });
    }
}

/// Records answers; whether the store took them.
async fn record(store: &Store, changes: &Changes, done: &[Attempt], retry: &RetryPolicy) -> bool {
    if done.is_empty() {
        return true;
    }
    match queue::record(store, done, now_ms(), retry).await {
        Ok(recorded) => {
            for account in recorded.logs {
                changes.change(Change::of(account, Table::WebhookDeliveries));
            }
            for account in recorded.webhooks {
                changes.change(Change::of(account, Table::Webhooks));
            }
            for (account, webhook) in recorded.disabled {
                tracing::warn!(
                    "webhooks: webhook {webhook} of account {account} failed for a day and was turned off"
                );
            }
            true
        }
        // Not recorded: kept in memory and tried again (see `Unsaved`).
        Err(e) => {
            tracing::warn!("webhooks: recording {} attempts: {e}", done.len());
            false
        }
    }
}
