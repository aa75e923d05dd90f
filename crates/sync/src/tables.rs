//! What the sync engine knows about each synced table: its columns, key,
//! parents and how it is written remotely. Push and pull are generic over
//! these descriptions, so syncing another table is one entry here, not new
//! code; its SQLite outbox triggers are generated from the entry too
//! ([`crate::triggers`], one generated migration; docs/sync.md).

use sqlx::Row;
use uuid::Uuid;

/// How a column's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A UUID: a 16-byte BLOB locally, `uuid` remotely.
    Uuid,
    Text,
    /// An integer (times in Unix ms): INTEGER locally, `int8` remotely.
    Int,
    Real,
    /// A file's bytes: BLOB locally, `bytea` remotely (campaign files).
    Bytes,
}

impl Kind {
    fn pg_type(self) -> &'static str {
        match self {
            Kind::Uuid => "uuid",
            Kind::Text => "text",
            Kind::Int => "int8",
            Kind::Real => "float8",
            Kind::Bytes => "bytea",
        }
    }

    fn pg_array(self) -> &'static str {
        match self {
            Kind::Uuid => "uuid[]",
            Kind::Text => "text[]",
            Kind::Int => "int8[]",
            Kind::Real => "float8[]",
            Kind::Bytes => "bytea[]",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

/// How local changes reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    /// Insert or update (`ON CONFLICT … WHERE older`); deletes become tombstones.
    Upsert,
    /// Update these columns of an existing row only: operators may not create
    /// or delete accounts (0002_access.sql), only edit some of their columns.
    UpdateOnly(&'static [&'static str]),
    /// Insert only, never change or delete (the audit log: operators may only
    /// add to it, and the server's table has no tombstones).
    Append,
}

/// Which local updates of a row its outbox trigger records (a table that is
/// [`Push::Append`] records none: its rows never change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Updates {
    /// Every update, also one that changed no synced value (it wrote the
    /// values the row had, or only a local-only column such as a tag's
    /// name_folded): the row is pushed again with a new clock (docs/sync.md,
    /// "Known limits").
    Every,
    /// Only an update that changed a synced column other than the primary
    /// key and the account: campaigns.recipients_removed, this desktop's own
    /// count that a trigger moves at every recipient deleted, is no change.
    OfSynced,
    /// Only an update that changed one of these columns: an instance's
    /// status write (many an hour, never synced) moves updated_at too, so
    /// "a synced column changed" would record every one of them.
    Of(&'static [&'static str]),
}

/// Which local deletes of a row its outbox trigger records as a tombstone.
/// Either way, none whose account is gone here: deleting an account locally
/// is this desktop no longer holding it (migrations/sqlite/0007).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletes {
    /// Every delete, also one cascaded from a parent's: the server keeps a
    /// tombstoned parent's rows as they are, so they get their own
    /// tombstones (an erased contact's conversations and messages go there too).
    Every,
    /// Only a delete of the row on its own, while its `parents` are still
    /// here: a deleted campaign or contact is one tombstone that each
    /// desktop cascades locally, not one more per recipient (0011).
    Alone,
}

/// One synced table.
#[derive(Debug)]
pub struct SyncTable {
    pub name: &'static str,
    /// The column holding the account (`id` for accounts themselves).
    pub account_column: &'static str,
    /// The synced columns, as on the server (without version, deleted_at, hlc).
    pub columns: &'static [Column],
    /// The primary key, locally and remotely.
    pub primary_key: &'static [&'static str],
    /// The columns stored in the outbox's key1 and key2.
    pub outbox_key: &'static [&'static str],
    /// Rows this row points to, as (column, table with `account_id, id`): a
    /// pulled row whose parent is gone locally is skipped (its delete won).
    pub parents: &'static [(&'static str, &'static str)],
    /// A local-only column derived from a synced one: (local column, source
    /// column); the value is `fold(source)` (contacts.name_folded, tags.name_folded).
    pub folded: Option<(&'static str, &'static str)>,
    /// A column that merges by its own clock rather than the row's:
    /// (column, clock column), both among `columns`. A pulled or pushed row
    /// changes the column only with a later clock of its own, and the rest
    /// of the row only with a later row clock (contacts' opt-out,
    /// migrations/sqlite/0016 and postgres/0009; docs/sync.md).
    pub own_clock: Option<(&'static str, &'static str)>,
    /// Which local updates are changes for the server (the outbox triggers,
    /// generated from this catalog by [`crate::triggers`]).
    pub updates: Updates,
    /// Which local deletes are changes for the server (only for
    /// [`Push::Upsert`]: the others keep no tombstones and record no delete).
    pub deletes: Deletes,
    pub push: Push,
}

use Kind::{Bytes, Int, Real, Text, Uuid as U};

/// The synced tables, parents first (the order pull applies them in).
pub static TABLES: &[SyncTable] = &[
    SyncTable {
        name: "accounts",
        account_column: "id",
        columns: &[
            col("id", U),
            col("name", Text),
            col("phone", Text),
            col("plan", Text),
            col("status", Text),
            col("archived_at", Int),
            col("created_at", Int),
            col("updated_at", Int),
            // The account's own plan limits (sqlite 0028, postgres 0014).
            col("plan_overrides", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::UpdateOnly(&[
            "name",
            "phone",
            "plan",
            "status",
            "archived_at",
            "updated_at",
            "plan_overrides",
        ]),
    },
    SyncTable {
        name: "contacts",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("phone", Text),
            col("name", Text),
            col("opted_out_at", Int),
            col("created_at", Int),
            col("updated_at", Int),
            col("opted_out_hlc", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: Some(("name_folded", "name")),
        // An opt-out is never lost to an unrelated edit of the row (LGPD).
        own_clock: Some(("opted_out_at", "opted_out_hlc")),
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "tags",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("color", Text),
            col("created_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        // Unique per account (migrations/sqlite/0015): a pulled twin of a
        // local tag ("VIP" for "vip") is refused as a conflict, not a second tag.
        folded: Some(("name_folded", "name")),
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "custom_fields",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("key", Text),
            col("label", Text),
            col("kind", Text),
            col("choices", Text),
            col("created_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "segments",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("filter", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "contact_tags",
        account_column: "account_id",
        columns: &[
            col("account_id", U),
            col("contact_id", U),
            col("tag_id", U),
            col("created_at", Int),
        ],
        primary_key: &["account_id", "contact_id", "tag_id"],
        outbox_key: &["contact_id", "tag_id"],
        parents: &[("contact_id", "contacts"), ("tag_id", "tags")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "contact_fields",
        account_column: "account_id",
        columns: &[
            col("account_id", U),
            col("contact_id", U),
            col("field_id", U),
            col("value", Text),
            col("num", Real),
        ],
        primary_key: &["account_id", "contact_id", "field_id"],
        outbox_key: &["contact_id", "field_id"],
        parents: &[("contact_id", "contacts"), ("field_id", "custom_fields")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // The inbox (migrations/sqlite/0010). Per-desktop columns stay out:
    // instances' status and autostart, conversations' assignee, notes' author.
    SyncTable {
        name: "instances",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("kind", Text),
            col("phone", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Of(&["name", "kind", "phone"]),
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "conversations",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("contact_id", U),
            col("instance_id", U),
            col("status", Text),
            col("owner", Text),
            col("unread_count", Int),
            col("last_message_at", Int),
            col("last_message_id", U),
            col("created_at", Int),
            col("updated_at", Int),
            // Fair assignment (migrations 0029 / postgres 0015): the
            // operator's e-mail, not `assignee_id` (this desktop's row).
            col("assigned_to", Text),
            col("assigned_at", Int),
            col("waiting_since", Int),
            // A campaign opened it and nobody answered yet (sqlite 0031,
            // postgres 0017).
            col("campaign_unanswered", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[("contact_id", "contacts"), ("instance_id", "instances")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "messages",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("conversation_id", U),
            col("instance_id", U),
            col("wa_message_id", Text),
            col("direction", Text),
            col("kind", Text),
            col("body", Text),
            col("status", Text),
            col("error", Text),
            col("media_path", Text),
            col("media_mime", Text),
            col("media_name", Text),
            col("media_size", Int),
            col("media_error", Text),
            col("sent_at", Int),
            col("created_at", Int),
            col("updated_at", Int),
            // Which flow node or keyword sent it (migrations/sqlite/0018);
            // `send_after`, the bot's typing pause, stays on the desktop that
            // queued it.
            col("bot_source", Text),
            col("bot_ref", U),
            col("bot_node", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[
            ("conversation_id", "conversations"),
            ("instance_id", "instances"),
        ],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "notes",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("conversation_id", U),
            col("body", Text),
            col("created_at", Int),
            // Its author's name (migrations 0029 / postgres 0015).
            col("author_name", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[("conversation_id", "conversations")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "quick_replies",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("shortcut", Text),
            col("body", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // The audit log (migrations/sqlite/0012): written once, by the desktop
    // where the export or the erase happened.
    SyncTable {
        name: "audit_log",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("actor_id", U),
            col("actor_name", Text),
            col("action", Text),
            col("contact_id", U),
            col("at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Append,
    },
    // Campaigns (migrations/sqlite/0011). Not synced: recipients_removed,
    // this desktop's own count of recipients deleted here.
    SyncTable {
        name: "campaigns",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("message", Text),
            col("status", Text),
            col("audience", Text),
            col("numbers", Text),
            col("pacing", Text),
            col("starts_at", Int),
            col("media_path", Text),
            col("media_mime", Text),
            col("media_name", Text),
            col("media_size", Int),
            col("recipients_total", Int),
            col("created_at", Int),
            col("updated_at", Int),
            // "When a recipient replies, start this flow" (sqlite 0018). No
            // parent: a deleted flow leaves the campaign as it is.
            col("reply_flow_id", U),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::OfSynced,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "campaign_recipients",
        account_column: "account_id",
        columns: &[
            col("account_id", U),
            col("campaign_id", U),
            col("contact_id", U),
            col("instance_id", U),
            col("position", Int),
            col("state", Text),
            col("reason", Text),
            col("message_id", U),
            col("queued_at", Int),
        ],
        primary_key: &["account_id", "campaign_id", "contact_id"],
        outbox_key: &["campaign_id", "contact_id"],
        parents: &[("campaign_id", "campaigns"), ("contact_id", "contacts")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Alone,
        push: Push::Upsert,
    },
    SyncTable {
        name: "campaign_files",
        account_column: "account_id",
        columns: &[
            col("account_id", U),
            col("campaign_id", U),
            col("mime", Text),
            col("name", Text),
            col("bytes", Bytes),
            col("created_at", Int),
        ],
        primary_key: &["account_id", "campaign_id"],
        outbox_key: &["campaign_id"],
        parents: &[("campaign_id", "campaigns")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Alone,
        push: Push::Upsert,
    },
    // Automation (migrations/sqlite/0018, postgres/0010; docs/automation.md).
    // Local to each desktop, never here: automation_queue, automation_apply,
    // automation_marks, automation_log and messages.send_after.
    //
    // One row per account, keyed by the account itself: its outbox key and
    // its tombstone's key are the account's id.
    SyncTable {
        name: "automation_settings",
        account_column: "account_id",
        columns: &[
            col("account_id", U),
            col("enabled", Int),
            col("time_zone", Text),
            col("handoff_words", Text),
            col("handoff_reply", Text),
            col("session_expiry_minutes", Int),
            col("allow_private_http", Int),
            col("ai_base_url", Text),
            col("ai_model", Text),
            col("ai_instructions", Text),
            col("updated_at", Int),
            // Business hours (migrations 0025 / postgres 0013).
            col("business_hours", Text),
            col("business_hours_enabled", Int),
            col("away_enabled", Int),
            col("away_message", Text),
            col("campaigns_in_hours", Int),
            // Fair assignment (migrations 0029 / postgres 0015). The
            // roster was `assign_team`; since sqlite 0035 / postgres 0018 it
            // is `assignment_operators`, and the column is synced only for
            // desktops still on an older ZapDesk.
            col("assign_auto", Int),
            col("assign_cap", Int),
            col("assign_team", Text),
        ],
        primary_key: &["account_id"],
        outbox_key: &["account_id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // The fair assignment roster (sqlite 0035, postgres 0018): one row per
    // operator and account, so that two desktops changing two operators at
    // once merge row by row. The id is a UUIDv5 of the account and the
    // e-mail: two desktops that write one operator first make one row.
    SyncTable {
        name: "assignment_operators",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("email", Text),
            col("name", Text),
            col("available", Int),
            col("cap", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    SyncTable {
        name: "keywords",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("match_kind", Text),
            col("words", Text),
            col("numbers", Text),
            col("priority", Int),
            col("enabled", Int),
            col("cooldown_minutes", Int),
            col("actions", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // The bot's files travel in the store, like campaign files: every
    // desktop that may run a number must be able to send them. Never
    // changed (a new upload is a new row); a tombstone keeps no bytes.
    SyncTable {
        name: "automation_files",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("mime", Text),
            col("kind", Text),
            col("bytes", Bytes),
            col("created_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // A flow's draft is one row: two desktops editing it offline keep the
    // later save whole (last writer wins; the revision check is local).
    SyncTable {
        name: "flows",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("draft", Text),
            col("revision", Int),
            col("published_version_id", U),
            col("triggers", Text),
            col("enabled", Int),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // Published versions never change; the only delete is their flow's
    // (cascaded): one tombstone, the flow's, as campaign recipients. Upsert
    // rather than Append: an Append table has no tombstones, so a version
    // deleted on its own could never leave the server, and the server's
    // table would differ from every other one of account data.
    SyncTable {
        name: "flow_versions",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("flow_id", U),
            col("number", Int),
            col("document", Text),
            col("published_at", Int),
            col("published_by", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[("flow_id", "flows")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Alone,
        push: Push::Upsert,
    },
    // A session moves at every turn (state, wake_at), each move pushed, so
    // the desktop that takes a number over goes on where the last one was.
    // Every delete is recorded, also one cascaded from its conversation or
    // its flow: the state holds what the contact answered, and the server
    // blanks it only in a tombstone (an erased contact's answers must not
    // stay there under a conversation or a flow that is gone).
    SyncTable {
        name: "flow_sessions",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("conversation_id", U),
            col("flow_id", U),
            col("version_id", U),
            col("state", Text),
            col("status", Text),
            col("wake_at", Int),
            col("ended_reason", Text),
            col("started_by", Text),
            col("started_at", Int),
            col("updated_at", Int),
            col("ended_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[
            ("conversation_id", "conversations"),
            ("flow_id", "flows"),
            ("version_id", "flow_versions"),
        ],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // The pipeline (issue 18, item 7; migrations/sqlite/0030): an account's
    // stages and the cards on them. A move rewrites only the moved card (its
    // stage and fractional position), so two desktops moving cards at once
    // merge row by row. A stage's tag and flow are not parents: a stage whose
    // tag or flow is gone keeps its place and skips that action.
    SyncTable {
        name: "pipeline_stages",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("name", Text),
            col("color", Text),
            col("position", Int),
            col("add_tag_id", U),
            col("start_flow_id", U),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // Every delete recorded, also one cascaded from its contact (an erased
    // contact's cards must leave the server too).
    SyncTable {
        name: "pipeline_cards",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("contact_id", U),
            col("stage_id", U),
            col("title", Text),
            col("value_cents", Int),
            col("owner_email", Text),
            col("position", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[("contact_id", "contacts"), ("stage_id", "pipeline_stages")],
        folded: None,
        own_clock: None,
        updates: Updates::Every,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
    // Webhooks (issue 17, item 4; migrations/sqlite/0037, postgres 0020):
    // the definition reaches every desktop, so the one that runs a number
    // delivers its events. `failing_since` and `last_failed_at` are this
    // desktop's delivery health and stay out; an update of only them is no
    // change (`OfSynced`). The secret is not a column anywhere: it travels
    // through `zapdesk.webhook_secrets`, outside this catalog.
    // `secret_version` has its own clock (`secret_hlc`): a rotation is never
    // lost to a later edit of the URL or the on/off made on a desktop that
    // had not seen it (that desktop would sign with the old secret, and a
    // later rotation would reuse the version number).
    SyncTable {
        name: "webhooks",
        account_column: "account_id",
        columns: &[
            col("id", U),
            col("account_id", U),
            col("url", Text),
            col("events", Text),
            col("format", Text),
            col("enabled", Int),
            col("disabled_at", Int),
            col("disabled_reason", Text),
            col("secret_version", Int),
            col("created_at", Int),
            col("updated_at", Int),
            col("secret_hlc", Text),
        ],
        primary_key: &["id"],
        outbox_key: &["id"],
        parents: &[],
        folded: None,
        own_clock: Some(("secret_version", "secret_hlc")),
        updates: Updates::OfSynced,
        deletes: Deletes::Every,
        push: Push::Upsert,
    },
];

/// The description of a table by name.
pub fn table(name: &str) -> Option<&'static SyncTable> {
    TABLES.iter().find(|t| t.name == name)
}

/// One column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
    Bytes(Option<Vec<u8>>),
}

impl Value {
    pub fn as_uuid(&self) -> Option<Uuid> {
        match self {
            Value::Uuid(u) => *u,
            _ => None,
        }
    }

    fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => t.as_deref(),
            _ => None,
        }
    }
}

/// The values of several rows of one column, as one array parameter.
#[derive(Debug)]
pub(crate) enum ColumnArray {
    Uuid(Vec<Option<Uuid>>),
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl ColumnArray {
    pub(crate) fn new(kind: Kind, capacity: usize) -> ColumnArray {
        match kind {
            Kind::Uuid => ColumnArray::Uuid(Vec::with_capacity(capacity)),
            Kind::Text => ColumnArray::Text(Vec::with_capacity(capacity)),
            Kind::Int => ColumnArray::Int(Vec::with_capacity(capacity)),
            Kind::Real => ColumnArray::Real(Vec::with_capacity(capacity)),
            Kind::Bytes => ColumnArray::Bytes(Vec::with_capacity(capacity)),
        }
    }

    pub(crate) fn push(&mut self, value: &Value) {
        match (self, value) {
            (ColumnArray::Uuid(v), Value::Uuid(x)) => v.push(*x),
            (ColumnArray::Text(v), Value::Text(x)) => v.push(x.clone()),
            (ColumnArray::Int(v), Value::Int(x)) => v.push(*x),
            (ColumnArray::Real(v), Value::Real(x)) => v.push(*x),
            (ColumnArray::Bytes(v), Value::Bytes(x)) => v.push(x.clone()),
            // Values are read by the same descriptions that build the arrays.
            (ColumnArray::Uuid(v), _) => v.push(None),
            (ColumnArray::Text(v), _) => v.push(None),
            (ColumnArray::Int(v), _) => v.push(None),
            (ColumnArray::Real(v), _) => v.push(None),
            (ColumnArray::Bytes(v), _) => v.push(None),
        }
    }

    pub(crate) fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        match self {
            ColumnArray::Uuid(v) => query.bind(v),
            ColumnArray::Text(v) => query.bind(v),
            ColumnArray::Int(v) => query.bind(v),
            ColumnArray::Real(v) => query.bind(v),
            ColumnArray::Bytes(v) => query.bind(v),
        }
    }
}

/// Reads column `index` of a row (local or remote) as `kind`.
pub(crate) fn read_value<'r, R>(row: &'r R, index: usize, kind: Kind) -> Result<Value, sqlx::Error>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    Option<Uuid>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match kind {
        Kind::Uuid => Value::Uuid(row.try_get(index)?),
        Kind::Text => Value::Text(row.try_get(index)?),
        Kind::Int => Value::Int(row.try_get(index)?),
        Kind::Real => Value::Real(row.try_get(index)?),
        Kind::Bytes => Value::Bytes(row.try_get(index)?),
    })
}

impl SyncTable {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    fn column_list(&self, prefix: &str) -> String {
        self.columns
            .iter()
            .map(|c| format!("{prefix}{}", c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The outbox key of a row (key1, key2) from its values.
    pub(crate) fn key_of(&self, values: &[Value]) -> (Option<Uuid>, Option<Uuid>) {
        let at = |i: usize| {
            self.outbox_key
                .get(i)
                .and_then(|k| self.column_index(k))
                .and_then(|c| values.get(c))
                .and_then(Value::as_uuid)
        };
        (at(0), at(1))
    }

    /// The folded value of the derived local column, if this table has one.
    pub(crate) fn folded_value(&self, values: &[Value]) -> Option<String> {
        let (_, source) = self.folded?;
        let value = values.get(self.column_index(source)?)?;
        Some(
            value
                .as_text()
                .map(zapdesk_core::text::fold)
                .unwrap_or_default(),
        )
    }

    // ---- local (SQLite) statements -------------------------------------

    /// The current rows of a push batch's upsert entries: the outbox joined
    /// to the table by primary key. `?1` account, `?2..?3` the seq range.
    pub(crate) fn local_rows_of_batch(&self) -> String {
        let join = if self.outbox_key.len() == 2 {
            format!(
                "t.account_id = o.account_id AND t.{} = o.key1 AND t.{} = o.key2",
                self.outbox_key[0], self.outbox_key[1]
            )
        } else {
            format!("t.{} = o.key1", self.outbox_key[0])
        };
        format!(
            "SELECT {}, t.hlc FROM sync_outbox o JOIN {} t ON {join}
             WHERE o.account_id = ?1 AND o.seq BETWEEN ?2 AND ?3
               AND o.table_name = '{}' AND o.op = 'upsert'",
            self.column_list("t."),
            self.name,
            self.name
        )
    }

    /// Applies a pulled live row: parameters are the columns in order, then
    /// the clock, then the folded value if any. Inserted unless a parent is
    /// gone or a local delete with a later clock is waiting to be pushed;
    /// updated only when the pulled clock is later than the row's (a column
    /// with its own clock: when its clock is later, and only that column).
    pub(crate) fn local_apply_row(&self) -> String {
        self.local_apply_rows(1)
    }

    /// The values one pulled row binds in [`local_apply_rows`].
    pub(crate) fn apply_width(&self) -> usize {
        self.columns.len() + 1 + usize::from(self.folded.is_some())
    }

    /// [`local_apply_row`] for `rows` rows in one statement: the rows'
    /// parameters one after the other, `apply_width()` each. One statement
    /// instead of one per row (each a round trip to SQLite's worker thread).
    pub(crate) fn local_apply_rows(&self, rows: usize) -> String {
        let n = self.columns.len();
        let width = self.apply_width();
        let mut cols = self.column_list("");
        let mut updated: Vec<&str> = self
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|c| !self.primary_key.contains(c))
            .collect();
        cols.push_str(", hlc");
        updated.push("hlc");
        if let Some((folded, _)) = self.folded {
            cols.push_str(&format!(", {folded}"));
            updated.push(folded);
        }
        let row_newer = format!(
            "{name}.hlc IS NULL OR {name}.hlc < excluded.hlc",
            name = self.name
        );
        // A column with its own clock: each part of the row from the side
        // whose clock for it is later (both sides' parts may be).
        let (sets, newer): (Vec<String>, String) = match self.own_clock {
            None => (
                updated
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect(),
                row_newer,
            ),
            Some((column, clock)) => {
                let own_newer = format!(
                    "coalesce({name}.{clock}, '') < coalesce(excluded.{clock}, '')",
                    name = self.name
                );
                let sets = updated
                    .iter()
                    .map(|c| {
                        let when = if *c == column || *c == clock {
                            &own_newer
                        } else {
                            &row_newer
                        };
                        format!(
                            "{c} = CASE WHEN {when} THEN excluded.{c} ELSE {name}.{c} END",
                            name = self.name
                        )
                    })
                    .collect();
                (sets, format!("{row_newer} OR {own_newer}"))
            }
        };
        let values: Vec<String> = (0..rows)
            .map(|r| {
                let params: Vec<String> =
                    (1..=width).map(|i| format!("?{}", r * width + i)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        // SQLite names the columns of a VALUES list column1, column2, …
        let value_of = |name: &str| {
            self.column_index(name)
                .map(|i| format!("v.column{}", i + 1))
                .unwrap_or_else(|| "NULL".to_owned())
        };
        let account = value_of(self.account_column);
        let mut conditions: Vec<String> = self
            .parents
            .iter()
            .map(|(column, parent)| {
                format!(
                    "EXISTS (SELECT 1 FROM {parent} WHERE account_id = {account} AND id = {})",
                    value_of(column)
                )
            })
            .collect();
        let key2 = self
            .outbox_key
            .get(1)
            .map(|k| value_of(k))
            .unwrap_or_else(|| "NULL".to_owned());
        conditions.push(format!(
            "NOT EXISTS (SELECT 1 FROM sync_outbox WHERE table_name = '{}' AND key1 = {} \
             AND key2 IS {key2} AND op = 'delete' AND hlc >= v.column{})",
            self.name,
            value_of(self.outbox_key[0]),
            n + 1
        ));
        format!(
            "INSERT INTO {name} ({cols}) SELECT * FROM (VALUES {values}) AS v WHERE {conditions}
             ON CONFLICT ({pk}) DO UPDATE SET {sets}
             WHERE {newer}",
            name = self.name,
            values = values.join(", "),
            conditions = conditions.join(" AND "),
            pk = self.primary_key.join(", "),
            sets = sets.join(", "),
        )
    }

    /// Applies a pulled tombstone: parameters are the primary key columns in
    /// order, then the clock. Deletes the row unless it was written later.
    pub(crate) fn local_apply_tombstone(&self) -> String {
        let key: Vec<String> = self
            .primary_key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = ?{}", i + 1))
            .collect();
        format!(
            "DELETE FROM {} WHERE {} AND (hlc IS NULL OR hlc < ?{})",
            self.name,
            key.join(" AND "),
            self.primary_key.len() + 1
        )
    }

    // ---- remote (PostgreSQL) statements --------------------------------

    /// The batched write of live rows: one array parameter per column, then
    /// the clocks. Only a later clock overwrites (last writer wins); a row
    /// written after its tombstone comes back to life.
    pub(crate) fn remote_upsert(&self) -> String {
        let n = self.columns.len();
        let arrays: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::{}", i + 1, c.kind.pg_array()))
            .chain(std::iter::once(format!("${}::text[]", n + 1)))
            .collect();
        match self.push {
            Push::Upsert => {
                let sets: Vec<String> = self
                    .columns
                    .iter()
                    .filter(|c| !self.primary_key.contains(&c.name) && c.name != "account_id")
                    .map(|c| format!("{0} = EXCLUDED.{0}", c.name))
                    .chain([
                        "hlc = EXCLUDED.hlc".to_owned(),
                        "deleted_at = NULL".to_owned(),
                    ])
                    .collect();
                // An older row whose own-clock column is later goes through
                // too: the server's trigger (remote 0009) then takes only
                // that column from it, and keeps each part's later value.
                let own_newer = self
                    .own_clock
                    .map(|(_, clock)| {
                        format!(
                            " OR coalesce(t.{clock}, '') COLLATE \"C\" < coalesce(EXCLUDED.{clock}, '') COLLATE \"C\""
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "INSERT INTO zapdesk.{name} AS t ({cols}, hlc)
                     SELECT * FROM UNNEST({arrays})
                     ON CONFLICT ({pk}) DO UPDATE SET {sets}
                     WHERE t.hlc < EXCLUDED.hlc{own_newer}",
                    name = self.name,
                    cols = self.column_list(""),
                    arrays = arrays.join(", "),
                    pk = self.primary_key.join(", "),
                    sets = sets.join(", "),
                )
            }
            Push::Append => format!(
                "INSERT INTO zapdesk.{name} ({cols}, hlc)
                 SELECT * FROM UNNEST({arrays})
                 ON CONFLICT ({pk}) DO NOTHING",
                name = self.name,
                cols = self.column_list(""),
                arrays = arrays.join(", "),
                pk = self.primary_key.join(", "),
            ),
            Push::UpdateOnly(editable) => {
                let sets: Vec<String> = editable
                    .iter()
                    .map(|c| format!("{c} = u.{c}"))
                    .chain(std::iter::once("hlc = u.hlc".to_owned()))
                    .collect();
                let key: Vec<String> = self
                    .primary_key
                    .iter()
                    .map(|k| format!("t.{k} = u.{k}"))
                    .collect();
                format!(
                    "UPDATE zapdesk.{name} AS t SET {sets}
                     FROM UNNEST({arrays}) AS u ({cols}, hlc)
                     WHERE {key} AND t.hlc < u.hlc COLLATE \"C\"",
                    name = self.name,
                    sets = sets.join(", "),
                    arrays = arrays.join(", "),
                    cols = self.column_list(""),
                    key = key.join(" AND "),
                )
            }
        }
    }

    /// The batched tombstones: the primary key columns as arrays, then the
    /// clocks and the delete times. A row never pushed is not on the server
    /// and nobody else knows its id: nothing to do for it.
    pub(crate) fn remote_tombstone(&self) -> String {
        let k = self.primary_key.len();
        let arrays: Vec<String> = self
            .primary_key
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let kind = self
                    .columns
                    .iter()
                    .find(|c| c.name == *name)
                    .map(|c| c.kind)
                    .unwrap_or(Kind::Uuid);
                format!("${}::{}", i + 1, kind.pg_array())
            })
            .chain([format!("${}::text[]", k + 1), format!("${}::int8[]", k + 2)])
            .collect();
        let key: Vec<String> = self
            .primary_key
            .iter()
            .map(|c| format!("t.{c} = u.{c}"))
            .collect();
        format!(
            "UPDATE zapdesk.{name} AS t SET deleted_at = u.deleted_at, hlc = u.hlc
             FROM UNNEST({arrays}) AS u ({cols}, hlc, deleted_at)
             WHERE {key} AND t.hlc < u.hlc COLLATE \"C\"",
            name = self.name,
            arrays = arrays.join(", "),
            cols = self.primary_key.join(", "),
            key = key.join(" AND "),
        )
    }

    /// The rows of one account changed after a version, up to the snapshot's
    /// counter, in version order: `$1` account, `$2` cursor, `$3` counter.
    pub(crate) fn remote_changes(&self) -> String {
        // Cast to the types values travel as (a counter may be `integer` there).
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{0}::{1} AS {0}", c.name, c.kind.pg_type()))
            .collect();
        // An append-only table has no tombstones there.
        let deleted = if self.push == Push::Append {
            "NULL::int8 AS deleted_at"
        } else {
            "deleted_at"
        };
        format!(
            "SELECT {}, hlc::text, {deleted}, version FROM zapdesk.{}
             WHERE account_id = $1 AND version > $2 AND version <= $3 ORDER BY version",
            columns.join(", "),
            self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_its_keys_among_its_columns() {
        for t in TABLES {
            for k in t.primary_key.iter().chain(t.outbox_key).copied() {
                assert!(t.column_index(k).is_some(), "{}.{k}", t.name);
            }
            assert!(t.column_index(t.account_column).is_some(), "{}", t.name);
            for (c, _) in t.parents {
                assert!(t.column_index(c).is_some(), "{}.{c}", t.name);
            }
            for c in t.own_clock.iter().flat_map(|(c, k)| [c, k]) {
                assert!(t.column_index(c).is_some(), "{}.{c}", t.name);
            }
        }
    }
}
