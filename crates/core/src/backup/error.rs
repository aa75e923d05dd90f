use std::path::PathBuf;

use crate::{ErrorCode, Lang, UserError};

/// Why a backup, a restore or the backup settings failed. Every variant
/// leaves the current store as it was.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Writing or reading a file or folder failed (disk full, no permission).
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The store refused the copy (`VACUUM INTO`), or could not be read.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A backup of the same second already exists.
    #[error("a backup named {0} already exists")]
    JustMade(PathBuf),
    /// The file offered for restore is not there.
    #[error("no file at {0}")]
    NotFound(PathBuf),
    /// Not a SQLite database at all.
    #[error("{0} is not a SQLite database")]
    NotSqlite(PathBuf),
    /// A SQLite file that fails `PRAGMA integrity_check`, or whose last
    /// migration was left half-applied.
    #[error("damaged backup: {0}")]
    Damaged(String),
    /// Some other program's SQLite file, or a ZapDesk schema that is not ours.
    #[error("not a ZapDesk store: {0}")]
    Foreign(String),
    /// Written by a newer ZapDesk.
    #[error("backup schema version {found} is newer than this ZapDesk supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    /// Sync is on and the person did not say they understood what it means.
    #[error("restore with sync on was not acknowledged")]
    SyncOn,
    /// Days kept out of range.
    #[error("days kept must be between 1 and {max}, not {given}")]
    KeepDays { given: u32, max: u32 },
    /// The picked folder is relative, or cannot be written.
    #[error("backup folder {path} cannot be used: {reason}")]
    Folder { path: PathBuf, reason: String },
}

impl BackupError {
    pub(super) fn io(
        what: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> BackupError {
        let path = path.to_path_buf();
        move |source| BackupError::Io { what, path, source }
    }
}

impl UserError for BackupError {
    fn code(&self) -> ErrorCode {
        match self {
            BackupError::Io { .. } | BackupError::Database(_) | BackupError::JustMade(_) => {
                ErrorCode::BackupFailed
            }
            BackupError::NotFound(_)
            | BackupError::NotSqlite(_)
            | BackupError::Damaged(_)
            | BackupError::Foreign(_) => ErrorCode::BackupInvalid,
            BackupError::TooNew { .. } => ErrorCode::BackupTooNew,
            BackupError::SyncOn => ErrorCode::BackupSyncOn,
            BackupError::KeepDays { .. } | BackupError::Folder { .. } => {
                ErrorCode::BackupSettingsInvalid
            }
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (BackupError::Io { path, .. }, Lang::PtBr) => format!(
                "Não foi possível gravar ou ler {}. Verifique o espaço livre e as permissões da pasta; os dados atuais não foram alterados.",
                path.display()
            ),
            (BackupError::Io { path, .. }, Lang::En) => format!(
                "{} could not be written or read. Check the free space and the folder's permissions; the current data was not changed.",
                path.display()
            ),
            (BackupError::Database(_), _) => lang
                .pick(
                    "O banco de dados local não pôde ser copiado. Verifique o espaço livre em disco e tente de novo; nada foi alterado.",
                    "The local database could not be copied. Check the free disk space and try again; nothing was changed.",
                )
                .to_owned(),
            (BackupError::JustMade(_), _) => lang
                .pick(
                    "Um backup acabou de ser feito neste mesmo segundo. Aguarde um instante e tente de novo.",
                    "A backup was made in this very second. Wait a moment and try again.",
                )
                .to_owned(),
            (BackupError::NotFound(path), Lang::PtBr) => format!(
                "O arquivo {} não existe mais. Nada foi alterado.",
                path.display()
            ),
            (BackupError::NotFound(path), Lang::En) => {
                format!("The file {} is no longer there. Nothing was changed.", path.display())
            }
            (BackupError::NotSqlite(_) | BackupError::Foreign(_), _) => lang
                .pick(
                    "Este arquivo não é um backup do ZapDesk. Escolha um arquivo zapdesk-backup-….sqlite3; nada foi alterado.",
                    "This file is not a ZapDesk backup. Pick a zapdesk-backup-….sqlite3 file; nothing was changed.",
                )
                .to_owned(),
            (BackupError::Damaged(_), _) => lang
                .pick(
                    "Este backup está danificado e não pode ser restaurado. Escolha outro (de outro dia); nada foi alterado.",
                    "This backup is damaged and cannot be restored. Pick another one (from another day); nothing was changed.",
                )
                .to_owned(),
            (BackupError::TooNew { .. }, _) => lang
                .pick(
                    "Este backup foi feito por uma versão mais nova do ZapDesk. Atualize o ZapDesk antes de restaurá-lo; nada foi alterado.",
                    "This backup was made by a newer version of ZapDesk. Update ZapDesk before restoring it; nothing was changed.",
                )
                .to_owned(),
            (BackupError::SyncOn, _) => lang
                .pick(
                    "A sincronização está ligada: confirme que entendeu que o que já está no servidor volta depois de restaurar. Nada foi alterado.",
                    "Sync is on: confirm that you understand that what is already on the server comes back after restoring. Nothing was changed.",
                )
                .to_owned(),
            (BackupError::KeepDays { max, .. }, Lang::PtBr) => {
                format!("Os dias guardados devem ficar entre 1 e {max}.")
            }
            (BackupError::KeepDays { max, .. }, Lang::En) => {
                format!("Days kept must be between 1 and {max}.")
            }
            (BackupError::Folder { path, .. }, Lang::PtBr) => format!(
                "A pasta {} não pode ser usada para backups (ela precisa ser um caminho completo e gravável).",
                path.display()
            ),
            (BackupError::Folder { path, .. }, Lang::En) => format!(
                "The folder {} cannot hold backups (it must be a full path that can be written).",
                path.display()
            ),
        }
    }
}
