//! A queue row the bot could not handle, again and again (a flow or a
//! keyword it cannot read, a bug): taken out of the queue with the reason in
//! its conversation's log, so one bad row never stops every other
//! contact's answers. The message itself stays in the inbox for a person.

use super::{Event, Queued};
use crate::automation::AutomationError;
use crate::automation::sessions::log_in;
use crate::time::now_ms;
use crate::{AccountId, Store};

/// Removes queue row `item` of `account`, logging `reason` on its
/// conversation (a tag's row has none: only the removal).
pub async fn set_aside(
    store: &Store,
    account: AccountId,
    item: &Queued,
    reason: &str,
) -> Result<(), AutomationError> {
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM automation_queue WHERE account_id = ? AND seq = ?")
        .bind(account)
        .bind(item.seq)
        .execute(&mut *tx)
        .await?;
    if let Event::Message { conversation, .. } = item.event {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(conversation)
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            log_in(
                &mut tx,
                account,
                conversation,
                None,
                "set_aside",
                &format!("not answered: {reason}"),
                now_ms(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
