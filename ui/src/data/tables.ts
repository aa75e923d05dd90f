// Which command reads and which writes which table: the one listing the data
// layer follows. A `changed` event for a table refetches the queries of the
// commands listed under it; a write through `useWrite` refetches the tables it
// lists. tests/unit/data-tables.test.ts checks that every command of
// bindings.ts is classified here, so a new one cannot be forgotten.
import type { commands } from "../ipc/bindings";
import type { Table } from "./change";

export type CommandName = keyof typeof commands;

/** Table → the read commands whose results come from its rows. */
export const DEPENDENTS = {
  accounts: ["accountsList", "reportsAccount", "reportsAgency", "plansOverrides", "plansUsage"],
  // A deleted contact takes their pipeline cards with it.
  contacts: ["contactsList", "contactsCount", "inboxList", "inboxGet", "inboxSearch", "inboxContact", "campaignsPreview", "pipelineCardsList", "pipelineSummary", "assignmentQueue", "reportsAccount", "reportsAgency", "plansUsage", "campaignsRecipients"],
  // Keywords and flows name tags and fields: their checks follow them.
  tags: ["tagsList", "tagsOfContact", "keywordsCheck", "flowsCheck", "flowsCheckText"],
  custom_fields: ["fieldsList", "fieldsOfContact", "contactsList", "contactsCount", "campaignsPreview", "campaignsCheckMessage", "keywordsCheck", "flowsCheck", "flowsCheckText"],
  segments: ["segmentsList"],
  contact_tags: ["contactsList", "contactsCount", "tagsOfContact", "pipelineCardsList", "pipelineSummary"],
  contact_fields: ["contactsList", "contactsCount", "fieldsOfContact", "campaignsPreview"],
  instances: ["numbersList", "inboxList", "inboxGet", "inboxContact", "keywordsCheck", "keywordsExplain", "assignmentQueue", "reportsAccount", "reportsAgency", "plansUsage", "campaignsRecipients"],
  // Contacts filter on their last message, so both lists follow the inbox.
  // The menu's unread badge and the window title count conversations with unread messages.
  conversations: ["inboxList", "inboxGet", "inboxSearch", "inboxContact", "contactsList", "contactsCount", "inboxUnread", "assignmentQueue", "assignmentSettings", "reportsAccount", "reportsAgency"],
  messages: ["inboxThread", "inboxList", "inboxGet", "inboxSearch", "contactsList", "contactsCount", "campaignsTimeline", "reportsAccount", "reportsAgency", "plansUsage", "campaignsRecipients"],
  notes: ["inboxNotes", "inboxSearch"],
  drafts: ["inboxDraft"],
  quick_replies: ["quickRepliesList"],
  audit_log: ["auditList"],
  campaigns: ["campaignsList", "campaignsGet", "reportsAccount", "reportsAgency", "campaignsRecipients"],
  campaign_recipients: ["campaignsList", "campaignsGet", "campaignsTimeline", "reportsAccount", "reportsAgency", "campaignsRecipients"],
  campaign_files: ["campaignsList", "campaignsGet"],
  // Names of assignees and note authors are joined in.
  // Who is at this desktop decides which accounts an agent sees (team).
  users: ["usersList", "usersMe", "teamView", "accountsList", "inboxList", "inboxGet", "inboxContact", "inboxNotes", "auditList", "keywordsCheck", "pipelineCardsList", "assignmentSettings", "assignmentAvailability", "reportsAccount", "reportsAgency", "plansUsage"],
  // Who "I" am is a setting, and the inbox's "Minhas" depends on it; so are
  // the API's port and its local-network choice.
  settings: ["usersMe", "teamView", "accountsList", "inboxList", "apiStatus", "backupStatus", "assignmentAvailability", "reportsAccount", "reportsAgency", "plansUsage"],
  // Whether this computer keeps the AI key shows beside the settings; a key
  // kept or forgotten is reported as a change of them.
  // Business hours live on the bot settings row (they share its time zone).
  automation_settings: ["automationSettingsGet", "keywordsExplain", "automationAiKeyStatus", "businessHoursGet", "assignmentSettings", "assignmentAvailability", "assignmentQueue", "reportsAccount", "reportsAgency", "plansUsage"],
  keywords: ["keywordsList", "keywordsCheck", "keywordsExplain"],
  // A keyword may start only a published flow; "test a message" names flows.
  flows: ["flowsList", "flowsGet", "flowsCheck", "flowsCheckText", "flowsVersions", "keywordsCheck", "keywordsExplain", "sessionsActive", "plansUsage"],
  flow_versions: ["flowsList", "flowsVersions", "flowsVersion"],
  // The list shows how many conversations are in each flow now; the inbox's
  // panel shows the conversation's session and the bot's log.
  flow_sessions: ["flowsList", "sessionsActive", "sessionsLog", "flowsAnalytics", "reportsAccount", "reportsAgency"],
  automation_files: ["automationFilesList", "keywordsCheck", "flowsCheck", "flowsCheckText"],
  // The local API (issue 17). A token's "last used" moves as it is used.
  api_tokens: ["apiTokensList"],
  // A webhook's on/off and failing state move as its deliveries fail.
  webhooks: ["webhooksList"],
  webhook_deliveries: ["webhooksDeliveries"],
  // The pipeline (issue 18, item 7): the board and its counts per stage.
  pipeline_stages: ["pipelineStagesList", "pipelineSummary"],
  pipeline_cards: ["pipelineCardsList", "pipelineSummary"],
  // Each plan's limits (issue 18, item 4), the agency's: written here or
  // pulled from the agency's server (Settings → Planos, every usage bar).
  plan_limits: ["plansDefaults", "plansUsage"],
} as const satisfies Record<Table, readonly CommandName[]>;

/** Reads refetched from the `sync` event (the engine's own state), not from a table. */
// Cloud commands are read from the agency's server on the sync connection
// (not a local table): the panel asks again on a timer while shown.
export const SYNC_READS = ["syncStatus", "syncParked", "cloudCommandsList"] as const satisfies readonly CommandName[];

/**
 * Reads made once and never refetched: the app's start, and a message's
 * media (a stored file does not change, and refetching every bubble's
 * `data:` URL on each new message would be heavy), and the time zones this
 * computer knows.
 */
export const ONCE_READS = ["appStart", "inboxMedia", "businessHoursTimeZones", "appDiagnostics", "browserCheck", "desktopSettings", "desktopTakeOpening", "updateStatus"] as const satisfies readonly CommandName[];

export type ReadCommand = (typeof DEPENDENTS)[Table][number] | (typeof SYNC_READS)[number] | (typeof ONCE_READS)[number];

/** Commands called directly (writes and actions) → the tables they write. */
export const WRITES = {
  settingsSetLanguage: ["settings"],
  accountsCreate: ["accounts"],
  accountsUpdate: ["accounts"],
  accountsSetArchived: ["accounts"],
  contactsCreate: ["contacts"],
  contactsUpdate: ["contacts"],
  // A contact's conversations (and their bot sessions) go with it.
  contactsDelete: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "flow_sessions"],
  contactsSetOptOut: ["contacts"],
  numbersCreate: ["instances"],
  // Removing a number deletes its conversations (and their bot sessions) on this computer.
  numbersAct: ["instances", "conversations", "messages", "flow_sessions"],
  numbersPairingCode: [],
  numbersSimulate: ["instances", "contacts", "conversations", "messages"],
  inboxReply: ["messages", "conversations"],
  inboxStart: ["conversations", "contacts"],
  inboxSendFile: ["messages", "conversations"],
  inboxSendVoice: ["messages", "conversations"],
  inboxMarkRead: ["conversations"],
  // Assigning or taking a conversation over ends its bot session.
  inboxAssign: ["conversations", "flow_sessions"],
  inboxSetStatus: ["conversations"],
  // Fair assignment (issue 18, item 6).
  inboxTransfer: ["conversations", "notes", "flow_sessions"],
  assignmentSetAccount: ["automation_settings"],
  assignmentSetCap: ["automation_settings"],
  assignmentSetAvailable: ["automation_settings"],
  inboxSetOwner: ["conversations", "flow_sessions"],
  inboxAddNote: ["notes"],
  inboxSaveDraft: ["drafts"],
  tagsCreate: ["tags"],
  tagsDelete: ["tags", "contact_tags"],
  tagsApply: ["contact_tags"],
  tagsApplySelection: ["contact_tags"],
  fieldsCreate: ["custom_fields"],
  // Options taken out of a choice field clear the values that used them.
  fieldsUpdate: ["custom_fields", "contact_fields"],
  fieldsDelete: ["custom_fields", "contact_fields"],
  fieldsSetValues: ["contact_fields"],
  contactsDeleteSelection: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "flow_sessions"],
  segmentsCreate: ["segments"],
  segmentsUpdate: ["segments"],
  segmentsDelete: ["segments"],
  pipelineStagesCreate: ["pipeline_stages", "pipeline_cards"],
  pipelineStagesUpdate: ["pipeline_stages", "pipeline_cards"],
  pipelineStagesReorder: ["pipeline_stages", "pipeline_cards"],
  pipelineStagesDelete: ["pipeline_stages", "pipeline_cards"],
  // Entering a stage may tag the contact and start a flow in their conversation.
  pipelineCardsCreate: ["pipeline_cards", "contact_tags", "flow_sessions", "conversations"],
  pipelineCardsMove: ["pipeline_cards", "contact_tags", "flow_sessions", "conversations"],
  pipelineCardsUpdate: ["pipeline_cards"],
  pipelineCardsDelete: ["pipeline_cards"],
  contactsImportPick: [],
  contactsImportRun: ["contacts", "contact_tags", "contact_fields", "tags"],
  contactsImportRejected: [],
  contactsExport: [],
  reportsAccountExport: [],
  reportsAgencyExport: [],
  contactsLgpdExport: ["audit_log"],
  contactsErase: ["contacts", "contact_tags", "contact_fields", "conversations", "messages", "notes", "drafts", "audit_log", "campaign_recipients", "flow_sessions"],
  quickRepliesCreate: ["quick_replies"],
  quickRepliesUpdate: ["quick_replies"],
  quickRepliesDelete: ["quick_replies"],
  teamInvite: ["users"],
  teamInviteRemote: ["users"],
  teamEdit: ["users"],
  // Their open chats go back to the queue.
  teamRemove: ["users", "conversations"],
  usersSetMe: ["settings"],
  campaignsCreate: ["campaigns", "campaign_recipients", "campaign_files"],
  campaignsSetStatus: ["campaigns", "campaign_recipients"],
  campaignsSetPacing: ["campaigns"],
  campaignsExport: [],
  campaignsTestSend: ["messages", "conversations"],
  campaignsDuplicate: ["campaigns", "campaign_files"],
  // The draft becomes the campaign in place (its recipients and file, in one transaction).
  campaignsStartDraft: ["campaigns", "campaign_recipients", "campaign_files"],
  campaignsDeleteDraft: ["campaigns", "campaign_files"],
  syncTest: [],
  // The login becomes this desktop's operator (team).
  syncSave: ["settings", "users"],
  syncDisconnect: ["settings"],
  syncNow: [],
  syncRetryParked: [],
  automationSettingsSave: ["automation_settings"],
  businessHoursSave: ["automation_settings"],
  // Plans (issue 18, item 4): each plan's limits are the agency's
  // (`plan_limits`); an account's own limits are on its row.
  plansSetDefaults: ["plan_limits"],
  plansSetOverrides: ["accounts"],
  automationAiKeySet: ["automation_settings"],
  automationFilesUpload: ["automation_files"],
  keywordsCreate: ["keywords"],
  keywordsUpdate: ["keywords"],
  keywordsSetEnabled: ["keywords"],
  keywordsDelete: ["keywords"],
  flowsCreate: ["flows"],
  flowsRename: ["flows"],
  flowsSaveDraft: ["flows"],
  flowsPublish: ["flows", "flow_versions"],
  flowsRestore: ["flows"],
  flowsSetTriggers: ["flows"],
  flowsSetEnabled: ["flows"],
  // Its versions and sessions go with it; campaigns stop starting it.
  // Ending its conversations fails the bot messages still waiting to leave.
  flowsDelete: ["flows", "flow_versions", "flow_sessions", "campaigns", "messages"],
  flowsImport: ["flows"],
  flowsDuplicate: ["flows"],
  flowsExport: [],
  // The simulator writes only its own throwaway store.
  flowsSimulateOpen: [],
  flowsSimulateWrite: [],
  flowsSimulateAdvance: [],
  flowsSimulateClose: [],
  sessionsStart: ["flow_sessions", "conversations"],
  sessionsStop: ["flow_sessions", "conversations"],
  apiSetConfig: ["settings"],
  apiTokensCreate: ["api_tokens"],
  apiTokensRevoke: ["api_tokens"],
  webhooksCreate: ["webhooks"],
  webhooksUpdate: ["webhooks"],
  webhooksSetEnabled: ["webhooks"],
  webhooksDelete: ["webhooks", "webhook_deliveries"],
  // Asked when the person clicks "Mostrar segredo", never kept in the query
  // cache: a secret stays on screen only while it is shown.
  webhooksSecret: [],
  apiOpenDocs: [],
  webhooksRotateSecret: ["webhooks"],
  webhooksRedeliver: ["webhook_deliveries"],
  webhooksTest: ["webhook_deliveries"],
  // A new row on the agency's server, not a local table: the panel refetches its list.
  cloudCommandsRetry: [],
  // A row deleted on the agency's server: the panel refetches its list.
  cloudCommandsGiveUp: [],
  // Backups (issue 19, item 5): the list follows the backup settings; a
  // restore closes the store and the window restarts (nothing to refetch).
  backupNow: ["settings"],
  backupSetSettings: ["settings"],
  backupPickFolder: [],
  backupPickFile: [],
  backupRestore: [],
  appRestart: [],
  // This computer's own choices (desktop.json, the system's autostart): no table.
  desktopSetCloseToTray: [],
  desktopSetAutostart: [],
  // Updates (issue 19, item 4): no table; the state comes back and as the `update` event.
  updateCheck: [],
  updateInstall: [],
} as const satisfies Partial<Record<CommandName, readonly Table[]>>;

export type WriteCommand = keyof typeof WRITES;

/**
 * Commands whose first argument is not the account: their queries are the
 * agency's (key account null) and a change of any account may concern them.
 */
export const AGENCY_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  "appStart", "settingsSetLanguage", "accountsList", "accountsCreate", "accountsUpdate", "accountsSetArchived",
  "usersList", "usersMe", "usersSetMe", "teamView", "teamInvite", "teamInviteRemote", "teamEdit", "teamRemove",
  "syncStatus", "syncTest", "syncSave", "syncDisconnect", "syncNow", "syncParked", "syncRetryParked",
  // The local API and its tokens are the agency's (a token may be for one account or all).
  "apiStatus", "apiOpenDocs", "apiSetConfig", "apiTokensList", "apiTokensCreate", "apiTokensRevoke",
  // A simulation is named by its own id (opened for an account).
  "flowsSimulateWrite", "flowsSimulateAdvance", "flowsSimulateClose",
  // The time zones this computer knows, for the business hours' picker.
  "businessHoursTimeZones",
  // Each plan's limits are the agency's, not one account's.
  "plansDefaults", "plansSetDefaults",
  // The operator at this desktop, available or away in all their accounts.
  "assignmentAvailability", "assignmentSetAvailable",
  // The agency's dashboard and its CSV: every account the operator may see.
  "reportsAgency", "reportsAgencyExport",
  // Backups are this desktop's, of every account.
  "backupStatus", "backupNow", "backupSetSettings", "backupPickFolder", "backupPickFile", "backupRestore", "appRestart", "appDiagnostics",
  // This computer's browser, tray and autostart (issue 19).
  "browserCheck", "desktopSettings", "desktopSetCloseToTray", "desktopSetAutostart", "desktopTakeOpening",
  // This desktop's updates.
  "updateStatus", "updateCheck", "updateInstall",
]);

const readers = new Map<Table, ReadonlySet<string>>(
  (Object.entries(DEPENDENTS) as [Table, readonly string[]][]).map(([table, list]) => [table, new Set(list)]),
);

/** The read commands whose queries a change of `table` makes stale. */
export function readersOf(table: Table): ReadonlySet<string> {
  return readers.get(table) ?? new Set();
}
