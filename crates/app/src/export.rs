//! Exports of contacts, written to the path the shell's save dialog gave.

use std::path::Path;

use zapdesk_core::access::{self, Area};
use zapdesk_core::filter::ContactSelection;
use zapdesk_core::{AccountId, Lang, export};

use crate::{App, AppError};

impl App {
    /// The selection's contacts as CSV, written whole at `path`.
    pub async fn contacts_export(
        &self,
        account: AccountId,
        selection: &ContactSelection,
        lang: Lang,
        path: &Path,
    ) -> Result<(), AppError> {
        // Not an agent's, nor an account they were not given (access.rs).
        access::require(self.store(), Area::Export).await?;
        access::require_account(self.store(), account).await?;
        let bytes = export::csv(self.store(), account, selection, lang).await?;
        export::save(path, &bytes)?;
        Ok(())
    }
}
