//! A test send from the editor: the message, rendered as the editor's preview
//! shows it (for the chosen preview contact, or else for the contact the phone
//! belongs to), queued in the durable outbox of one number before the campaign
//! goes to everyone. The phone must already be a contact of the account (the
//! operator's own phone, saved once): a test never invents a "Sem nome"
//! contact with an open conversation, because every message needs a
//! conversation and every conversation a contact, and an operator who tests
//! from a stranger's phone would find that stranger in their CRM.

use super::error::CampaignError;
use super::sender::variables;
use super::store::template_of;
use crate::contacts::{ContactError, writable};
use crate::domain::{InstanceStatus, MessageKind};
use crate::fields;
use crate::ids::InstanceId;
use crate::inbox::{ingest, outbox};
use crate::time::now_ms;
use crate::{AccountId, ContactId, MessageId, Store, phone};

/// Queues `message` for `raw_phone` on `number`, rendered with the values of
/// `preview` (the contact the editor's preview shows) or, without one, of the
/// phone's own contact. Refused, with nothing written: a message the campaign
/// editor would refuse, a number of another account or not connected (the
/// same codes as creating a campaign), a phone that is not a phone or is no
/// contact of the account, a preview contact of another account.
///
/// `id` is chosen by the editor for one press of "Enviar teste": pressed
/// twice (or asked again after a lost answer), the test is queued once.
#[allow(clippy::too_many_arguments)]
pub async fn test_send(
    store: &Store,
    account: AccountId,
    id: MessageId,
    message: &str,
    number: InstanceId,
    raw_phone: &str,
    preview: Option<ContactId>,
) -> Result<MessageId, CampaignError> {
    let queued: Option<AccountId> =
        sqlx::query_scalar("SELECT account_id FROM messages WHERE id = ?")
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    match queued {
        Some(owner) if owner == account => return Ok(id),
        Some(_) => return Err(CampaignError::Unknown),
        None => {}
    }
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
    let found: Option<(ContactId, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, opted_out_at FROM contacts WHERE account_id = ? AND phone = ?",
    )
    .bind(account)
    .bind(&phone)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((contact, own_name, opted_out_at)) = found else {
        return Err(CampaignError::TestPhoneNotContact(phone));
    };
    // A person who asked not to receive messages gets no test either.
    if opted_out_at.is_some() {
        return Err(CampaignError::OptedOut(phone));
    }
    // The values come from whom the preview shows: the test is there to see
    // exactly what that person will get.
    let (source, source_phone, name) = match preview {
        None => (contact, phone.clone(), own_name),
        Some(previewed) => {
            let row: Option<(String, Option<String>)> =
                sqlx::query_as("SELECT phone, name FROM contacts WHERE account_id = ? AND id = ?")
                    .bind(account)
                    .bind(previewed)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (p, n) = row.ok_or(ContactError::Unknown(account, previewed))?;
            (previewed, p, n)
        }
    };
    let stored: Vec<(crate::ids::FieldId, String)> = sqlx::query_as(
        "SELECT field_id, value FROM contact_fields WHERE account_id = ? AND contact_id = ?",
    )
    .bind(account)
    .bind(source)
    .fetch_all(&mut *tx)
    .await?;
    let values = variables(&source_phone, name.as_deref(), &stored, &fields);
    // A fresh variation each time: a second test shows another spintax pick.
    let body = template.render(&values, rand::random());
    let conversation = ingest::conversation_for(&mut tx, account, number, contact, now).await?;
    crate::plans::check(&mut tx, account, crate::plans::Limit::Messages, 1).await?;
    let queued = outbox::insert_outbound_in(
        &mut tx,
        id,
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
