//! What a handler reads: before its transaction, the account's bot as
//! configured (settings, time zone, custom fields, keywords, flows and their
//! triggers — kept in memory while the store's `automation_config_clock`
//! has not moved); inside it, the conversation and the contact as they are
//! now, and the engine's view of the contact.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sqlx::{Sqlite, Transaction};

use crate::automation::AutomationError;
use crate::automation::engine;
use crate::automation::flows::Trigger;
use crate::automation::keywords::{self, Keyword};
use crate::automation::settings::{self, AutomationSettings};
use crate::business_hours::{self, BusinessHoursError, Schedule};
use crate::domain::MessageKind;
use crate::fields::{self, CustomField};
use crate::ids::{FieldId, FlowId, FlowVersionId, SessionId};
use crate::{AccountId, ContactId, ConversationId, InstanceId, MessageId, Store};

/// Where a time zone the account names is unknown here.
const FALLBACK_TZ: &str = "America/Sao_Paulo";

/// The account's bot as configured.
pub(super) struct Config {
    pub settings: AutomationSettings,
    pub tz: jiff::tz::TimeZone,
    pub fields: Vec<CustomField>,
    /// The keywords that read, as `keywords::readable` orders them.
    pub keywords: Vec<Keyword>,
    pub flows: Vec<FlowEntry>,
    /// The account's business hours, when it has them (on and readable).
    pub business: Option<Schedule>,
    /// The away message, when it is on and the account has business hours.
    pub away_message: Option<String>,
}

/// Configurations read, by the store file's epoch and the account, with the
/// clock's version they were read at.
type Kept = HashMap<(Vec<u8>, AccountId), (i64, Arc<Config>)>;

static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);

/// Accounts kept at most; past it the memory starts again (a reload is
/// four statements).
const KEPT_MAX: usize = 256;

impl Config {
    /// The account's configuration: the one kept when the store's clock has
    /// not moved since it was read (one statement), else read anew (four)
    /// and kept. The clock is read first: a change made while the rest is
    /// read moves it again, and the next message reads anew.
    pub(super) async fn load(
        store: &Store,
        account: AccountId,
    ) -> Result<Arc<Config>, AutomationError> {
        let (epoch, version): (Vec<u8>, i64) =
            sqlx::query_as("SELECT epoch, version FROM automation_config_clock WHERE id = 1")
                .fetch_one(store.pool())
                .await?;
        let key = (epoch, account);
        if let Some((at, config)) = KEPT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            && *at == version
        {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(Config::read(store, account).await?);
        let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= KEPT_MAX {
            kept.clear();
        }
        kept.insert(key, (version, Arc::clone(&config)));
        Ok(config)
    }

    async fn read(store: &Store, account: AccountId) -> Result<Config, AutomationError> {
        let settings = settings::get(store, account).await?;
        let tz = jiff::tz::TimeZone::get(&settings.time_zone)
            .or_else(|_| jiff::tz::TimeZone::get(FALLBACK_TZ))
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let fields = fields::list(store, account).await?;
        let keywords = keywords::readable(store, account).await?;
        let flows = flows(store, account).await?;
        let hours = business_hours::get(store, account)
            .await
            .map_err(|e| match e {
                BusinessHoursError::Database(e) => AutomationError::Database(e),
                // `get` answers nothing else; were it to, no business hours.
                _ => AutomationError::SettingsInvalid("business hours"),
            })?;
        let business = hours.enabled.then(|| Schedule::new(&hours)).flatten();
        let away_message = (business.is_some() && hours.away_enabled)
            .then(|| hours.away_message.trim().to_owned())
            .filter(|m| !m.is_empty());
        Ok(Config {
            settings,
            tz,
            fields,
            keywords,
            flows,
            business,
            away_message,
        })
    }

    pub(super) fn field_keys(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.key.as_str()).collect()
    }
}

/// A flow as the triggers see it (its draft is not read: a draft being
/// edited never stops the bot).
#[derive(Debug, Clone)]
pub(super) struct FlowEntry {
    pub id: FlowId,
    pub enabled: bool,
    pub published: Option<FlowVersionId>,
    pub triggers: Vec<Trigger>,
}

/// The account's flows, oldest first (the first of two flows with the same
/// trigger wins). Triggers that do not read are left out.
async fn flows(store: &Store, account: AccountId) -> Result<Vec<FlowEntry>, AutomationError> {
    let rows: Vec<(FlowId, bool, Option<FlowVersionId>, String)> = sqlx::query_as(
        "SELECT id, enabled, published_version_id, triggers FROM flows WHERE account_id = ?
         ORDER BY created_at, id",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, enabled, published, triggers)| FlowEntry {
            id,
            enabled,
            published,
            triggers: serde_json::from_str(&triggers).unwrap_or_default(),
        })
        .collect())
}

/// A conversation as the rules see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Conv {
    pub id: ConversationId,
    pub contact: ContactId,
    pub instance: InstanceId,
    /// Owner `human` (taken over, or assigned: assigning sets it): a
    /// person's, the bot stays quiet. The one rule, as the inbox shows it:
    /// an assignee left on a conversation handed back to the bot ("Devolver
    /// ao bot", resolved) does not keep the bot silent.
    pub persons: bool,
}

pub(super) async fn conversation_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
) -> Result<Option<Conv>, AutomationError> {
    let row: Option<(ContactId, InstanceId, String)> = sqlx::query_as(
        "SELECT contact_id, instance_id, owner FROM conversations WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(conversation)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(contact, instance, owner)| Conv {
        id: conversation,
        contact,
        instance,
        persons: owner == "human",
    }))
}

/// A contact's message (its text, its kind) with its conversation, in one
/// statement; `None` when either is gone.
pub(super) async fn message_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    conversation: ConversationId,
    message: MessageId,
) -> Result<Option<(Conv, String, MessageKind)>, AutomationError> {
    let row: Option<(ContactId, InstanceId, String, String, MessageKind)> = sqlx::query_as(
        "SELECT c.contact_id, c.instance_id, c.owner, m.body, m.kind FROM conversations c
         JOIN messages m ON m.account_id = c.account_id AND m.id = ?
         WHERE c.account_id = ? AND c.id = ?",
    )
    .bind(message)
    .bind(account)
    .bind(conversation)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(contact, instance, owner, body, kind)| {
        let conv = Conv {
            id: conversation,
            contact,
            instance,
            persons: owner == "human",
        };
        (conv, body, kind)
    }))
}

/// The contact as stored.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub name: Option<String>,
    pub phone: String,
    pub opted_out: bool,
    /// Custom field values by field, canonical.
    pub values: Vec<(FieldId, String)>,
    /// Tag names, folded.
    pub tags: BTreeSet<String>,
}

pub(super) async fn person_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    contact: ContactId,
) -> Result<Option<Person>, AutomationError> {
    // One statement for the contact, its field values and its tags: every
    // event reads the person, and each statement is a round trip to the
    // connection's thread. Field ids travel as hex inside the JSON.
    // name, phone, opted out at, field values (JSON), folded tags (JSON).
    type Row = (Option<String>, String, Option<i64>, String, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.name, c.phone, c.opted_out_at,
                (SELECT json_group_array(json_array(hex(f.field_id), f.value)) FROM contact_fields f
                 WHERE f.account_id = c.account_id AND f.contact_id = c.id),
                (SELECT json_group_array(t.name_folded) FROM contact_tags ct
                 JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id
                 WHERE ct.account_id = c.account_id AND ct.contact_id = c.id)
         FROM contacts c WHERE c.account_id = ? AND c.id = ?",
    )
    .bind(account)
    .bind(contact)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((name, phone, opted_out, values, tags)) = row else {
        return Ok(None);
    };
    let values: Vec<(String, String)> = serde_json::from_str(&values).unwrap_or_default();
    let tags: Vec<String> = serde_json::from_str(&tags).unwrap_or_default();
    Ok(Some(Person {
        name,
        phone,
        opted_out: opted_out.is_some(),
        values: values
            .into_iter()
            .filter_map(|(id, value)| {
                Some((FieldId::from_uuid(uuid::Uuid::parse_str(&id).ok()?), value))
            })
            .collect(),
        tags: tags.into_iter().collect(),
    }))
}

impl Person {
    /// The contact as the engine sees it.
    pub(super) fn for_engine(&self, fields: &[CustomField]) -> engine::Contact {
        let by_id: HashMap<FieldId, &str> = fields.iter().map(|f| (f.id, f.key.as_str())).collect();
        engine::Contact {
            name: self.name.clone(),
            phone: self.phone.clone(),
            fields: self
                .values
                .iter()
                .filter_map(|(id, value)| {
                    by_id.get(id).map(|key| ((*key).to_owned(), value.clone()))
                })
                .collect(),
            tags: self.tags.clone(),
        }
    }

    /// The campaign editor's variables for this contact (keywords' replies).
    pub(super) fn variables(&self, fields: &[CustomField]) -> HashMap<String, String> {
        crate::campaigns::sender::variables(&self.phone, self.name.as_deref(), &self.values, fields)
    }
}

/// SplitMix64's finaliser: spreads a few changing bits over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Stable per contact, on every desktop: the randomizer's sticky pick.
pub(super) fn contact_seed(contact: ContactId) -> u64 {
    let (a, b) = contact.as_uuid().as_u64_pair();
    mix(a ^ b.rotate_left(29))
}

/// Stable per session and turn: a turn stepped again renders the same words.
pub(super) fn turn_seed(session: SessionId, turn: u32) -> u64 {
    let (a, b) = session.as_uuid().as_u64_pair();
    mix(a ^ b.rotate_left(17) ^ u64::from(turn).rotate_left(40))
}

/// Stable per keyword and message: the spintax of a keyword's reply.
pub(super) fn reply_seed(keyword: uuid::Uuid, message: uuid::Uuid) -> u64 {
    let (a, b) = keyword.as_u64_pair();
    let (c, d) = message.as_u64_pair();
    mix(a ^ b.rotate_left(13) ^ c.rotate_left(31) ^ d)
}
