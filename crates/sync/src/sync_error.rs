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

/// What a person sees when an operation of theirs on the sync state (the
/// parked changes) failed; the engine's own failures reach the UI through
/// its status instead.
impl zapdesk_core::UserError for SyncError {
    fn code(&self) -> zapdesk_core::ErrorCode {
        match self {
            SyncError::Local(_) | SyncError::Outbox(_) => zapdesk_core::ErrorCode::DatabaseFailed,
            SyncError::Remote(_) => zapdesk_core::ErrorCode::RemoteFailed,
        }
    }

    fn message(&self, lang: zapdesk_core::Lang) -> String {
        match self {
            SyncError::Local(_) | SyncError::Outbox(_) => lang
                .pick(
                    "Não foi possível acessar o banco de dados local. Nada foi alterado; tente novamente.",
                    "The local database could not be accessed. Nothing was changed; please try again.",
                )
                .to_owned(),
            SyncError::Remote(e) => match lang {
                zapdesk_core::Lang::PtBr => format!("O servidor da agência recusou a operação: {e}"),
                zapdesk_core::Lang::En => format!("The agency's server refused the operation: {e}"),
            },
        }
    }
}
