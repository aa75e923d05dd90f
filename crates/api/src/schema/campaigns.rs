//! Campaigns: a message to many contacts, paced.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zapdesk_app::CampaignSummary;
use zapdesk_core::campaigns::pacing::Pacing as CorePacing;
use zapdesk_core::campaigns::report::CampaignReport;
use zapdesk_core::domain::CampaignStatus;
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::ids::{CampaignId, FlowId, TagId};
use zapdesk_core::{AccountId, InstanceId};

use super::enum_schema;

enum_schema!(
    campaign_status,
    campaign_status_or_null,
    [
        "draft",
        "scheduled",
        "running",
        "paused",
        "done",
        "cancelled"
    ]
);

/// When and how fast a campaign sends (the account's local time).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pacing {
    /// The account's offset from UTC, in minutes (Brasília: -180).
    pub utc_offset_minutes: i32,
    /// Sending allowed from this many minutes after local midnight …
    pub window_start: u32,
    /// … to this many.
    pub window_end: u32,
    /// Monday first.
    pub weekdays: [bool; 7],
    /// Random pause between two messages of one number, in seconds.
    pub delay_min_s: u32,
    pub delay_max_s: u32,
    /// Most messages one number sends per local day.
    pub daily_cap: u32,
    /// Numbers added less than this many days ago ramp up to the cap …
    pub warmup_days: u32,
    /// … from this many on their first day.
    pub warmup_start_cap: u32,
}

impl From<CorePacing> for Pacing {
    fn from(p: CorePacing) -> Self {
        Pacing {
            utc_offset_minutes: p.utc_offset_minutes,
            window_start: p.window_start,
            window_end: p.window_end,
            weekdays: p.weekdays,
            delay_min_s: p.delay_min_s,
            delay_max_s: p.delay_max_s,
            daily_cap: p.daily_cap,
            warmup_days: p.warmup_days,
            warmup_start_cap: p.warmup_start_cap,
        }
    }
}

impl From<Pacing> for CorePacing {
    fn from(p: Pacing) -> Self {
        CorePacing {
            utc_offset_minutes: p.utc_offset_minutes,
            window_start: p.window_start,
            window_end: p.window_end,
            weekdays: p.weekdays,
            delay_min_s: p.delay_min_s,
            delay_max_s: p.delay_max_s,
            daily_cap: p.daily_cap,
            warmup_days: p.warmup_days,
            warmup_start_cap: p.warmup_start_cap,
        }
    }
}

/// Who receives a campaign: contacts matching all of these (opted-out
/// contacts never do).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Audience {
    /// Part of the name or digits of the phone.
    pub search: Option<String>,
    /// Has every one of these tags.
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub tags_all: Vec<TagId>,
    /// Has at least one of these tags.
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub tags_any: Vec<TagId>,
    /// Has none of these tags.
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub tags_none: Vec<TagId>,
}

impl From<Audience> for ContactFilter {
    fn from(a: Audience) -> Self {
        ContactFilter {
            search: a.search,
            tags_all: a.tags_all,
            tags_any: a.tags_any,
            tags_none: a.tags_none,
            ..ContactFilter::default()
        }
    }
}

/// A new campaign, checked as the editor checks it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    /// The text; `{{nome}}`, `{{telefone}}` and the account's field keys are
    /// replaced per contact, `{a|b}` picks one at random.
    pub message: String,
    #[serde(default)]
    pub audience: Audience,
    /// The account's numbers that send it.
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub numbers: Vec<InstanceId>,
    /// The default pacing (business hours, 30–60 s apart, 200 a day) when absent.
    pub pacing: Option<Pacing>,
    /// When to start (Unix ms); now when absent (its numbers must be connected then).
    pub starts_at: Option<i64>,
    /// A published flow started when a recipient replies.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub reply_flow: Option<FlowId>,
}

/// How a campaign is doing, by recipient.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub total: u32,
    pub pending: u32,
    pub queued: u32,
    pub sent: u32,
    pub delivered: u32,
    pub read: u32,
    pub failed: u32,
    pub skipped: u32,
    pub cancelled: u32,
    pub replied: u32,
    pub opted_out: u32,
}

impl From<CampaignReport> for Report {
    fn from(r: CampaignReport) -> Self {
        Report {
            total: r.total,
            pending: r.pending,
            queued: r.queued,
            sent: r.sent,
            delivered: r.delivered,
            read: r.read,
            failed: r.failed,
            skipped: r.skipped,
            cancelled: r.cancelled,
            replied: r.replied,
            opted_out: r.opted_out,
        }
    }
}

/// A campaign with its report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Campaign {
    #[schema(value_type = uuid::Uuid)]
    pub id: CampaignId,
    #[schema(value_type = uuid::Uuid)]
    pub account_id: AccountId,
    pub name: String,
    pub message: String,
    #[schema(schema_with = campaign_status)]
    pub status: CampaignStatus,
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub numbers: Vec<InstanceId>,
    pub pacing: Pacing,
    pub starts_at: Option<i64>,
    pub media_name: Option<String>,
    pub media_mime: Option<String>,
    pub media_size: Option<i64>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub reply_flow_id: Option<FlowId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub report: Report,
}

impl From<CampaignSummary> for Campaign {
    fn from(s: CampaignSummary) -> Self {
        let c = s.campaign;
        Campaign {
            id: c.id,
            account_id: c.account_id,
            name: c.name,
            message: c.message,
            status: c.status,
            numbers: c.numbers,
            pacing: c.pacing.into(),
            starts_at: c.starts_at,
            media_name: c.media_name,
            media_mime: c.media_mime,
            media_size: c.media_size,
            reply_flow_id: c.reply_flow_id,
            created_at: c.created_at,
            updated_at: c.updated_at,
            report: s.report.into(),
        }
    }
}
