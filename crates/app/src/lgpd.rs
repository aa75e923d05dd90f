//! LGPD: the copy and the erasure of one contact, each signed in the audit
//! log by the operator at this desktop.

use std::path::Path;

use zapdesk_core::access::{self, Area};
use zapdesk_core::changes::Table;
use zapdesk_core::lgpd::{self, Actor};
use zapdesk_core::{AccountId, ContactId, Lang, export, users};

use crate::{App, AppError};

impl App {
    /// Who the audit log names: the desktop's operator, else a label saying
    /// nobody was chosen.
    async fn actor(&self, lang: Lang) -> Result<Actor, AppError> {
        let me = users::me(self.store()).await?;
        Ok(Actor::or(
            me,
            lang.pick("Operador não identificado", "Unidentified operator"),
        ))
    }

    /// Everything stored about one contact as JSON, written at `path`, and logged.
    pub async fn contacts_lgpd_export(
        &self,
        account: AccountId,
        contact: ContactId,
        lang: Lang,
        path: &Path,
    ) -> Result<(), AppError> {
        // A copy of someone's data leaves the app: not an agent's (access.rs).
        access::require(self.store(), Area::Export).await?;
        access::require_account(self.store(), account).await?;
        let actor = self.actor(lang).await?;
        let copy = lgpd::export(self.store(), account, contact, &actor);
        let json = self.wrote(Some(account), &[Table::AuditLog], copy).await?;
        export::save(path, json.as_bytes())?;
        Ok(())
    }

    /// Erases a contact with their messages and media, and logs it.
    pub async fn contacts_erase(
        &self,
        account: AccountId,
        contact: ContactId,
        lang: Lang,
    ) -> Result<(), AppError> {
        access::require(self.store(), Area::Erase).await?;
        access::require_account(self.store(), account).await?;
        let actor = self.actor(lang).await?;
        let erased = lgpd::erase(self.store(), account, contact, &actor);
        self.wrote(Some(account), ERASED, erased).await?;
        Ok(())
    }
}

/// What erasing a contact removes (the bot's sessions go with their
/// conversations), and the audit line it adds.
const ERASED: &[Table] = &[
    Table::Contacts,
    Table::ContactTags,
    Table::ContactFields,
    Table::Conversations,
    Table::Messages,
    Table::Notes,
    Table::Drafts,
    Table::CampaignRecipients,
    Table::FlowSessions,
    Table::AuditLog,
];
