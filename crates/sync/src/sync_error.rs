//! Why a push or a pull failed: the local store, the server, or an outbox
//! this binary cannot read. The engine turns a server error into a
//! [`RemoteError`](crate::RemoteError) (it knows the server's address) for the
//! status the UI shows.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("local store: {0}")]
    Local(#[from] sqlx::Error),
    #[error("server: {0}")]
    Remote(#[source] sqlx::Error),
    #[error("outbox: {0}")]
    Outbox(String),
}

impl SyncError {
    pub(crate) fn remote(e: sqlx::Error) -> SyncError {
        SyncError::Remote(e)
    }

    /// Whether the server could not be reached or the connection broke: the
    /// engine goes offline and retries, rather than reporting an error.
    pub fn is_connection(&self) -> bool {
        match self {
            SyncError::Remote(e) => matches!(
                e,
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
                    | sqlx::Error::Protocol(_)
            ),
            _ => false,
        }
    }
}
