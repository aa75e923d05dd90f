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
    /// A migration failed (after an update): the store stays at the last one
    /// that succeeded, and the copy taken before migrating (`None` for a new
    /// store, which had nothing to copy) is how to go back.
    #[error(
        "migration {version:?} failed ({source}); the store before migrating is kept at {backup:?}"
    )]
    MigrationFailed {
        version: Option<i64>,
        backup: Option<PathBuf>,
        source: sqlx::migrate::MigrateError,
    },
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
            StoreError::MigrationFailed { .. } => ErrorCode::MigrationFailed,
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
            StoreError::MigrationFailed {
                backup: Some(backup),
                ..
            } => {
                let file = backup.display();
                match lang {
                    Lang::PtBr => format!(
                        "A atualização do banco de dados desta versão do ZapDesk falhou, e o ZapDesk não abriu para não arriscar seus dados. A cópia feita antes da atualização está em {file}. Para voltar: instale a versão anterior do ZapDesk e, com ele fechado, rode zapdesk-cli backup restore \"{file}\"."
                    ),
                    Lang::En => format!(
                        "This version of ZapDesk failed to upgrade the database, and did not open so as not to risk your data. The copy taken before the upgrade is at {file}. To go back: install the previous version of ZapDesk and, with it closed, run zapdesk-cli backup restore \"{file}\"."
                    ),
                }
            }
            StoreError::MigrationFailed { backup: None, .. } => lang
                .pick(
                    "Esta versão do ZapDesk não conseguiu criar o banco de dados. Nada havia sido guardado ainda; instale outra versão do ZapDesk ou fale com o suporte.",
                    "This version of ZapDesk could not create the database. Nothing had been stored yet; install another version of ZapDesk or contact support.",
                )
                .to_owned(),
            _ => database_failed(lang),
        }
    }
}
