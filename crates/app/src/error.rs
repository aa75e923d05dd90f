//! One error for the app's operations that call more than one part of the
//! core: each variant is the core's own error, whose code and text it keeps,
//! so the UI receives exactly what it did when the shell made the calls.

use zapdesk_automation::SecretError;
use zapdesk_automation::simulator::SimError;
use zapdesk_core::access::AccessError;
use zapdesk_core::automation::AutomationError;
use zapdesk_core::campaigns::CampaignError;
use zapdesk_core::contacts::ContactError;
use zapdesk_core::export::SaveError;
use zapdesk_core::inbox::InboxError;
use zapdesk_core::inbox::attachments::AttachmentError;
use zapdesk_core::instances::NumberError;
use zapdesk_core::pipeline::PipelineError;
use zapdesk_core::users::UserErrorKind;
use zapdesk_core::{ErrorCode, Lang, UserError};
use zapdesk_whatsapp::fleet::FleetError;

macro_rules! app_error {
    ($($variant:ident($error:ty)),* $(,)?) => {
        /// An operation's failure, as the part of the core that refused it said.
        #[derive(Debug, thiserror::Error)]
        pub enum AppError {
            $(#[error(transparent)] $variant(#[from] $error),)*
        }

        impl UserError for AppError {
            fn code(&self) -> ErrorCode {
                match self {
                    $(AppError::$variant(e) => e.code(),)*
                }
            }

            fn message(&self, lang: Lang) -> String {
                match self {
                    $(AppError::$variant(e) => e.message(lang),)*
                }
            }
        }
    };
}

app_error! {
    Access(AccessError),
    Account(zapdesk_core::accounts::AccountError),
    Attachment(AttachmentError),
    Automation(AutomationError),
    Backup(zapdesk_core::backup::BackupError),
    Campaign(CampaignError),
    Contact(ContactError),
    Fleet(FleetError),
    Inbox(InboxError),
    Number(NumberError),
    Pipeline(PipelineError),
    Remote(zapdesk_sync::RemoteError),
    Report(zapdesk_core::reports::ReportError),
    Save(SaveError),
    Secret(SecretError),
    Send(crate::send::SendError),
    Settings(zapdesk_core::settings::SettingsError),
    Simulation(SimError),
    User(UserErrorKind),
}
