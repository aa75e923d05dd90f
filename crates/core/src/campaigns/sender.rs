//! The campaign sender, one step at a time: for each of a campaign's numbers
//! whose pacing allows a message now, claim the next recipient. Claiming
//! writes the rendered message into the inbox's durable outbox and marks the
//! recipient queued in the same transaction, so a crash or kill at any moment
//! leaves each recipient either untouched (sent later) or queued exactly once;
//! the outbox then sends each message exactly once (see `inbox::outbox`).
//!
//! The clock and the randomness come from the caller: the app passes the wall
//! clock, tests pass numbers.

use std::collections::{HashMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::{QueryBuilder, Sqlite};

use super::error::CampaignError;
use super::media::FileHere;
use super::pacing::{NumberLoad, Pacing, next_send_within};
use super::store::{CampaignInfo, get, template_of};
use super::template::Template;
use crate::domain::CampaignStatus;
use crate::fields::{self, CustomField, FieldKind};
use crate::ids::{CampaignId, InstanceId, MessageId, campaign_message};
use crate::inbox::{attachments, ingest, outbox};
use crate::{AccountId, ContactId, ConversationId, Store, phone};

/// What one step did, and when the next one is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    pub queued: u32,
    pub skipped: u32,
    /// The earliest moment a number may send again; `None` when nothing is left.
    pub next_at: Option<i64>,
}

/// Runs one step of a campaign at `now`. `seed` makes the random delays
/// repeatable (the app passes a random one per run).
/// Only numbers for which `can_send` says yes are used: a disconnected
/// number must not pile up campaign messages in its outbox, which would all
/// leave at once when it reconnects, unpaced.
pub async fn step(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
    now: i64,
    seed: u64,
    can_send: &(dyn Fn(InstanceId) -> bool + Sync),
) -> Result<Step, CampaignError> {
    let mut info = get(store, account, campaign).await?;
    if info.status == CampaignStatus::Scheduled {
        match info.starts_at {
            Some(at) if at > now => {
                return Ok(Step {
                    next_at: Some(at),
                    ..Step::default()
                });
            }
            _ => {
                set_status_raw(store, account, campaign, CampaignStatus::Running, now).await?;
                info.status = CampaignStatus::Running;
            }
        }
    }
    if info.status != CampaignStatus::Running {
        return Ok(Step::default());
    }
    // Another desktop's campaign: its file first. Without it (not pulled
    // yet) nothing is claimed here; the next pull or step tries again.
    if super::media::ensure_here(store, account, campaign).await? == FileHere::Missing {
        return Ok(Step::default());
    }
    let template = template_of(store, account, &info.message).await?;
    // The account's business hours, when its campaigns keep to them.
    let hours = crate::business_hours::campaign_schedule(store, account).await?;
    let fields = fields::list(store, account).await?;
    let mut out = Step::default();
    for number in &info.numbers {
        if !can_send(*number) {
            continue;
        }
        let load = number_load(store, account, *number, &info.pacing, now).await?;
        // The delay after a given message is drawn once: seeded by the number
        // and that message's time, so asking again does not redraw it shorter.
        let mut rng = StdRng::seed_from_u64(
            seed ^ u64::from_le_bytes(
                number.as_uuid().as_bytes()[..8]
                    .try_into()
                    .unwrap_or_default(),
            ) ^ load.last_sent_at.unwrap_or(0).unsigned_abs(),
        );
        let at = next_send_within(&info.pacing, &load, now, &mut rng, hours.as_ref());
        if at > now {
            if has_pending(store, account, campaign, *number).await? {
                out.next_at = Some(out.next_at.map_or(at, |n| n.min(at)));
            }
            continue;
        }
        // Without a delay (pacing off) a number may take a burst in one
        // transaction, up to its cap; with a delay, one message per step.
        let allowance = if info.pacing.delay_max_s == 0 {
            BURST.min(
                info.pacing
                    .cap_on(load.added_at, now)
                    .saturating_sub(load.sent_today),
            )
        } else {
            1
        };
        let (queued, skipped) = claim(
            store, account, &info, *number, &template, &fields, now, allowance,
        )
        .await?;
        out.queued += queued;
        out.skipped += skipped;
        if queued + skipped > 0 {
            out.next_at = Some(now);
        }
    }
    if out.queued == 0
        && out.skipped == 0
        && out.next_at.is_none()
        && finished(store, account, campaign).await?
    {
        set_status_raw(store, account, campaign, CampaignStatus::Done, now).await?;
    }
    Ok(out)
}

/// A recipient as claimed: contact, phone, name, place, when they opted out.
type Claimed = (ContactId, String, Option<String>, i64, Option<i64>);

/// Most recipients one number claims in one step (and one transaction) when
/// its pacing has no delay.
const BURST: u32 = 100;

/// Claims up to `max` recipients of one number in one transaction; returns
/// how many were queued and how many skipped. A few multi-row statements per
/// burst rather than several per recipient: the sender's own cost per message
/// is in docs/benchmarks.md.
#[allow(clippy::too_many_arguments)]
async fn claim(
    store: &Store,
    account: AccountId,
    info: &CampaignInfo,
    number: InstanceId,
    template: &Template,
    fields: &[CustomField],
    now: i64,
    max: u32,
) -> Result<(u32, u32), CampaignError> {
    let mut tx = store.write().await?;
    // Re-read inside the write lock: a pause or cancel that landed meanwhile wins.
    let status: Option<CampaignStatus> =
        sqlx::query_scalar("SELECT status FROM campaigns WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(info.id)
            .fetch_optional(&mut *tx)
            .await?;
    if status != Some(CampaignStatus::Running) || max == 0 {
        return Ok((0, 0));
    }
    let next: Vec<Claimed> = sqlx::query_as(
        "SELECT r.contact_id, c.phone, c.name, r.position, c.opted_out_at FROM campaign_recipients r
         JOIN contacts c ON c.account_id = r.account_id AND c.id = r.contact_id
         WHERE r.account_id = ? AND r.campaign_id = ? AND r.instance_id = ? AND r.state = 'pending'
         ORDER BY r.position LIMIT ?",
    )
    .bind(account)
    .bind(info.id)
    .bind(number)
    .bind(max)
    .fetch_all(&mut *tx)
    .await?;
    if next.is_empty() {
        return Ok((0, 0));
    }
    // A contact who opted out after the campaign was made (wrote SAIR while a
    // multi-day campaign runs, here or on another desktop) is never sent it:
    // checked at the claim, inside the write lock, not only when the
    // audience was chosen.
    let (opted_out, next): (Vec<_>, Vec<_>) = next
        .into_iter()
        .partition(|(_, _, _, _, opted_out_at)| opted_out_at.is_some());
    let next: Vec<(ContactId, String, Option<String>, i64)> = next
        .into_iter()
        .map(|(contact, phone, name, position, _)| (contact, phone, name, position))
        .collect();
    let (valid, invalid): (Vec<_>, Vec<_>) = next
        .into_iter()
        .partition(|(_, contact_phone, _, _)| phone::normalize(contact_phone).is_ok());
    let ids: Vec<ContactId> = valid.iter().map(|(c, _, _, _)| *c).collect();
    // Ids every desktop derives alike: a message another desktop already
    // wrote for a recipient (pulled before the recipient's own change) is
    // that recipient's message, not written twice.
    let messages: Vec<MessageId> = valid
        .iter()
        .map(|(contact, _, _, position)| campaign_message(info.id, *position, *contact))
        .collect();
    if !valid.is_empty() {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT contact_id, field_id, value FROM contact_fields WHERE account_id = ",
        );
        sql.push_bind(account).push(" AND contact_id IN (");
        push_list(&mut sql, &ids);
        let stored: Vec<(ContactId, crate::ids::FieldId, String)> =
            sql.build_query_as().fetch_all(&mut *tx).await?;
        let conversations = ingest::conversations_for(&mut tx, account, number, &ids, now).await?;
        // `+account_id`: looked up by id (the primary key); with the account
        // as an index term, SQLite may walk the account's whole message index
        // instead (measured: the sender's cost per message doubled).
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT id FROM messages WHERE +account_id = ");
        sql.push_bind(account).push(" AND id IN (");
        let mut list = sql.separated(", ");
        for id in &messages {
            list.push_bind(*id);
        }
        sql.push(")");
        let written: HashSet<MessageId> = sql
            .build_query_scalar()
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let mut texts = Vec::with_capacity(valid.len());
        for ((contact, contact_phone, name, _), message) in valid.iter().zip(&messages) {
            if written.contains(message) {
                continue;
            }
            let own: Vec<(crate::ids::FieldId, String)> = stored
                .iter()
                .filter(|(c, _, _)| c == contact)
                .map(|(_, f, v)| (*f, v.clone()))
                .collect();
            let values = variables(contact_phone, name.as_deref(), &own, fields);
            let conversation = conversations
                .get(contact)
                .copied()
                .ok_or(CampaignError::Unknown)?;
            texts.push((
                *message,
                conversation,
                template.render(&values, seed_for(info.id, *contact)),
            ));
        }
        // One file shared by all the campaign's messages, each text its caption.
        let media: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT media_path, media_mime, media_name, media_size FROM campaigns
             WHERE account_id = ? AND id = ? AND media_path IS NOT NULL",
        )
        .bind(account)
        .bind(info.id)
        .fetch_optional(&mut *tx)
        .await?;
        let stored = media
            .as_ref()
            .map(|(path, mime, name, size)| outbox::StoredFile {
                path,
                mime,
                name,
                size: *size,
            });
        let file = stored.as_ref().map(|f| (attachments::kind_of(f.mime), f));
        // Opened by the campaign (no message before, or still waiting for
        // the reply to an earlier one): marked once its messages are in, so
        // the inbox's open list is not filled with chats nobody answered
        // (migration 0031; any later message clears the mark).
        let opened = unanswered_conversations(&mut tx, account, &texts).await?;
        outbox::insert_texts_in(&mut tx, account, number, &texts, file).await?;
        if !opened.is_empty() {
            let mut sql = QueryBuilder::<Sqlite>::new(
                "UPDATE conversations SET campaign_unanswered = 1 WHERE account_id = ",
            );
            sql.push_bind(account).push(" AND id IN (");
            let mut list = sql.separated(", ");
            for id in &opened {
                list.push_bind(*id);
            }
            sql.push(")");
            sql.build().execute(&mut *tx).await?;
        }
    }
    // The messages were recorded by their triggers; the recipients change in
    // bulk, under one clock tick, and are recorded at once.
    let hlc = crate::store::quiet(&mut tx).await?;
    if !valid.is_empty() {
        let mut sql =
            QueryBuilder::<Sqlite>::new("UPDATE campaign_recipients SET state = 'queued', hlc = ");
        sql.push_bind(&hlc)
            .push(", queued_at = ")
            .push_bind(now)
            .push(", message_id = CASE contact_id");
        for (contact, message) in ids.iter().zip(&messages) {
            sql.push(" WHEN ")
                .push_bind(*contact)
                .push(" THEN ")
                .push_bind(*message);
        }
        sql.push(" END WHERE account_id = ")
            .push_bind(account)
            .push(" AND campaign_id = ")
            .push_bind(info.id)
            .push(" AND state = 'pending' AND contact_id IN (");
        push_list(&mut sql, &ids);
        sql.build().execute(&mut *tx).await?;
    }
    let skipped = invalid
        .iter()
        .map(|(contact, _, _, _)| (*contact, "invalid_phone"))
        .chain(
            opted_out
                .iter()
                .map(|(contact, _, _, _, _)| (*contact, "opted_out")),
        );
    for (contact, reason) in skipped {
        sqlx::query(
            "UPDATE campaign_recipients SET state = 'skipped', reason = ?, hlc = ?
             WHERE account_id = ? AND campaign_id = ? AND contact_id = ?",
        )
        .bind(reason)
        .bind(&hlc)
        .bind(account)
        .bind(info.id)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
    }
    let claimed: Vec<ContactId> = valid
        .iter()
        .chain(&invalid)
        .map(|(contact, _, _, _)| *contact)
        .chain(opted_out.iter().map(|(contact, _, _, _, _)| *contact))
        .collect();
    crate::store::record_recipients(&mut tx, account, info.id, Some(&claimed)).await?;
    tx.commit().await?;
    Ok((
        u32::try_from(valid.len()).unwrap_or(u32::MAX),
        u32::try_from(invalid.len() + opted_out.len()).unwrap_or(u32::MAX),
    ))
}

/// `?, ?, …)` for a list of contact ids.
/// The conversations of `texts` a campaign message opens: none written yet,
/// or one still waiting for the reply to an earlier campaign.
async fn unanswered_conversations(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    account: AccountId,
    texts: &[(MessageId, ConversationId, String)],
) -> Result<Vec<ConversationId>, CampaignError> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT id FROM conversations WHERE account_id = ");
    sql.push_bind(account)
        .push(" AND (last_message_id IS NULL OR campaign_unanswered = 1) AND id IN (");
    let mut list = sql.separated(", ");
    for (_, conversation, _) in texts {
        list.push_bind(*conversation);
    }
    sql.push(")");
    Ok(sql.build_query_scalar().fetch_all(&mut **tx).await?)
}

fn push_list(sql: &mut QueryBuilder<'_, Sqlite>, ids: &[ContactId]) {
    let mut list = sql.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    sql.push(")");
}

/// A message as one contact would receive it, for the editor's preview.
pub async fn preview(
    store: &Store,
    account: AccountId,
    message: &str,
    contact: ContactId,
) -> Result<String, CampaignError> {
    let template = template_of(store, account, message).await?;
    let fields = fields::list(store, account).await?;
    let person = crate::contacts::get(store, account, contact).await?;
    let stored: Vec<(crate::ids::FieldId, String)> = sqlx::query_as(
        "SELECT field_id, value FROM contact_fields WHERE account_id = ? AND contact_id = ?",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?;
    let values = variables(
        &person.phone,
        person.name.as_deref(),
        &stored,
        fields.as_slice(),
    );
    Ok(template.render(&values, seed_for(CampaignId::default(), contact)))
}

/// The variation seed of one recipient: the same text whenever it is rendered.
fn seed_for(campaign: CampaignId, contact: ContactId) -> u64 {
    let a = campaign.as_uuid().as_u64_pair();
    let b = contact.as_uuid().as_u64_pair();
    a.0 ^ a.1.rotate_left(17) ^ b.0.rotate_left(31) ^ b.1
}

/// The values of a contact's variables, written as people read them.
pub(crate) fn variables(
    contact_phone: &str,
    name: Option<&str>,
    stored: &[(crate::ids::FieldId, String)],
    fields: &[CustomField],
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let name = name.unwrap_or("").trim().to_owned();
    out.insert(
        "primeiro_nome".to_owned(),
        name.split_whitespace().next().unwrap_or("").to_owned(),
    );
    out.insert("nome".to_owned(), name);
    out.insert("telefone".to_owned(), contact_phone.to_owned());
    for (field_id, value) in stored {
        if let Some(field) = fields.iter().find(|f| f.id == *field_id) {
            out.insert(field.key.clone(), readable(field.kind, value));
        }
    }
    out
}

/// Canonical values as a Brazilian reads them: `1.234,5`, `31/12/2024`, `sim`.
fn readable(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::Number => {
            let (int, frac) = value.split_once('.').unwrap_or((value, ""));
            let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                format!("{sign}{grouped}")
            } else {
                format!("{sign}{grouped},{frac}")
            }
        }
        FieldKind::Date => match value.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, d] => format!("{d}/{m}/{y}"),
            _ => value.to_owned(),
        },
        FieldKind::YesNo => if value == "true" { "sim" } else { "não" }.to_owned(),
        FieldKind::Text | FieldKind::Choice => value.to_owned(),
    }
}

async fn number_load(
    store: &Store,
    account: AccountId,
    number: InstanceId,
    pacing: &Pacing,
    now: i64,
) -> Result<NumberLoad, CampaignError> {
    let added_at: Option<i64> =
        sqlx::query_scalar("SELECT created_at FROM instances WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(number)
            .fetch_optional(store.pool())
            .await?;
    let (sent_today, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE queued_at >= ?), max(queued_at) FROM campaign_recipients
         WHERE account_id = ? AND instance_id = ? AND queued_at IS NOT NULL",
    )
    .bind(pacing.local_day_start(now))
    .bind(account)
    .bind(number)
    .fetch_one(store.pool())
    .await?;
    Ok(NumberLoad {
        added_at: added_at.ok_or(CampaignError::NumberUnknown)?,
        sent_today: u32::try_from(sent_today).unwrap_or(u32::MAX),
        last_sent_at: last,
    })
}

async fn has_pending(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
    number: InstanceId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM campaign_recipients WHERE account_id = ? AND campaign_id = ?
         AND instance_id = ? AND state = 'pending')",
    )
    .bind(account)
    .bind(campaign)
    .bind(number)
    .fetch_one(store.pool())
    .await
}

/// Whether every recipient the campaign was created with is done here: none
/// pending, and none missing. A campaign another desktop created arrives in
/// as many pulls as its push took batches; until the last one, its rows here
/// are only part of it, and "none pending" would end it for every desktop.
async fn finished(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.account_id = c.account_id
                            AND r.campaign_id = c.id AND r.state = 'pending')
            AND (SELECT count(*) FROM campaign_recipients r WHERE r.account_id = c.account_id
                 AND r.campaign_id = c.id) + c.recipients_removed >= c.recipients_total
         FROM campaigns c WHERE c.account_id = ? AND c.id = ?",
    )
    .bind(account)
    .bind(campaign)
    .fetch_optional(store.pool())
    .await
    .map(|done| done.unwrap_or(false))
}

async fn set_status_raw(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
    status: CampaignStatus,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE campaigns SET status = ?, updated_at = ? WHERE account_id = ? AND id = ?")
        .bind(status)
        .bind(now)
        .bind(account)
        .bind(campaign)
        .execute(store.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_the_brazilian_way() {
        assert_eq!(readable(FieldKind::Number, "1234.5"), "1.234,5");
        assert_eq!(readable(FieldKind::Number, "-1234567"), "-1.234.567");
        assert_eq!(readable(FieldKind::Number, "1.2340"), "1,234");
        assert_eq!(readable(FieldKind::Date, "2024-12-31"), "31/12/2024");
        assert_eq!(readable(FieldKind::YesNo, "true"), "sim");
    }
}
