//! Campaigns: each with its report, and the writes after which the runner
//! looks again at once (create, resume or pause, re-pace) or a number's
//! sender wakes (a test send).

use serde::Serialize;
use zapdesk_core::access::{self, Area};
use zapdesk_core::campaigns::pacing::Pacing;
use zapdesk_core::campaigns::report::{self, CampaignReport};
use zapdesk_core::campaigns::store::{self, CampaignInfo, CampaignInput};
use zapdesk_core::campaigns::template::Template;
use zapdesk_core::campaigns::{CampaignError, drafts, export as recipients, test_send};
use zapdesk_core::changes::Table;
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::fields;
use zapdesk_core::ids::{CampaignId, InstanceId};
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, ContactId, Lang, MessageId};

use crate::{App, AppError};

/// A campaign with how it is doing, as the Campaigns screen lists it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CampaignSummary {
    #[serde(flatten)]
    pub campaign: CampaignInfo,
    pub report: CampaignReport,
}

/// What a campaign write changes.
const CAMPAIGN_TABLES: &[Table] = &[Table::Campaigns, Table::CampaignRecipients];

impl App {
    async fn summary(
        &self,
        account: AccountId,
        campaign: CampaignInfo,
    ) -> Result<CampaignSummary, CampaignError> {
        let report = report::report(self.store(), account, campaign.id).await?;
        Ok(CampaignSummary { campaign, report })
    }

    /// The account's campaigns, newest first, each with its report.
    pub async fn campaigns_list(
        &self,
        account: AccountId,
    ) -> Result<Vec<CampaignSummary>, CampaignError> {
        let mut out = Vec::new();
        for campaign in store::list(self.store(), account).await? {
            out.push(self.summary(account, campaign).await?);
        }
        Ok(out)
    }

    pub async fn campaigns_get(
        &self,
        account: AccountId,
        id: CampaignId,
    ) -> Result<CampaignSummary, CampaignError> {
        let campaign = store::get(self.store(), account, id).await?;
        self.summary(account, campaign).await
    }

    /// Creates a campaign and its recipients (nothing written when anything
    /// a person could get wrong is wrong); the runner starts on it now.
    pub async fn campaigns_create(
        &self,
        account: AccountId,
        input: &CampaignInput,
    ) -> Result<CampaignInfo, CampaignError> {
        // Numbers another desktop runs (shared accounts) send from there.
        let elsewhere: Vec<_> = self
            .fleet()
            .run_elsewhere(account)
            .await
            .into_iter()
            .map(|h| h.instance)
            .collect();
        let created = store::create_with(self.store(), account, input, now_ms(), &elsewhere);
        let created = self.wrote(Some(account), CAMPAIGN_TABLES, created).await?;
        self.wake_campaigns();
        Ok(created)
    }

    /// Copies a campaign as a draft named `name` (the UI words it in the
    /// person's language): its settings and file, no recipients yet.
    pub async fn campaigns_duplicate(
        &self,
        account: AccountId,
        id: CampaignId,
        name: &str,
    ) -> Result<CampaignInfo, CampaignError> {
        let copied = drafts::duplicate(self.store(), account, id, name, now_ms());
        self.wrote(Some(account), CAMPAIGN_TABLES, copied).await
    }

    /// Starts a draft as the editor left it ([`drafts::start`]: in one
    /// transaction, only while it is still a draft, with every check of
    /// [`App::campaigns_create`]); the runner starts on it now. Started
    /// already, here or elsewhere: refused (`NotDraft`), never sent twice.
    pub async fn campaigns_start_draft(
        &self,
        account: AccountId,
        draft: CampaignId,
        input: &CampaignInput,
        keep_file: bool,
    ) -> Result<CampaignInfo, CampaignError> {
        let elsewhere: Vec<_> = self
            .fleet()
            .run_elsewhere(account)
            .await
            .into_iter()
            .map(|h| h.instance)
            .collect();
        let started = drafts::start(
            self.store(),
            account,
            draft,
            input,
            keep_file,
            now_ms(),
            &elsewhere,
        );
        let started = self.wrote(Some(account), CAMPAIGN_TABLES, started).await?;
        self.wake_campaigns();
        Ok(started)
    }

    /// Deletes a draft (only a draft).
    pub async fn campaigns_delete_draft(
        &self,
        account: AccountId,
        id: CampaignId,
    ) -> Result<(), CampaignError> {
        let deleted = drafts::delete(self.store(), account, id);
        self.wrote(Some(account), CAMPAIGN_TABLES, deleted).await
    }

    /// Pause (`paused`), resume (`running`) or cancel (`cancelled`).
    pub async fn campaigns_set_status(
        &self,
        account: AccountId,
        id: CampaignId,
        status: CampaignStatus,
    ) -> Result<CampaignInfo, CampaignError> {
        let changed = store::set_status(self.store(), account, id, status, now_ms());
        let changed = self.wrote(Some(account), CAMPAIGN_TABLES, changed).await?;
        self.wake_campaigns();
        Ok(changed)
    }

    pub async fn campaigns_set_pacing(
        &self,
        account: AccountId,
        id: CampaignId,
        pacing: &Pacing,
    ) -> Result<CampaignInfo, CampaignError> {
        let changed = store::set_pacing(self.store(), account, id, pacing, now_ms());
        let changed = self.wrote(Some(account), CAMPAIGN_TABLES, changed).await?;
        self.wake_campaigns();
        Ok(changed)
    }

    /// The variables a message uses, or why it is refused (unknown variable,
    /// unbalanced braces, empty).
    pub async fn campaigns_check_message(
        &self,
        account: AccountId,
        message: &str,
    ) -> Result<Vec<String>, CampaignError> {
        let fields = fields::list(self.store(), account).await?;
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        Ok(Template::parse(message, &keys)?.variables())
    }

    /// Queues the message for one phone, rendered for `preview`'s contact,
    /// on one connected number, and wakes that number's sender so the test
    /// leaves now. `id`: one press of "Enviar teste" (twice, one test).
    #[allow(clippy::too_many_arguments)]
    pub async fn campaigns_test_send(
        &self,
        account: AccountId,
        id: MessageId,
        message: &str,
        number: InstanceId,
        phone: &str,
        preview: Option<ContactId>,
    ) -> Result<MessageId, CampaignError> {
        let queued =
            test_send::test_send(self.store(), account, id, message, number, phone, preview);
        let queued = self
            .wrote(
                Some(account),
                &[Table::Messages, Table::Conversations],
                queued,
            )
            .await?;
        self.fleet().kick_number(number);
        Ok(queued)
    }

    /// Writes the campaign's recipients and their states as CSV at `path`
    /// (the shell asked the person where).
    pub async fn campaigns_export(
        &self,
        account: AccountId,
        id: CampaignId,
        lang: Lang,
        path: &std::path::Path,
    ) -> Result<(), AppError> {
        // Not an agent's, nor an account they were not given (access.rs).
        access::require(self.store(), Area::Export).await?;
        access::require_account(self.store(), account).await?;
        let bytes = recipients::csv(self.store(), account, id, lang).await?;
        zapdesk_core::export::save(path, &bytes)?;
        Ok(())
    }
}
