//! The sync engine: one tokio task per connection to the agency's server.
//!
//! A session connects (a query connection and a LISTEN connection), reads the
//! operator's memberships, pushes, then pulls every account; then it waits:
//! a NOTIFY on channel `zapdesk` (`<account>:<version>`, migration 0003)
//! pulls that account, a [`Engine::poke`] (local changes) or the push interval
//! pushes, the resync interval does everything again. Any failure ends the
//! session: the engine reports Offline (unreachable) or Error, waits an
//! exponential backoff with jitter, and starts a new session, which always
//! pulls everything again, since notifications sent while disconnected are lost.

use std::collections::HashSet;
use std::time::Duration;

use rand::Rng;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, SqlitePool};
use tokio::sync::{Notify, broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;
use zapdesk_core::changes::{Change, Table};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ErrorCode, Lang, Store, UserError};

use crate::error::{RemoteError, Target};
use crate::status::{SyncState, SyncStatus};
use crate::sync_error::SyncError;
use crate::{pull, push};

/// The channel the server's triggers notify (migrations/postgres/0003).
pub const CHANNEL: &str = "zapdesk";

/// How the engine connects and paces itself.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The operator's connection (see `ConnectionSettings::connect_options`).
    pub remote: PgConnectOptions,
    /// How often the outbox is checked without a poke.
    pub push_interval: Duration,
    /// How often everything is pulled again without a notification (a
    /// safety net; notifications do the work).
    pub resync_interval: Duration,
    /// The first retry delay after a failure, doubled up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// How long a connection attempt may take.
    pub connect_timeout: Duration,
    /// The language of error messages in the status.
    pub lang: Lang,
    /// Told of every table and account a pull changed, after its commit.
    pub pulled: broadcast::Sender<Change>,
}

impl EngineConfig {
    pub fn new(remote: PgConnectOptions) -> EngineConfig {
        EngineConfig {
            remote,
            push_interval: Duration::from_secs(2),
            resync_interval: Duration::from_secs(300),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            lang: Lang::default(),
            // Nobody listens until someone subscribes (the runner passes its own).
            pulled: broadcast::channel(PULLED_BUFFER).0,
        }
    }
}

/// Changes a slow listener may fall behind by before it misses some (it then
/// hears `Lagged` and should read everything again).
pub const PULLED_BUFFER: usize = 1024;

/// A running engine. Dropping it stops the task.
pub struct Engine {
    status: watch::Receiver<SyncStatus>,
    poke: std::sync::Arc<Notify>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Engine {
    /// Starts syncing the store with the server.
    pub fn start(store: &Store, config: EngineConfig) -> Engine {
        let (tx, rx) = watch::channel(SyncStatus::default());
        let poke = std::sync::Arc::new(Notify::new());
        let (stop_tx, stop_rx) = oneshot::channel();
        let local = store.pool_for_sync().clone();
        let changes = store.outbox_changes();
        let task = tokio::spawn(run(local, config, tx, poke.clone(), changes, stop_rx));
        Engine {
            status: rx,
            poke,
            stop: Some(stop_tx),
            task: Some(task),
        }
    }

    /// The status, for the UI to show and follow.
    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    /// Local changes were made: push them now rather than at the next interval.
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// Stops the engine and waits for its task to end.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Why a session ended without an error.
enum Ended {
    Stopped,
}

async fn run(
    local: SqlitePool,
    config: EngineConfig,
    status: watch::Sender<SyncStatus>,
    poke: std::sync::Arc<Notify>,
    mut changes: watch::Receiver<u64>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut failures: u32 = 0;
    let mut offline_since: Option<i64> = None;
    loop {
        let wake = Wake {
            poke: &poke,
            changes: &mut changes,
            stop: &mut stop,
        };
        let result = session(&local, &config, &status, wake, &mut failures).await;
        let error = match result {
            Ok(Ended::Stopped) => return,
            Err(e) => e,
        };
        // A session that synced reset `failures`: this is a new outage.
        if failures == 0 {
            offline_since = None;
        }
        let waiting = push::waiting(&local).await.unwrap_or(0);
        let parked = push::parked(&local).await.unwrap_or(0);
        let state = if error.is_connection() {
            SyncState::Offline {
                since: *offline_since.get_or_insert_with(now_ms),
            }
        } else {
            let remote = describe(error, &config);
            SyncState::Error {
                code: remote.0,
                message: remote.1,
            }
        };
        status.send_modify(|s| {
            s.state = state;
            s.waiting = waiting;
            s.parked = parked;
        });
        let delay = backoff(&config, failures);
        failures = failures.saturating_add(1);
        tokio::select! {
            _ = &mut stop => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// What wakes a session besides the server: a poke, local commits that
/// recorded changes, the stop.
struct Wake<'a> {
    poke: &'a Notify,
    changes: &'a mut watch::Receiver<u64>,
    stop: &'a mut oneshot::Receiver<()>,
}

/// Local changes are pushed this long after the commit that recorded them, so
/// a burst of commits (an import in batches) becomes one push.
const SETTLE: Duration = Duration::from_millis(200);

/// One connected session; returns only on stop or failure.
async fn session(
    local: &SqlitePool,
    config: &EngineConfig,
    status: &watch::Sender<SyncStatus>,
    wake: Wake<'_>,
    failures: &mut u32,
) -> Result<Ended, SyncError> {
    let mut conn = connect(config).await?;
    // LISTEN before the first pull: a change committed after the pull's
    // snapshot is then notified, and one before it is in the snapshot.
    let (mut notified, listener) = listen(config).await?;
    let result = serve(
        local,
        config,
        status,
        wake,
        failures,
        &mut conn,
        &mut notified,
    )
    .await;
    listener.abort();
    let _ = conn.close().await;
    result
}

async fn serve(
    local: &SqlitePool,
    config: &EngineConfig,
    status: &watch::Sender<SyncStatus>,
    wake: Wake<'_>,
    failures: &mut u32,
    conn: &mut PgConnection,
    notified: &mut mpsc::UnboundedReceiver<(Uuid, i64)>,
) -> Result<Ended, SyncError> {
    let Wake {
        poke,
        changes,
        stop,
    } = wake;
    let mut accounts = pull::memberships(conn).await?;
    // Accounts not shared on this server are not pushed; their entries stay
    // one per row.
    zapdesk_core::store::compact_outbox(local).await?;
    // Whatever was recorded before this point is in the first push.
    changes.borrow_and_update();
    sync_all(local, conn, &accounts, status, &config.pulled).await?;
    *failures = 0;
    let mut push_tick = tokio::time::interval(config.push_interval);
    let mut resync_tick = tokio::time::interval(config.resync_interval);
    // Both fire at once on creation; the session just synced.
    push_tick.tick().await;
    resync_tick.tick().await;
    loop {
        tokio::select! {
            _ = &mut *stop => return Ok(Ended::Stopped),
            poke = notified.recv() => {
                // The listener ends when its connection is lost: start over.
                let Some((account, version)) = poke else {
                    return Err(SyncError::Remote(sqlx::Error::Io(std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "the LISTEN connection was lost",
                    ))));
                };
                let mut wanted: HashSet<Uuid> = HashSet::new();
                if accounts.contains(&account) && version > pull::cursor(local, account).await? {
                    wanted.insert(account);
                }
                // Several pokes may be queued already: one pull per account.
                while let Ok((account, version)) = notified.try_recv() {
                    if accounts.contains(&account) && version > pull::cursor(local, account).await? {
                        wanted.insert(account);
                    }
                }
                let wanted: Vec<Uuid> = accounts.iter().copied().filter(|a| wanted.contains(a)).collect();
                if !wanted.is_empty() {
                    pull_accounts(local, conn, &wanted, status, &config.pulled).await?;
                    finish(local, status).await?;
                }
            }
            () = poke.notified() => {
                push_now(local, conn, &accounts, status, &config.pulled).await?;
                finish(local, status).await?;
            }
            Ok(()) = changes.changed() => {
                tokio::time::sleep(SETTLE).await;
                changes.borrow_and_update();
                push_now(local, conn, &accounts, status, &config.pulled).await?;
                finish(local, status).await?;
            }
            _ = push_tick.tick() => {
                if push::waiting(local).await? > 0 {
                    push_now(local, conn, &accounts, status, &config.pulled).await?;
                    finish(local, status).await?;
                }
            }
            _ = resync_tick.tick() => {
                accounts = pull::memberships(conn).await?;
                sync_all(local, conn, &accounts, status, &config.pulled).await?;
            }
        }
    }
}

/// Pushes; when the push merged local rows into the server's (a natural key
/// taken), pulls again: what the server holds under those ids comes now.
async fn push_now(
    local: &SqlitePool,
    conn: &mut PgConnection,
    accounts: &[Uuid],
    status: &watch::Sender<SyncStatus>,
    pulled: &broadcast::Sender<Change>,
) -> Result<(), SyncError> {
    let report = push::push_once(local, conn, accounts).await?;
    if report.merged > 0 {
        pull_accounts(local, conn, accounts, status, pulled).await?;
    }
    // Each plan's limits are the agency's, outside the outbox: after the
    // accounts, and never stopping them (plan_limits.rs).
    crate::plan_limits::sync_after_accounts(local, conn, false, pulled).await
}

/// Push everything, then pull every account.
async fn sync_all(
    local: &SqlitePool,
    conn: &mut PgConnection,
    accounts: &[Uuid],
    status: &watch::Sender<SyncStatus>,
    pulled: &broadcast::Sender<Change>,
) -> Result<(), SyncError> {
    let waiting = push::waiting(local).await?;
    status.send_modify(|s| {
        s.state = SyncState::Syncing {
            done: 0,
            total: accounts.len() as u64,
        };
        s.waiting = waiting;
    });
    push::push_once(local, conn, accounts).await?;
    pull_accounts(local, conn, accounts, status, pulled).await?;
    // Each plan's limits are the agency's, outside the outbox: after the
    // accounts, and never stopping them (plan_limits.rs).
    crate::plan_limits::sync_after_accounts(local, conn, true, pulled).await?;
    finish(local, status).await
}

async fn pull_accounts(
    local: &SqlitePool,
    conn: &mut PgConnection,
    accounts: &[Uuid],
    status: &watch::Sender<SyncStatus>,
    pulled: &broadcast::Sender<Change>,
) -> Result<(), SyncError> {
    let total = accounts.len() as u64;
    for (done, account) in accounts.iter().enumerate() {
        status.send_modify(|s| {
            s.state = SyncState::Syncing {
                done: done as u64,
                total,
            };
        });
        let id = AccountId::from_uuid(*account);
        let report = pull::pull_account_reporting(local, conn, *account, |tables| {
            for table in tables.iter().filter_map(|t| Table::from_sql(t)) {
                // No receiver (no window, no `serve`) is not an error.
                let _ = pulled.send(Change::of(id, table));
            }
        })
        .await?;
        if report.applied > 0 {
            status.send_modify(|s| s.pulled += report.applied);
        }
    }
    Ok(())
}

/// Synced, with the outbox's count (changes made meanwhile stay counted).
async fn finish(local: &SqlitePool, status: &watch::Sender<SyncStatus>) -> Result<(), SyncError> {
    let waiting = push::waiting(local).await?;
    let parked = push::parked(local).await?;
    status.send_modify(|s| {
        s.state = SyncState::Synced;
        s.last_sync = Some(now_ms());
        s.waiting = waiting;
        s.parked = parked;
    });
    Ok(())
}

async fn connect(config: &EngineConfig) -> Result<PgConnection, SyncError> {
    match tokio::time::timeout(config.connect_timeout, config.remote.connect()).await {
        Ok(result) => result.map_err(SyncError::remote),
        Err(_) => Err(SyncError::Remote(sqlx::Error::PoolTimedOut)),
    }
}

/// A task that LISTENs on its own connection and forwards `(account,
/// version)` pokes; it ends (closing the channel) when the connection is lost.
///
/// Since remote migration 0007 each account has its own channel, named at
/// random and readable by its members only (`zapdesk.my_channels()`), so an
/// outsider can neither hear nor aim pokes at it. The channels are read once
/// per session: an account joined later is listened to from the next session
/// (the resync interval pulls it meanwhile). A server older than 0007 has
/// only the shared channel [`CHANNEL`].
async fn listen(
    config: &EngineConfig,
) -> Result<(mpsc::UnboundedReceiver<(Uuid, i64)>, JoinHandle<()>), SyncError> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(config.connect_timeout)
        .connect_with(config.remote.clone())
        .await
        .map_err(SyncError::remote)?;
    let mut listener = PgListener::connect_with(&pool)
        .await
        .map_err(SyncError::remote)?;
    let channels = account_channels(&mut listener).await?;
    match &channels {
        Some(channels) => {
            listener
                .listen_all(channels.keys().map(String::as_str))
                .await
                .map_err(SyncError::remote)?;
        }
        None => listener.listen(CHANNEL).await.map_err(SyncError::remote)?,
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        // Ok(None): the connection was lost; whatever was sent meanwhile is
        // lost with it, so the session starts over and pulls everything.
        while let Ok(Some(n)) = listener.try_recv().await {
            if let Some(poke) = checked_poke(channels.as_ref(), n.channel(), n.payload())
                && tx.send(poke).is_err()
            {
                break;
            }
        }
        drop(pool);
    });
    Ok((rx, task))
}

/// Channel name → account, or `None` when the server predates the
/// per-account channels (the function does not exist: SQLSTATE 42883).
async fn account_channels(
    listener: &mut PgListener,
) -> Result<Option<std::collections::HashMap<String, Uuid>>, SyncError> {
    let rows: Result<Vec<(Uuid, String)>, sqlx::Error> =
        sqlx::query_as("SELECT account_id, channel FROM zapdesk.my_channels()")
            .fetch_all(&mut *listener)
            .await;
    match rows {
        Ok(rows) => Ok(Some(rows.into_iter().map(|(a, c)| (c, a)).collect())),
        Err(e)
            if e.as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "42883") =>
        {
            Ok(None)
        }
        Err(e) => Err(SyncError::remote(e)),
    }
}

/// A poke that checks out: well formed and, on a per-account channel, about
/// that channel's account. Anything else is ignored. A poke only ever makes
/// the session pull (it is compared with the cursor, never trusted beyond
/// that), so a member forging one on their own account costs one pull.
fn checked_poke(
    channels: Option<&std::collections::HashMap<String, Uuid>>,
    channel: &str,
    payload: &str,
) -> Option<(Uuid, i64)> {
    let (account, version) = parse_poke(payload)?;
    match channels {
        Some(channels) => (channels.get(channel) == Some(&account)).then_some((account, version)),
        None => (channel == CHANNEL).then_some((account, version)),
    }
}

/// `<account uuid>:<version>`.
fn parse_poke(payload: &str) -> Option<(Uuid, i64)> {
    let (account, version) = payload.split_once(':')?;
    Some((account.parse().ok()?, version.parse().ok()?))
}

/// The code and text a person sees for a failure.
fn describe(error: SyncError, config: &EngineConfig) -> (ErrorCode, String) {
    let target = Target {
        host: config.remote.get_host().to_owned(),
        port: config.remote.get_port(),
        user: config.remote.get_username().to_owned(),
        database: config.remote.get_database().unwrap_or_default().to_owned(),
    };
    match error {
        SyncError::Remote(e) => {
            let remote = RemoteError::from_sqlx(e, &target);
            (remote.code(), remote.message(config.lang))
        }
        SyncError::Local(e) => (ErrorCode::DatabaseFailed, format!("{e}")),
        SyncError::Outbox(detail) => (ErrorCode::DatabaseFailed, detail),
    }
}

/// The delay before retry `failures` (0-based): doubling from the minimum up
/// to the maximum, then a random point in its upper half, so desktops that
/// lost the server together do not all come back at the same instant.
fn backoff(config: &EngineConfig, failures: u32) -> Duration {
    let base = config
        .backoff_min
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(config.backoff_max);
    let half = base / 2;
    half + half.mul_f64(rand::rng().random_range(0.0..=1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pokes_are_read() {
        let a = Uuid::now_v7();
        assert_eq!(parse_poke(&format!("{a}:42")), Some((a, 42)));
        assert_eq!(parse_poke("nope"), None);
    }

    #[test]
    fn pokes_about_another_account_than_their_channel_are_ignored() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let channels = std::collections::HashMap::from([("zapdesk_abc".to_owned(), mine)]);
        let poke = |channel: &str, account: Uuid| {
            checked_poke(Some(&channels), channel, &format!("{account}:7"))
        };
        assert_eq!(poke("zapdesk_abc", mine), Some((mine, 7)));
        assert_eq!(poke("zapdesk_abc", other), None);
        assert_eq!(poke("zapdesk", mine), None);
        assert_eq!(
            checked_poke(None, CHANNEL, &format!("{mine}:7")),
            Some((mine, 7))
        );
        assert_eq!(
            checked_poke(None, "zapdesk_abc", &format!("{mine}:7")),
            None
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_jitter() {
        let config = EngineConfig::new(PgConnectOptions::new());
        for failures in 0..20 {
            let d = backoff(&config, failures);
            let base = (config.backoff_min * 2u32.pow(failures.min(16))).min(config.backoff_max);
            assert!(d >= base / 2 && d <= base, "{failures}: {d:?}");
        }
    }
}
