//! A test send from the editor: the message, rendered for one phone (usually
//! the operator's own), queued in the durable outbox of one number before
//! the campaign goes to everyone. The phone becomes (or already is) a normal
//! contact: nothing marks it as a test, so it shows in the inbox like any
//! conversation and its reply is read there.

use super::error::CampaignError;
use super::sender::variables;
use super::store::template_of;
use crate::contacts::{ContactError, writable};
use crate::domain::{InstanceStatus, MessageKind};
use crate::fields;
use crate::ids::InstanceId;
use crate::ids::natural_or_fresh;
use crate::inbox::{ingest, outbox};
use crate::time::now_ms;
use crate::{AccountId, ContactId, MessageId, Store, phone};

/// Queues `message`, rendered for the contact with `raw_phone`, on `number`.
/// Refused, with nothing written: a message the campaign editor would refuse,
/// a number of another account or not connected (the same codes as creating
/// a campaign), or a phone that is not a phone.
pub async fn test_send(
    store: &Store,
    account: AccountId,
    message: &str,
    number: InstanceId,
    raw_phone: &str,
) -> Result<MessageId, CampaignError> {
    let template = template_of(store, account, message).await?;
    let instance: Option<(String, InstanceStatus)> =
        sqlx::query_as("SELECT name, status FROM instances WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(number)
            .fetch_optional(store.pool())
            .await?;
    match instance {
        None => return Err(CampaignError::NumberUnknown),
        // Queued on a disconnected number it would leave whenever it
        // reconnects, long after the person stopped waiting for it.
        Some((name, status)) if status != InstanceStatus::Connected => {
            return Err(CampaignError::NumberOffline(name));
        }
        Some(_) => {}
    }
    let phone = phone::normalize(raw_phone).map_err(ContactError::from)?;
    let fields = fields::list(store, account).await?;
    let now = now_ms();

    let mut tx = store.write().await?;
    writable(&mut tx, account).await?;
    let id = natural_or_fresh(&mut *tx, "contacts", account, "contact", &phone).await?;
    sqlx::query(
        "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at)
         VALUES (?, ?, ?, NULL, '', ?, ?)
         ON CONFLICT (account_id, phone) DO NOTHING",
    )
    .bind(id)
    .bind(account)
    .bind(&phone)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let (contact, name, opted_out_at): (ContactId, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT id, name, opted_out_at FROM contacts WHERE account_id = ? AND phone = ?",
    )
    .bind(account)
    .bind(&phone)
    .fetch_one(&mut *tx)
    .await?;
    // A person who asked not to receive messages gets no test either.
    if opted_out_at.is_some() {
        return Err(CampaignError::OptedOut(phone));
    }
    let stored: Vec<(crate::ids::FieldId, String)> = sqlx::query_as(
        "SELECT field_id, value FROM contact_fields WHERE account_id = ? AND contact_id = ?",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(&mut *tx)
    .await?;
    let values = variables(&phone, name.as_deref(), &stored, &fields);
    // A fresh variation each time: a second test shows another spintax pick.
    let body = template.render(&values, rand::random());
    let conversation = ingest::conversation_for(&mut tx, account, number, contact, now).await?;
    let queued = outbox::insert_outbound_in(
        &mut tx,
        account,
        conversation,
        MessageKind::Text,
        &body,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(queued.id)
}
