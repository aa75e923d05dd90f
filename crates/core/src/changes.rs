//! "What changed": the one signal the UI's data layer refetches on. Every
//! writer that is not the window itself (a number receiving, a campaign
//! sending, a pull from the agency's server) reports the tables it wrote and
//! for which account; the app runtime forwards them as the `changed` event.
//!
//! The names are the storage tables' own (`instances` is where numbers are
//! stored), so a pulled row maps to a [`Table`] by its table name alone.

use serde::{Deserialize, Serialize};

use crate::AccountId;

/// A table of the local store whose rows a screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Accounts,
    Contacts,
    Tags,
    CustomFields,
    Segments,
    ContactTags,
    ContactFields,
    /// The numbers.
    Instances,
    Conversations,
    Messages,
    Notes,
    Drafts,
    QuickReplies,
    AuditLog,
    Campaigns,
    CampaignRecipients,
    CampaignFiles,
    Users,
    Settings,
    /// Automation (issue 15): the account's bot settings, keyword replies,
    /// flows and their versions, flows running in conversations, files.
    AutomationSettings,
    Keywords,
    Flows,
    FlowVersions,
    FlowSessions,
    AutomationFiles,
    /// The local API (issue 17): its tokens (agency-wide, not one account's),
    /// webhooks and their delivery log.
    ApiTokens,
    Webhooks,
    WebhookDeliveries,
    /// The pipeline (issue 18, item 7): its stages and cards.
    PipelineStages,
    PipelineCards,
    /// Each plan's limits (issue 18, item 4): the agency's, not one account's.
    PlanLimits,
}

impl Table {
    pub const ALL: [Table; 31] = [
        Table::Accounts,
        Table::Contacts,
        Table::Tags,
        Table::CustomFields,
        Table::Segments,
        Table::ContactTags,
        Table::ContactFields,
        Table::Instances,
        Table::Conversations,
        Table::Messages,
        Table::Notes,
        Table::Drafts,
        Table::QuickReplies,
        Table::AuditLog,
        Table::Campaigns,
        Table::CampaignRecipients,
        Table::CampaignFiles,
        Table::Users,
        Table::Settings,
        Table::AutomationSettings,
        Table::Keywords,
        Table::Flows,
        Table::FlowVersions,
        Table::FlowSessions,
        Table::AutomationFiles,
        Table::ApiTokens,
        Table::Webhooks,
        Table::WebhookDeliveries,
        Table::PipelineStages,
        Table::PipelineCards,
        Table::PlanLimits,
    ];

    /// The storage name, as in SQL.
    pub fn sql_name(self) -> &'static str {
        match self {
            Table::Accounts => "accounts",
            Table::Contacts => "contacts",
            Table::Tags => "tags",
            Table::CustomFields => "custom_fields",
            Table::Segments => "segments",
            Table::ContactTags => "contact_tags",
            Table::ContactFields => "contact_fields",
            Table::Instances => "instances",
            Table::Conversations => "conversations",
            Table::Messages => "messages",
            Table::Notes => "notes",
            Table::Drafts => "drafts",
            Table::QuickReplies => "quick_replies",
            Table::AuditLog => "audit_log",
            Table::Campaigns => "campaigns",
            Table::CampaignRecipients => "campaign_recipients",
            Table::CampaignFiles => "campaign_files",
            Table::Users => "users",
            Table::Settings => "settings",
            Table::AutomationSettings => "automation_settings",
            Table::Keywords => "keywords",
            Table::Flows => "flows",
            Table::FlowVersions => "flow_versions",
            Table::FlowSessions => "flow_sessions",
            Table::AutomationFiles => "automation_files",
            Table::ApiTokens => "api_tokens",
            Table::Webhooks => "webhooks",
            Table::WebhookDeliveries => "webhook_deliveries",
            Table::PipelineStages => "pipeline_stages",
            Table::PipelineCards => "pipeline_cards",
            Table::PlanLimits => "plan_limits",
        }
    }

    /// The table stored under `name`; `None` for the engine's own tables
    /// (sync bookkeeping), which no screen shows.
    pub fn from_sql(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.sql_name() == name)
    }
}

/// Rows of `table` changed; `account: None` when they are not one account's
/// (accounts themselves, operators, settings) or when the writer cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub struct Change {
    pub account: Option<AccountId>,
    pub table: Table,
}

impl Change {
    pub fn of(account: AccountId, table: Table) -> Change {
        Change {
            account: Some(account),
            table,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_round_trips_through_its_sql_name() {
        for table in Table::ALL {
            assert_eq!(Table::from_sql(table.sql_name()), Some(table));
            // The UI receives the same spelling as SQL.
            assert_eq!(
                serde_json::to_value(table).unwrap(),
                serde_json::Value::from(table.sql_name())
            );
        }
        assert_eq!(Table::from_sql("sync_outbox"), None);
    }
}
