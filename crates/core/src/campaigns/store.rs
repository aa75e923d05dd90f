//! Campaigns as stored: creating one checks everything a person could get
//! wrong before anything is queued, and writes one recipient row per contact
//! of the audience (opted-out contacts never among them).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};

use super::error::CampaignError;
use super::pacing::{Pacing, spread};
use super::template::Template;
use crate::domain::{CampaignStatus, InstanceStatus};
use crate::filter::{self, ContactFilter};
use crate::ids::{CampaignId, FlowId, InstanceId};
use crate::inbox::attachments::{self, FileInput};
use crate::text::clean_name;
use crate::{AccountId, ContactId, Store, contacts, fields};

/// Longest campaign name, in characters.
pub const NAME_MAX: usize = 80;
/// A schedule this far in the past still counts as "now" (the time to click).
const PAST_SLACK_MS: i64 = 60_000;

/// What a person fills in to create a campaign.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct CampaignInput {
    pub name: String,
    pub message: String,
    /// Who receives it; opted-out contacts are always left out.
    pub audience: ContactFilter,
    /// The account's numbers that send it.
    pub numbers: Vec<InstanceId>,
    pub pacing: Pacing,
    /// When to start (Unix ms); `None` starts at once.
    pub starts_at: Option<i64>,
    /// An image, audio or document sent with every message, the message as
    /// its caption; checked by the inbox's rules (size, blocked types).
    #[serde(default)]
    pub attachment: Option<FileInput>,
    /// "When a recipient replies, start this flow": a published flow of the
    /// account, started on a recipient's first reply (docs/automation.md,
    /// rule 6). `None`: replies go to keywords and the other triggers.
    #[serde(default)]
    pub reply_flow: Option<FlowId>,
}

/// A campaign with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CampaignInfo {
    pub id: CampaignId,
    pub account_id: AccountId,
    pub name: String,
    pub message: String,
    pub status: CampaignStatus,
    pub audience: ContactFilter,
    pub numbers: Vec<InstanceId>,
    pub pacing: Pacing,
    pub starts_at: Option<i64>,
    /// The attached file's name, type and size; `None` for text only.
    pub media_name: Option<String>,
    pub media_mime: Option<String>,
    pub media_size: Option<i64>,
    /// The flow a recipient's reply starts; `None` when none does (or the
    /// flow was deleted since).
    pub reply_flow_id: Option<FlowId>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: CampaignId,
    account_id: AccountId,
    name: String,
    message: String,
    status: CampaignStatus,
    audience: String,
    numbers: String,
    pacing: String,
    starts_at: Option<i64>,
    media_name: Option<String>,
    media_mime: Option<String>,
    media_size: Option<i64>,
    reply_flow_id: Option<FlowId>,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for CampaignInfo {
    fn from(r: Row) -> Self {
        CampaignInfo {
            id: r.id,
            account_id: r.account_id,
            name: r.name,
            message: r.message,
            status: r.status,
            audience: serde_json::from_str(&r.audience).unwrap_or_default(),
            numbers: serde_json::from_str(&r.numbers).unwrap_or_default(),
            pacing: serde_json::from_str(&r.pacing).unwrap_or_default(),
            starts_at: r.starts_at,
            media_name: r.media_name,
            media_mime: r.media_mime,
            media_size: r.media_size,
            reply_flow_id: r.reply_flow_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const COLUMNS: &str = "id, account_id, name, message, status, audience, numbers, pacing, starts_at, media_name, media_mime, media_size, reply_flow_id, created_at, updated_at";

/// The template of a campaign's message, checked against the account's fields.
pub(crate) async fn template_of(
    store: &Store,
    account: AccountId,
    message: &str,
) -> Result<Template, CampaignError> {
    let fields = fields::list(store, account).await?;
    let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
    Ok(Template::parse(message, &keys)?)
}

/// Creates a campaign and its recipients in one transaction. Refused, with
/// nothing written: an empty name or audience, an unknown variable, a
/// schedule in the past, impossible pacing, no number, a number of another
/// account, (for a campaign that starts now) a number that is not connected,
/// or an attachment too large or of a blocked type.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &CampaignInput,
    now: i64,
) -> Result<CampaignInfo, CampaignError> {
    create_with(store, account, input, now, &[]).await
}

/// [`create`] where `elsewhere` are numbers another desktop of the agency
/// runs now (it holds their leases): they send from there, so a campaign
/// that starts now may use them although they are not connected here.
pub async fn create_with(
    store: &Store,
    account: AccountId,
    input: &CampaignInput,
    now: i64,
    elsewhere: &[InstanceId],
) -> Result<CampaignInfo, CampaignError> {
    write(store, account, input, now, elsewhere, Target::New).await
}

/// The row a checked campaign is written to.
#[derive(Clone, Copy)]
pub(super) enum Target {
    /// A new campaign, with a new id.
    New,
    /// This draft turns into the campaign in place, keeping its id, in the
    /// same transaction that checks it is still a draft: a second start (a
    /// double click, another window, another desktop after sync) finds no
    /// draft, and two desktops that both started it converge on one id.
    Draft(CampaignId),
}

/// [`create_with`]'s checks and writes, into a new row or a draft.
pub(super) async fn write(
    store: &Store,
    account: AccountId,
    input: &CampaignInput,
    now: i64,
    elsewhere: &[InstanceId],
    target: Target,
) -> Result<CampaignInfo, CampaignError> {
    let name = clean_name(&input.name, NAME_MAX).map_err(|_| CampaignError::NameInvalid)?;
    let file = input
        .attachment
        .as_ref()
        .map(|f| attachments::decode(&f.name, &f.mime, &f.data))
        .transpose()?;
    template_of(store, account, &input.message).await?;
    input.pacing.check()?;
    if let Some(at) = input.starts_at
        && at < now - PAST_SLACK_MS
    {
        return Err(CampaignError::ScheduleInPast);
    }
    if input.numbers.is_empty() {
        return Err(CampaignError::NoNumbers);
    }
    if let Some(flow) = input.reply_flow {
        let mut conn = store.pool().acquire().await?;
        reply_flow_startable(&mut conn, account, flow).await?;
    }
    let starts_now = input.starts_at.is_none_or(|at| at <= now);
    for number in &input.numbers {
        let row: Option<(String, InstanceStatus)> =
            sqlx::query_as("SELECT name, status FROM instances WHERE account_id = ? AND id = ?")
                .bind(account)
                .bind(number)
                .fetch_optional(store.pool())
                .await?;
        match row {
            None => return Err(CampaignError::NumberUnknown),
            Some((name, status))
                if starts_now
                    && status != InstanceStatus::Connected
                    && !elsewhere.contains(number) =>
            {
                return Err(CampaignError::NumberOffline(name));
            }
            Some(_) => {}
        }
    }
    let audience = ContactFilter {
        opted_out: match input.audience.opted_out {
            // Asking for opted-out contacts asks for nobody.
            Some(true) => return Err(CampaignError::AudienceEmpty),
            _ => Some(false),
        },
        ..input.audience.clone()
    };
    let recipients = contacts::resolve(
        store,
        account,
        &filter::ContactSelection::Filter {
            filter: audience.clone(),
        },
    )
    .await?;
    if recipients.is_empty() {
        return Err(CampaignError::AudienceEmpty);
    }
    let talks_to = conversations_with(store, account, &input.numbers).await?;
    let assigned = spread(
        &recipients
            .iter()
            .map(|c| (*c, talks_to.get(c).cloned().unwrap_or_default()))
            .collect::<Vec<_>>(),
        &input.numbers,
    );

    let id = match target {
        Target::New => CampaignId::new(),
        Target::Draft(id) => id,
    };
    let status = if starts_now {
        CampaignStatus::Running
    } else {
        CampaignStatus::Scheduled
    };
    let mut tx = store.write().await?;
    contacts::writable(&mut tx, account).await?;
    // Every recipient is one message this month: a campaign that does not
    // fit in what is left of the month's messages is not started at all.
    crate::plans::check_campaign(
        &mut tx,
        account,
        u32::try_from(recipients.len()).unwrap_or(u32::MAX),
        input.starts_at,
        now,
    )
    .await?;
    if let Target::Draft(id) = target {
        let current: Option<CampaignStatus> =
            sqlx::query_scalar("SELECT status FROM campaigns WHERE account_id = ? AND id = ?")
                .bind(account)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match current {
            None => return Err(CampaignError::Unknown),
            Some(CampaignStatus::Draft) => {}
            Some(_) => return Err(CampaignError::NotDraft),
        }
    }
    // Again in the transaction that writes: a flow deleted meanwhile would
    // leave the campaign pointing at nothing.
    if let Some(flow) = input.reply_flow {
        reply_flow_startable(&mut tx, account, flow).await?;
    }
    // The file goes first, the row that points at it after (as the inbox
    // does): a crash in between leaves at most an unused file. Written once
    // the row is known to be writable, so a refused second start of a draft
    // never replaces the file of the campaign the first one made.
    let media_path = match &file {
        Some(f) => {
            let relative = format!(
                "media/{account}/campaign-{id}.{}",
                attachments::safe_ext(&f.name)
            );
            attachments::write_file(store, &relative, &f.bytes)
                .map_err(crate::inbox::InboxError::from)?;
            Some(relative)
        }
        None => None,
    };
    let sql = match target {
        Target::New => format!(
            "INSERT INTO campaigns (id, account_id, name, message, status, audience, numbers, pacing, starts_at,
                                    media_path, media_mime, media_name, media_size, recipients_total,
                                    reply_flow_id, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
        ),
        // The same values in the same order, onto the draft; created now, so
        // it lists with the campaigns started now.
        Target::Draft(_) => format!(
            "UPDATE campaigns SET name = ?3, message = ?4, status = ?5, audience = ?6, numbers = ?7,
                    pacing = ?8, starts_at = ?9, media_path = ?10, media_mime = ?11, media_name = ?12,
                    media_size = ?13, recipients_total = ?14, reply_flow_id = ?15, created_at = ?16,
                    updated_at = ?17
             WHERE account_id = ?2 AND id = ?1 AND status = 'draft' RETURNING {COLUMNS}"
        ),
    };
    let row: Row = sqlx::query_as(&sql)
        .bind(id)
        .bind(account)
        .bind(&name)
        .bind(&input.message)
        .bind(status)
        .bind(serde_json::to_string(&audience).unwrap_or_default())
        .bind(serde_json::to_string(&input.numbers).unwrap_or_default())
        .bind(serde_json::to_string(&input.pacing).unwrap_or_default())
        .bind(input.starts_at)
        .bind(&media_path)
        .bind(file.as_ref().map(|f| f.mime.as_str()))
        .bind(file.as_ref().map(|f| f.name.as_str()))
        .bind(file.as_ref().map(|f| f.bytes.len() as i64))
        .bind(i64::try_from(recipients.len()).unwrap_or(i64::MAX))
        .bind(input.reply_flow)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    // The file once more, in the store: the way it reaches the desktops that
    // run the campaign's other numbers (campaigns::media). A draft's own file
    // is replaced by the one picked, or deleted on its own (its own sync
    // tombstone: the agency's server keeps no file nobody sends).
    if file.is_none()
        && let Target::Draft(_) = target
    {
        sqlx::query("DELETE FROM campaign_files WHERE account_id = ? AND campaign_id = ?")
            .bind(account)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(f) = &file {
        sqlx::query(
            "INSERT INTO campaign_files (account_id, campaign_id, mime, name, bytes, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id, campaign_id) DO UPDATE SET
                mime = excluded.mime, name = excluded.name, bytes = excluded.bytes,
                created_at = excluded.created_at",
        )
        .bind(account)
        .bind(id)
        .bind(&f.mime)
        .bind(&f.name)
        .bind(&f.bytes)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // One clock tick and one outbox statement for all the recipients,
    // rather than the triggers' three statements for each.
    let hlc = crate::store::quiet(&mut tx).await?;
    let rows: Vec<(usize, &ContactId, &Option<InstanceId>)> = recipients
        .iter()
        .zip(&assigned)
        .enumerate()
        .map(|(i, (c, n))| (i, c, n))
        .collect();
    for chunk in rows.chunks(500) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO campaign_recipients (account_id, campaign_id, contact_id, instance_id, position, hlc) ",
        );
        sql.push_values(chunk, |mut b, (i, contact, number)| {
            b.push_bind(account)
                .push_bind(id)
                .push_bind(**contact)
                .push_bind(**number)
                .push_bind(i64::try_from(*i).unwrap_or(i64::MAX))
                .push_bind(&hlc);
        });
        sql.build().execute(&mut *tx).await?;
    }
    crate::store::record_recipients(&mut tx, account, id, None).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Refuses a reply flow the account does not have, or one never published
/// (a reply could not start it).
async fn reply_flow_startable(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    flow: FlowId,
) -> Result<(), CampaignError> {
    let found: Option<(String, bool)> = sqlx::query_as(
        "SELECT name, published_version_id IS NOT NULL FROM flows WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(flow)
    .fetch_optional(conn)
    .await?;
    match found {
        None => Err(CampaignError::ReplyFlowUnknown),
        Some((name, false)) => Err(CampaignError::ReplyFlowNotPublished(name)),
        Some((_, true)) => Ok(()),
    }
}

/// For each contact, the numbers (among `numbers`) they already have a conversation with.
async fn conversations_with(
    store: &Store,
    account: AccountId,
    numbers: &[InstanceId],
) -> Result<HashMap<ContactId, Vec<InstanceId>>, sqlx::Error> {
    let mut out: HashMap<ContactId, Vec<InstanceId>> = HashMap::new();
    for number in numbers {
        let contacts: Vec<ContactId> = sqlx::query_scalar(
            "SELECT contact_id FROM conversations WHERE account_id = ? AND instance_id = ?",
        )
        .bind(account)
        .bind(number)
        .fetch_all(store.pool())
        .await?;
        for c in contacts {
            out.entry(c).or_default().push(*number);
        }
    }
    Ok(out)
}

pub async fn get(
    store: &Store,
    account: AccountId,
    id: CampaignId,
) -> Result<CampaignInfo, CampaignError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(CampaignInfo::from).ok_or(CampaignError::Unknown)
}

/// The account's campaigns, newest first.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<CampaignInfo>, CampaignError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns WHERE account_id = ? ORDER BY created_at DESC, id DESC"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(CampaignInfo::from).collect())
}

/// Pause, resume or cancel. Cancelling keeps what was queued (it is on its
/// way) and marks the rest cancelled; a finished or cancelled campaign stays so.
pub async fn set_status(
    store: &Store,
    account: AccountId,
    id: CampaignId,
    status: CampaignStatus,
    now: i64,
) -> Result<CampaignInfo, CampaignError> {
    let mut tx = store.write().await?;
    let current: Option<CampaignStatus> =
        sqlx::query_scalar("SELECT status FROM campaigns WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let current = current.ok_or(CampaignError::Unknown)?;
    use CampaignStatus::*;
    let allowed = matches!(
        (current, status),
        (Running | Scheduled, Paused)
            | (Paused, Running)
            | (Running | Scheduled | Paused, Cancelled)
    );
    if !allowed {
        return Err(CampaignError::StatusChange);
    }
    sqlx::query("UPDATE campaigns SET status = ?, updated_at = ? WHERE account_id = ? AND id = ?")
        .bind(status)
        .bind(now)
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if status == Cancelled {
        sqlx::query(
            "UPDATE campaign_recipients SET state = 'cancelled'
             WHERE account_id = ? AND campaign_id = ? AND state = 'pending'",
        )
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    get(store, account, id).await
}

/// Changes a campaign's pacing; the sender reads it on its next step, so the
/// change takes effect at once.
pub async fn set_pacing(
    store: &Store,
    account: AccountId,
    id: CampaignId,
    pacing: &Pacing,
    now: i64,
) -> Result<CampaignInfo, CampaignError> {
    pacing.check()?;
    let done = sqlx::query(
        "UPDATE campaigns SET pacing = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(serde_json::to_string(pacing).unwrap_or_default())
    .bind(now)
    .bind(account)
    .bind(id)
    .execute(store.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(CampaignError::Unknown);
    }
    get(store, account, id).await
}
