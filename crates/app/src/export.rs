//! Exports of contacts, written to the path the shell's save dialog gave.

use std::path::Path;

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
        let bytes = export::csv(self.store(), account, selection, lang).await?;
        export::save(path, &bytes)?;
        Ok(())
    }
}
