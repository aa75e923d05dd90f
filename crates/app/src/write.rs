//! A write that is one call of the core, made through the app so the other
//! open screens hear of it: `app.wrote(account, tables, core_call).await`.

use std::future::Future;

use zapdesk_core::AccountId;
use zapdesk_core::changes::Table;

use crate::App;

impl App {
    /// Awaits `write`; when it succeeded, reports `tables` of `account`
    /// (`None`: not one account's rows) as changed.
    pub async fn wrote<T, E>(
        &self,
        account: Option<AccountId>,
        tables: &[Table],
        write: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let done = write.await;
        if done.is_ok() {
            self.changes().tables(account, tables);
            // A chat resolved or moved, an operator back, a cap raised: the
            // flow runner gives waiting chats out (fair assignment).
            if tables
                .iter()
                .any(|t| matches!(t, Table::Conversations | Table::AutomationSettings))
            {
                self.wake_flows();
            }
        }
        done
    }
}
