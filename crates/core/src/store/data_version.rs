//! Whether the file changed: SQLite's `PRAGMA data_version`, read on a
//! connection of its own that never writes, so every commit to the file —
//! the pool's, the sync engine's, a `zapdesk-cli` run in another process —
//! moves it. Readers that keep an answer (the local API's cache) keep it
//! under the version read *before* they asked, and use it only while the
//! version has not moved.

use std::fmt;
use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::Mutex;

/// The watcher's connection, opened on first use.
#[derive(Clone)]
pub(super) struct DataVersion {
    options: SqliteConnectOptions,
    conn: Arc<Mutex<Option<SqliteConnection>>>,
    /// Moves when the connection is opened again: its numbers restart then,
    /// and must never equal one read before.
    epoch: Arc<std::sync::atomic::AtomicU32>,
}

impl fmt::Debug for DataVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataVersion")
    }
}

impl DataVersion {
    pub(super) fn new(options: SqliteConnectOptions) -> DataVersion {
        DataVersion {
            options,
            conn: Arc::new(Mutex::new(None)),
            epoch: Arc::default(),
        }
    }

    /// Closes the connection (a restore swaps the file under it); a later
    /// read opens it again.
    pub(super) async fn close(&self) {
        if let Some(open) = self.conn.lock().await.take() {
            let _ = open.close().await;
        }
    }

    /// The file's version as this connection sees it now.
    pub(super) async fn read(&self) -> Result<u64, sqlx::Error> {
        use std::sync::atomic::Ordering;
        let mut conn = self.conn.lock().await;
        if conn.is_none() {
            *conn = Some(self.options.connect().await?);
            self.epoch.fetch_add(1, Ordering::Relaxed);
        }
        let Some(open) = conn.as_mut() else {
            unreachable!("opened above");
        };
        match sqlx::query_scalar::<_, i64>("PRAGMA data_version")
            .fetch_one(&mut *open)
            .await
        {
            Ok(version) => {
                let epoch = u64::from(self.epoch.load(Ordering::Relaxed));
                Ok((epoch << 40) | (version as u64 & ((1 << 40) - 1)))
            }
            Err(e) => {
                // Opened afresh next time, under a new epoch.
                if let Some(broken) = conn.take() {
                    let _ = broken.close().await;
                }
                Err(e)
            }
        }
    }
}
