//! CSV import of contacts: the file, what the person mapped, progress, and
//! the rows it refused saved where the shell's dialog said.

use std::path::Path;

use zapdesk_core::AccountId;
use zapdesk_core::Lang;
use zapdesk_core::changes::Table;
use zapdesk_core::import::{self, Column, ImportError, ImportReport};

use crate::App;

/// What an import writes.
const IMPORTED: &[Table] = &[Table::Contacts, Table::ContactTags, Table::ContactFields];

impl App {
    /// Imports the file at `path` with the mapping the person confirmed;
    /// `progress(done, total)` after each batch.
    pub async fn contacts_import(
        &self,
        account: AccountId,
        path: &Path,
        columns: &[Column],
        lang: Lang,
        progress: &mut (dyn FnMut(u32, u32) + Send),
    ) -> Result<ImportReport, ImportError> {
        let sheet = import::open(path)?;
        let run = import::run(self.store(), account, &sheet, columns, lang, progress);
        let report = run.await;
        // Rows are written batch by batch: even a failed import may have added some.
        self.changes().tables(Some(account), IMPORTED);
        report
    }

    /// The rows of `source` the import refuses, with a reason, as CSV at `target`.
    pub async fn contacts_import_rejected(
        &self,
        account: AccountId,
        source: &Path,
        columns: &[Column],
        lang: Lang,
        target: &Path,
    ) -> Result<(), ImportError> {
        import::save_rejected(self.store(), account, source, columns, lang, target).await
    }
}
