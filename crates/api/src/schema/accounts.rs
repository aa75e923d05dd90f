//! Accounts and their numbers ("instances").

use serde::Serialize;
use utoipa::ToSchema;
use zapdesk_core::accounts::{self, AccountStatus, Plan};
use zapdesk_core::domain::{InstanceKind, InstanceStatus};
use zapdesk_core::instances::Instance as CoreInstance;
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_whatsapp::status::Status;

use super::enum_schema;

enum_schema!(plan, plan_or_null, ["free", "starter", "pro", "enterprise"]);
enum_schema!(
    account_status,
    account_status_or_null,
    ["active", "trial", "suspended"]
);
enum_schema!(kind, kind_or_null, ["whatsapp", "sandbox"]);
enum_schema!(
    state,
    state_or_null,
    [
        "stopped",
        "starting",
        "awaiting_qr",
        "pairing",
        "connected",
        "disconnected",
        "failed"
    ]
);

/// A client business of the agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    #[schema(value_type = uuid::Uuid)]
    pub id: AccountId,
    pub name: String,
    /// The business's own phone, E.164.
    pub phone: Option<String>,
    #[schema(schema_with = plan)]
    pub plan: Plan,
    #[schema(schema_with = account_status)]
    pub status: AccountStatus,
    /// When it was archived (Unix ms); null while in use.
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<accounts::Account> for Account {
    fn from(a: accounts::Account) -> Self {
        Account {
            id: a.id,
            name: a.name,
            phone: a.phone,
            plan: a.plan,
            status: a.status,
            archived_at: a.archived_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// Where a number's WhatsApp Web session stands, live.
#[derive(Debug, Serialize, ToSchema)]
pub struct NumberStatus {
    #[schema(schema_with = state)]
    pub state: String,
    /// Connected: the number's own phone (E.164), when WhatsApp said it.
    pub me: Option<String>,
    /// Disconnected or failed: why.
    pub reason: Option<String>,
    /// Waiting for the phone to scan the QR (fetch it from `/qr`).
    pub qr_pending: bool,
}

impl From<&Status> for NumberStatus {
    fn from(s: &Status) -> Self {
        let (me, reason) = match s {
            Status::Connected { me } => (me.clone(), None),
            Status::Disconnected { reason } | Status::Failed { reason } => {
                (None, Some(reason.clone()))
            }
            _ => (None, None),
        };
        NumberStatus {
            state: s.key().to_owned(),
            me,
            reason,
            qr_pending: matches!(s, Status::AwaitingQr { .. }),
        }
    }
}

/// A WhatsApp number of an account (an "instance").
#[derive(Debug, Serialize, ToSchema)]
pub struct Instance {
    #[schema(value_type = uuid::Uuid)]
    pub id: InstanceId,
    #[schema(value_type = uuid::Uuid)]
    pub account_id: AccountId,
    pub name: String,
    #[schema(schema_with = kind)]
    pub kind: InstanceKind,
    /// The number's own phone once connected, E.164.
    pub phone: Option<String>,
    /// Started with ZapDesk (it was running when ZapDesk closed).
    pub autostart: bool,
    /// Its status on this desktop now.
    pub status: NumberStatus,
    /// The last status stored (a number another desktop runs is "stopped" here).
    #[schema(schema_with = state)]
    pub stored_status: InstanceStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Instance {
    pub fn of(number: CoreInstance, live: &Status) -> Instance {
        Instance {
            id: number.id,
            account_id: number.account_id,
            name: number.name,
            kind: number.kind,
            phone: number.phone,
            autostart: number.autostart,
            status: NumberStatus::from(live),
            stored_status: number.status,
            created_at: number.created_at,
            updated_at: number.updated_at,
        }
    }
}

/// The login QR of a number waiting to be paired.
#[derive(Debug, Serialize, ToSchema)]
pub struct Qr {
    /// The text the QR encodes (for a terminal or another renderer).
    pub code: String,
    /// The QR as a PNG `data:` URL (`data:image/png;base64,…`).
    pub png: String,
}
