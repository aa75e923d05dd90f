//! The local store: one SQLite file in WAL mode per desktop, the single source
//! of truth for everything the UI shows.
//!
//! Opening it creates the folder and the file, refuses a database written by a
//! newer ZapDesk, backs the file up before applying new migrations, and then
//! migrates. Migrations are the `.sql` files under `migrations/sqlite/`,
//! embedded in the binary at build time. Its WAL is checkpointed by a task of
//! its own (`checkpointer.rs`), not inside whichever commit crosses SQLite's
//! threshold.

mod checkpointer;
mod error;
mod migrate;
mod sync_outbox;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::watch;

pub use error::StoreError;
pub use migrate::{MIGRATOR, latest_version};
use sync_outbox::watch_outbox;
pub use sync_outbox::{CLOCK_TICK, compact_outbox};
pub(crate) use sync_outbox::{quiet, record_recipients};

/// File name of the database inside the data folder.
pub const DB_FILE: &str = "zapdesk.sqlite3";
/// How long a write waits for another connection's write lock before it
/// fails with "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Folder, inside the data folder, for copies taken before migrating.
pub const BACKUP_DIR: &str = "backups";

/// A handle on the local store. Cheap to clone: it is a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    data_dir: PathBuf,
    /// Counts commits that recorded a change for the sync outbox.
    outbox: Arc<watch::Sender<u64>>,
    /// Held by every clone: the checkpointer stops once the last is gone.
    _alive: Arc<()>,
}

/// The checkpointer's own connection: the file as the pool opens it, without
/// the pool's hooks.
fn options_for_checkpoints(
    db_path: &Path,
    busy_timeout: Duration,
) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(db_path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(busy_timeout))
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_busy_timeout(data_dir, BUSY_TIMEOUT).await
    }

    /// [`Store::open`] with another wait for a write lock held elsewhere
    /// than [`BUSY_TIMEOUT`]: tests make a store fail fast to see what
    /// happens to writes refused that way.
    pub async fn open_with_busy_timeout(
        data_dir: &Path,
        busy_timeout: Duration,
    ) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let db_path = data_dir.join(DB_FILE);
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&db_path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode across application crashes; only an OS
            // crash or power loss can lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(busy_timeout)
            // SQLite's default page cache is 2 MiB: too small for the indexes of
            // 100k contacts, and a segment count then rereads pages from the OS
            // (42 ms instead of 15 ms, docs/benchmarks.md). 64 MiB per connection,
            // filled only as pages are used.
            .pragma("cache_size", "-65536")
            // Checkpoints run off the writers' path (`checkpointer`); this
            // is only the safety net should that task not keep up (40 MB).
            .pragma("wal_autocheckpoint", "10000");
        let outbox = Arc::new(watch::Sender::new(0u64));
        let counter = Arc::clone(&outbox);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // sqlx pings a connection each time it leaves the pool, a round
            // trip to its SQLite thread; a local file's connection does not
            // go stale, and a broken one fails its statement all the same.
            .test_before_acquire(false)
            .after_connect(move |conn, _| {
                let counter = Arc::clone(&counter);
                Box::pin(async move {
                    watch_outbox(conn, counter).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        migrate::run(&pool, data_dir).await?;
        let alive = Arc::new(());
        checkpointer::spawn(
            options_for_checkpoints(&db_path, busy_timeout)?,
            pool.clone(),
            Arc::downgrade(&alive),
        );
        // The sync outbox is compacted by the sync engine when it connects,
        // never here: every CLI command opens the store without the data
        // folder's lock, and compacting moves a row's newest entry to its
        // first place, under a push that then clears "everything up to the
        // batch's last entry" — a delete made meanwhile was lost that way.
        Ok(Store {
            pool,
            data_dir: data_dir.to_path_buf(),
            outbox,
            _alive: alive,
        })
    }

    /// Moves after every commit that recorded local changes for the sync
    /// outbox (migrations 0007, 0010), whichever code path wrote them: the
    /// sync engine pushes then instead of at its next interval.
    pub fn outbox_changes(&self) -> watch::Receiver<u64> {
        self.outbox.subscribe()
    }

    /// The connection pool, for the repository modules of this crate.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The connection pool, for the sync engine (`crates/sync`) only: it reads
    /// the outbox its triggers fill and applies pulled rows under its guard.
    /// Nothing else outside this crate should write through it.
    #[doc(hidden)]
    pub fn pool_for_sync(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock at once,
    /// so the busy timeout applies; a plain (deferred) transaction that reads
    /// first and writes after can fail outright with SQLITE_BUSY when another
    /// connection wrote in between (seen in CI as a spurious DatabaseFailed).
    pub(crate) async fn write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The data folder this store lives in.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(self) {
        self.pool.close().await;
    }
}
