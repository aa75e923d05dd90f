//! "This account cannot take changes": gone (deleted on another desktop, or
//! a stale screen) or archived. One error for it, which the modules' own
//! errors wrap, so the text a person reads is the same everywhere.

use sqlx::SqliteConnection;

use crate::error::{ErrorCode, UserError};
use crate::{AccountId, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountClosed {
    #[error("no account with id {0}")]
    Unknown(AccountId),
    #[error("account {0} is archived")]
    Archived(AccountId),
}

impl UserError for AccountClosed {
    fn code(&self) -> ErrorCode {
        match self {
            AccountClosed::Unknown(_) => ErrorCode::AccountUnknown,
            AccountClosed::Archived(_) => ErrorCode::AccountArchived,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            AccountClosed::Unknown(_) => lang.pick(
                "Esta conta não existe mais. Escolha outra conta.",
                "This account no longer exists. Choose another account.",
            ),
            AccountClosed::Archived(_) => lang.pick(
                "Esta conta está arquivada. Restaure-a em Configurações → Contas para fazer alterações.",
                "This account is archived. Restore it in Settings → Accounts to make changes.",
            ),
        }
        .to_owned()
    }
}

/// Whether `account` exists and is not archived, read in the caller's
/// transaction (so an archive cannot slip in between the check and the write).
pub(crate) async fn check(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Result<(), AccountClosed>, sqlx::Error> {
    let archived: Option<Option<i64>> =
        sqlx::query_scalar("SELECT archived_at FROM accounts WHERE id = ?")
            .bind(account)
            .fetch_optional(conn)
            .await?;
    Ok(match archived {
        None => Err(AccountClosed::Unknown(account)),
        Some(Some(_)) => Err(AccountClosed::Archived(account)),
        Some(None) => Ok(()),
    })
}
