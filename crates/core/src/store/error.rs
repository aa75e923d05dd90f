use std::path::PathBuf;

use crate::Lang;
use crate::error::{ErrorCode, UserError, database_failed};

/// Why the store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data folder cannot be created or written.
    #[error("data folder {path} is unusable: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The database has migrations this binary does not know: a newer ZapDesk wrote it.
    #[error("database schema version {found} is newer than this ZapDesk supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    /// A migration was interrupted in a way SQLite could not roll back.
    #[error("migration {0} was left half-applied")]
    Dirty(i64),
    /// Copying the database before migrating failed; nothing was migrated.
    #[error("backup before migrating failed: {0}")]
    Backup(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

impl UserError for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            StoreError::DataDir { .. } => ErrorCode::DataDirUnusable,
            StoreError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            _ => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            StoreError::DataDir { path, .. } => match lang {
                Lang::PtBr => format!(
                    "A pasta de dados {} não pode ser usada. Verifique as permissões ou escolha outra com --data-dir.",
                    path.display()
                ),
                Lang::En => format!(
                    "The data folder {} cannot be used. Check its permissions or choose another with --data-dir.",
                    path.display()
                ),
            },
            StoreError::TooNew { .. } => lang
                .pick(
                    "Este banco de dados foi criado por uma versão mais nova do ZapDesk. Atualize o ZapDesk para abri-lo; nada foi alterado.",
                    "This database was written by a newer version of ZapDesk. Update ZapDesk to open it; nothing was changed.",
                )
                .to_owned(),
            StoreError::Backup(_) => lang
                .pick(
                    "Não foi possível fazer a cópia de segurança antes de atualizar o banco de dados. Verifique o espaço em disco; nada foi alterado.",
                    "The backup before upgrading the database failed. Check the free disk space; nothing was changed.",
                )
                .to_owned(),
            _ => database_failed(lang),
        }
    }
}
