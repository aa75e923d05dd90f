//! Contacts: the opt-out an operator decides.

use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, Contact, ContactError};
use zapdesk_core::{AccountId, ContactId};

use crate::App;

impl App {
    /// Marks a contact as opted out of messages, or back in; the contact after.
    pub async fn contacts_set_opt_out(
        &self,
        account: AccountId,
        id: ContactId,
        opted_out: bool,
    ) -> Result<Contact, ContactError> {
        let store = self.store();
        let set = async {
            zapdesk_core::opt_out::set(store, account, id, opted_out)
                .await
                .map_err(ContactError::Database)
        };
        self.wrote(Some(account), &[Table::Contacts], set).await?;
        contacts::get(store, account, id).await
    }
}
