//! What every error of the core has in common: a stable code the UI branches on,
//! and a text in the user's language. Each module has its own error enum; this
//! file only holds the codes, so the UI sees one closed list.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Stable error codes, sent across IPC as `{code, message}`. The UI branches on
/// these (for example to put the message under the right field), never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required name is empty.
    NameEmpty,
    /// A name is longer than allowed.
    NameTooLong,
    /// A phone number could not be read as a valid number.
    PhoneInvalid,
    /// Another contact of the same account already has this phone.
    PhoneDuplicate,
    /// No account has this id.
    AccountUnknown,
    /// The account is archived and takes no new data.
    AccountArchived,
    /// No contact of this account has this id.
    ContactUnknown,
    /// No number of this account has this id.
    NumberUnknown,
    /// The number is not running or not connected; the message waits.
    NumberOffline,
    /// No conversation of this account has this id.
    ConversationUnknown,
    /// A message with nothing to send.
    MessageEmpty,
    /// A message longer than WhatsApp takes.
    MessageTooLong,
    /// The WhatsApp number could not do what was asked.
    WhatsappFailed,
    /// Another desktop runs this number now (it holds the number's lease).
    NumberRunsElsewhere,
    /// The agency's server could not confirm that no other desktop runs this number.
    NumberLeaseUnknown,
    /// No Chrome, Chromium or Edge is installed (or `CHROMIUM_PATH` names
    /// a missing file): numbers cannot start on this desktop.
    BrowserNotFound,
    /// Another ZapDesk (app or `zapdesk-cli serve`) already uses this data folder.
    AlreadyRunning,
    /// No operator has this id.
    UserUnknown,
    /// Not an e-mail address.
    EmailInvalid,
    /// Another operator has this e-mail.
    EmailDuplicate,
    /// The operator at this desktop may not do this (an agent: settings,
    /// exports, erasing a contact, the team; an admin: owners).
    OperatorForbidden,
    /// The operator at this desktop (an agent) was not given this account.
    AccountNotGranted,
    /// The change would leave the agency without an owner.
    LastOwner,
    /// A quick reply's shortcut is empty, too long or has spaces.
    ShortcutInvalid,
    /// Another quick reply of the account has this shortcut.
    ShortcutDuplicate,
    /// No quick reply of this account has this id.
    QuickReplyUnknown,
    /// An attachment over the size limit.
    AttachmentTooLarge,
    /// An attachment of a type WhatsApp does not take or ZapDesk blocks.
    AttachmentBlocked,
    /// A colour that is not `#rrggbb`.
    ColorInvalid,
    /// Another tag of the account has this name.
    TagDuplicate,
    /// No tag of this account has this id.
    TagUnknown,
    /// A file to import that is not a readable CSV (empty, binary, a spreadsheet, too large).
    ImportFileUnreadable,
    /// An import whose columns do not say which one holds the phone.
    ImportMappingInvalid,
    /// A custom field's name or choices are not valid.
    FieldInvalid,
    /// A value that does not fit its custom field's type.
    FieldValueInvalid,
    /// Another custom field of the account has this name.
    FieldDuplicate,
    /// No custom field of this account has this id.
    FieldUnknown,
    /// Another segment of the account has this name.
    SegmentDuplicate,
    /// No segment of this account has this id.
    SegmentUnknown,
    /// A campaign message with an unknown variable or unbalanced braces.
    TemplateInvalid,
    /// Campaign pacing that cannot be followed (empty window, no weekday, …).
    PacingInvalid,
    /// A campaign scheduled to start in the past.
    ScheduleInPast,
    /// A campaign whose audience has nobody (after leaving out opted-out contacts).
    AudienceEmpty,
    /// No campaign of this account has this id.
    CampaignUnknown,
    /// A campaign state change that is not allowed (e.g. resuming a cancelled one).
    CampaignStatusInvalid,
    /// The contact asked not to receive messages.
    ContactOptedOut,
    /// A file (export) could not be written.
    FileWriteFailed,
    /// An id that is not a UUID.
    IdInvalid,
    /// The database was written by a newer ZapDesk.
    DatabaseTooNew,
    /// A migration failed after an update; the message names the copy taken
    /// before it and how to go back.
    MigrationFailed,
    /// Reading or writing the local database failed.
    DatabaseFailed,
    /// The data folder could not be created or used.
    DataDirUnusable,
    /// The agency's database server could not be reached (address, network, firewall).
    RemoteUnreachable,
    /// The agency's database refused the login (operator or password).
    RemoteAuthFailed,
    /// The encrypted connection to the agency's database could not be set up or verified.
    RemoteTlsFailed,
    /// The address is Supabase's transaction pooler (port 6543), which ZapDesk cannot use.
    RemotePoolerTransactionMode,
    /// ZapDesk's schema is not on the agency's database, or is older than this ZapDesk.
    RemoteSchemaMissing,
    /// The agency's database was set up by a newer ZapDesk.
    RemoteSchemaTooNew,
    /// The agency's database refused this operator the operation.
    RemoteForbidden,
    /// Connection details or an invitation that are not valid.
    RemoteInvalid,
    /// The operating system's credential store could not keep or give the password.
    RemoteSecretUnavailable,
    /// The agency's database failed the operation for another reason.
    RemoteFailed,
    /// No keyword reply of this account has this id.
    KeywordUnknown,
    /// A keyword whose words, scope or actions are not valid.
    KeywordInvalid,
    /// A keyword that another of the same priority would fire on the same message.
    KeywordConflict,
    /// No flow of this account has this id.
    FlowUnknown,
    /// A flow document that cannot be read, or has problems that block publishing.
    FlowInvalid,
    /// The flow was saved elsewhere since it was opened (another operator, another desktop).
    FlowStale,
    /// The flow has no published version to start.
    FlowNotPublished,
    /// No flow session of this account has this id.
    SessionUnknown,
    /// Automation settings that are not valid (an unknown time zone, an endpoint that is no URL, …).
    AutomationSettingsInvalid,
    /// A change of the bot's security settings (the AI address, private
    /// addresses) by an operator who is not an owner or an admin.
    AutomationSettingsForbidden,
    /// No automation file of this account has this id.
    AutomationFileUnknown,
    /// Another flow of the account has this name.
    FlowDuplicate,
    /// A keyword still starts the flow (it cannot be deleted yet).
    FlowInUse,
    /// A flow trigger that is not valid (hours out of range).
    FlowTriggerInvalid,
    /// Another enabled flow has the same trigger (first message, no match) on the same number.
    FlowTriggerConflict,
    /// A simulation that is not open (closed, replaced by newer ones, or the app restarted).
    SimulationUnknown,
    /// The simulator's throwaway store could not be made (disk full, temporary folder unusable).
    SimulationFailed,
    /// The flow has conversations in progress (it cannot be deleted without ending them).
    FlowRunning,
    /// The local API (issue 17). A request without a valid token (none,
    /// unknown, revoked).
    ApiUnauthorized,
    /// The token's scopes do not allow this request (read, send, manage).
    ApiForbidden,
    /// No such path, or a resource the token cannot see (never told apart).
    ApiNotFound,
    /// Too many requests with this token; try again after `Retry-After`.
    ApiRateLimited,
    /// A request body over the API's size limit.
    ApiBodyTooLarge,
    /// A request body or query that is not valid JSON or misses a field.
    ApiBadRequest,
    /// The same `Idempotency-Key` was used before for a different request.
    ApiIdempotencyConflict,
    /// An API port out of range, or one another program uses.
    ApiPortInvalid,
    /// A token's name or scopes that are not valid.
    ApiTokenInvalid,
    /// No API token has this id.
    ApiTokenUnknown,
    /// A webhook's address (not http(s), or unreadable) or events that are not valid.
    WebhookInvalid,
    /// No webhook of this account has this id.
    WebhookUnknown,
    /// No webhook delivery of this account has this id.
    WebhookDeliveryUnknown,
    /// A cloud command (the agency's `commands` table) that cannot be run as written.
    CommandInvalid,
    /// No cloud command of this account has this id on the agency's server.
    CommandUnknown,
    /// "Run again" of a cloud command that did not fail.
    CommandNotRetriable,
    /// "Give up" on a cloud command that is not a pinned row still waiting
    /// (pending, or running on a desktop silent for ten minutes).
    CommandNotAbandonable,
    /// Cloud commands asked for without a sync connection to the agency's server.
    CommandsNeedServer,
    /// Business hours that are not valid (intervals out of order or overlapping, an
    /// unknown time zone, a holiday that is no date, an empty away message).
    BusinessHoursInvalid,
    /// A report's period that is not valid (a date that does not read, an end
    /// before the start, longer than a year).
    ReportPeriodInvalid,
    /// The action would take the account past a limit of its plan (numbers,
    /// contacts, messages this month, operators, flows); nothing was written.
    PlanLimitReached,
    /// No stage of this account's pipeline has this id.
    PipelineStageUnknown,
    /// No card of this account's pipeline has this id.
    PipelineCardUnknown,
    /// A stage with cards deleted without saying where its cards go.
    PipelineStageHasCards,
    /// A card's title or value is not valid.
    PipelineCardInvalid,
    /// A cap of open chats per operator out of range (fair assignment).
    AssignCapInvalid,
    /// An operator's own action (available / away) with nobody chosen at this desktop.
    AssignNoOperator,
    /// A transfer that names neither another operator nor another number.
    TransferInvalid,
    /// A backup could not be written (disk full, folder not writable); the store is unchanged.
    BackupFailed,
    /// A file offered for restore is not a sound ZapDesk backup (not SQLite, damaged,
    /// another program's database); nothing was changed.
    BackupInvalid,
    /// A backup written by a newer ZapDesk; nothing was changed.
    BackupTooNew,
    /// A restore while sync is on, not acknowledged: the server's rows come back over it.
    BackupSyncOn,
    /// Backup settings out of range (days kept) or a folder that cannot be used.
    BackupSettingsInvalid,
}

/// An error that can be shown to a person.
pub trait UserError: std::error::Error {
    /// The stable code.
    fn code(&self) -> ErrorCode;
    /// The text for a person, in their language: what went wrong and what to do.
    fn message(&self, lang: Lang) -> String;
}

/// The text for a failed database operation; the detail goes to the log, not the user.
pub(crate) fn database_failed(lang: Lang) -> String {
    lang.pick(
        "Não foi possível acessar o banco de dados local. Nada foi alterado; tente novamente.",
        "The local database could not be accessed. Nothing was changed; please try again.",
    )
    .to_owned()
}
