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
mod data_version;
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

use data_version::DataVersion;

pub use error::StoreError;
pub use migrate::{MIGRATING, MIGRATOR, latest_version};
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
    /// One connection for [`Store::write`]'s transactions: writers of this
    /// process queue for it in order instead of meeting at SQLite's lock,
    /// whose busy handler sleeps 1, 2, 5, 10… ms between tries while the
    /// lock is free most of that time (sends through the API: 678/s, p99
    /// 142 ms with four connections meeting there; docs/benchmarks.md).
    writer: SqlitePool,
    data_dir: PathBuf,
    /// Counts commits that recorded a change for the sync outbox.
    outbox: Arc<watch::Sender<u64>>,
    /// Moves with every commit to the file, from any connection.
    version: DataVersion,
    /// Segment-count indexes per account, kept under `contact_index_gen`
    /// (crate::contact_index); a new store (a restore) starts without.
    contact_indexes: Arc<crate::contact_index::ContactIndexes>,
    /// Held by every clone: the checkpointer stops once the last is gone.
    _alive: Arc<()>,
    /// The checkpointer's task: [`Store::close`] waits for it, so a restore
    /// (`crate::backup`) swaps a file nobody in this process holds open.
    checkpoints: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
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
        Store::open_migrated_by(data_dir, busy_timeout, &MIGRATOR).await
    }

    /// [`Store::open`] with other migrations than the embedded ones: tests
    /// add a broken one to see what a failed migration after an update
    /// leaves (the copy taken before it, named in the error).
    #[doc(hidden)]
    pub async fn open_with_migrator(
        data_dir: &Path,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<Store, StoreError> {
        Store::open_migrated_by(data_dir, BUSY_TIMEOUT, migrator).await
    }

    async fn open_migrated_by(
        data_dir: &Path,
        busy_timeout: Duration,
        migrator: &sqlx::migrate::Migrator,
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
        let pool_of = |connections: u32| {
            let counter = Arc::clone(&outbox);
            SqlitePoolOptions::new()
                .max_connections(connections)
                // sqlx pings a connection each time it leaves the pool, a round
                // trip to its SQLite thread; a local file's connection does not
                // go stale, and a broken one fails its statement all the same.
                .test_before_acquire(false)
                // A writer waits in the queue as long as it would for another
                // process's lock: a long import holds the one connection.
                .acquire_timeout(busy_timeout.max(Duration::from_secs(30)))
                .after_connect(move |conn, _| {
                    let counter = Arc::clone(&counter);
                    Box::pin(async move {
                        watch_outbox(conn, counter).await?;
                        Ok(())
                    })
                })
        };
        let pool = pool_of(4).connect_with(options.clone()).await?;
        migrate::run(&pool, data_dir, migrator).await?;
        // Opened after the migrations, on the file they brought up to date;
        // connects on first use.
        let writer = pool_of(1).connect_lazy_with(options);
        let alive = Arc::new(());
        let version = DataVersion::new(options_for_checkpoints(&db_path, busy_timeout)?);
        let checkpoints = checkpointer::spawn(
            options_for_checkpoints(&db_path, busy_timeout)?,
            pool.clone(),
            Arc::downgrade(&alive),
        );
        // The sync outbox is compacted by the sync engine when it connects,
        // never here: every CLI command opens the store without the data
        // folder's lock, and compacting moves a row's newest entry to its
        // first place, under a push that then clears "everything up to the
        // batch's last entry" — a delete made meanwhile was lost that way.
        let store = Store {
            pool,
            writer,
            data_dir: data_dir.to_path_buf(),
            outbox,
            version,
            contact_indexes: Arc::default(),
            _alive: alive,
            checkpoints: Arc::new(std::sync::Mutex::new(Some(checkpoints))),
        };
        // Data migration 0035 needs a hash SQL does not have (see there).
        crate::assignment::adopt_json_rosters(&store).await?;
        Ok(store)
    }

    /// A number that moves with every commit to the file by any connection
    /// or process (SQLite's `PRAGMA data_version`, on a connection of its
    /// own). An answer read after this returned `v` is still the answer for
    /// as long as it returns `v` again: the local API keeps pages that way.
    pub async fn data_version(&self) -> Result<u64, StoreError> {
        Ok(self.version.read().await?)
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

    /// The in-memory segment-count indexes (crate::contact_index).
    pub(crate) fn contact_indexes(&self) -> &crate::contact_index::ContactIndexes {
        &self.contact_indexes
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
    /// On the writer connection: this process's write transactions take
    /// turns in order; never call it again while holding one (it would wait
    /// for itself).
    pub(crate) async fn write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// The data folder this store lives in.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    /// Every clone's connections: the pools are shared.
    pub async fn close(self) {
        self.writer.close().await;
        self.pool.close().await;
        self.version.close().await;
        // It sees the closed pool at its next tick (at most a second).
        let task = self
            .checkpoints
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}
