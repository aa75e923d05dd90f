//! Why a simulation could not open or go on: the refusal of the part of
//! the core that said no, its code and text kept (a flow that cannot be
//! published is `flow_invalid` with every problem, a version that does not
//! exist `flow_unknown`, a contact's phone the copy refuses `phone_invalid`).

use zapdesk_core::accounts::AccountError;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::business_hours::BusinessHoursError;
use zapdesk_core::contacts::ContactError;
use zapdesk_core::fields::FieldError;
use zapdesk_core::inbox::InboxError;
use zapdesk_core::instances::NumberError;
use zapdesk_core::store::StoreError;
use zapdesk_core::tags::TagError;
use zapdesk_core::{ErrorCode, Lang, UserError};

macro_rules! sim_error {
    ($($variant:ident($error:ty)),* $(,)?) => {
        /// A simulation's failure, as the part of the core that refused it said.
        #[derive(Debug, thiserror::Error)]
        pub enum SimError {
            $(#[error(transparent)] $variant(#[from] $error),)*
        }

        impl UserError for SimError {
            fn code(&self) -> ErrorCode {
                match self {
                    $(SimError::$variant(e) => e.code(),)*
                }
            }

            fn message(&self, lang: Lang) -> String {
                match self {
                    $(SimError::$variant(e) => e.message(lang),)*
                }
            }
        }
    };
}

sim_error! {
    Account(AccountError),
    Automation(AutomationError),
    BusinessHours(BusinessHoursError),
    Contact(ContactError),
    Field(FieldError),
    Inbox(InboxError),
    Number(NumberError),
    Store(StoreError),
    Tag(TagError),
}
