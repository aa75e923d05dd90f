//! Campaign drafts: a copy of a campaign kept to be reviewed and started
//! later. A draft has the original's settings and file but no recipients:
//! the audience is resolved when the draft is started ([`start`], with every
//! check of a new campaign), so contacts added or opted out in the meantime
//! count. The senders never look at a draft (they take running and
//! scheduled campaigns only).

use base64::Engine;

use super::error::CampaignError;
use super::store::{self, CampaignInfo, CampaignInput, NAME_MAX, Target};
use crate::domain::CampaignStatus;
use crate::ids::{CampaignId, InstanceId};
use crate::inbox::attachments::{self, FileInput};
use crate::{AccountId, Store, contacts};

/// Copies a campaign (any state) as a new draft named `name`, cut to the
/// longest name a campaign may have (a copy of a long name is still a copy).
pub async fn duplicate(
    store: &Store,
    account: AccountId,
    id: CampaignId,
    name: &str,
    now: i64,
) -> Result<CampaignInfo, CampaignError> {
    let original = store::get(store, account, id).await?;
    let name: String = name.trim().chars().take(NAME_MAX).collect();
    let name = crate::text::clean_name(&name, NAME_MAX).map_err(|_| CampaignError::NameInvalid)?;
    let file = file_bytes(store, account, id).await?;
    let copy = CampaignId::new();
    let media_path = match (&file, &original.media_name) {
        // The draft's own path, where `media::ensure_here` writes the bytes
        // from the store when the draft is sent: a copy never points at the
        // original's file, which may be removed with it.
        (Some(_), Some(file_name)) => Some(format!(
            "media/{account}/campaign-{copy}.{}",
            attachments::safe_ext(file_name)
        )),
        _ => None,
    };
    let mut tx = store.write().await?;
    contacts::writable(&mut tx, account).await?;
    sqlx::query(
        "INSERT INTO campaigns (id, account_id, name, message, status, audience, numbers, pacing, starts_at,
                                media_path, media_mime, media_name, media_size, recipients_total,
                                reply_flow_id, created_at, updated_at)
         SELECT ?, account_id, ?, message, ?, audience, numbers, pacing, NULL,
                ?, ?, ?, ?, 0,
                reply_flow_id, ?, ?
         FROM campaigns WHERE account_id = ? AND id = ?",
    )
    .bind(copy)
    .bind(&name)
    .bind(CampaignStatus::Draft)
    .bind(&media_path)
    .bind(media_path.as_ref().and(original.media_mime.as_deref()))
    .bind(media_path.as_ref().and(original.media_name.as_deref()))
    .bind(media_path.as_ref().and(original.media_size))
    .bind(now)
    .bind(now)
    .bind(account)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let (Some(bytes), Some(_)) = (&file, &media_path) {
        sqlx::query(
            "INSERT INTO campaign_files (account_id, campaign_id, mime, name, bytes, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(account)
        .bind(copy)
        .bind(
            original
                .media_mime
                .as_deref()
                .unwrap_or("application/octet-stream"),
        )
        .bind(original.media_name.as_deref().unwrap_or("arquivo"))
        .bind(bytes)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    store::get(store, account, copy).await
}

/// A draft's file as the editor sends a picked one (name, type, base64), so
/// starting the draft keeps it; `None` when the draft sends text only.
pub async fn file(
    store: &Store,
    account: AccountId,
    id: CampaignId,
) -> Result<Option<FileInput>, CampaignError> {
    let draft = store::get(store, account, id).await?;
    let (Some(name), Some(mime)) = (draft.media_name, draft.media_mime) else {
        return Ok(None);
    };
    Ok(file_bytes(store, account, id)
        .await?
        .map(|bytes| FileInput {
            name,
            mime,
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
        }))
}

/// Starts a draft as the editor left it (`input`): in one write transaction
/// that first checks the row is still a draft of `account`, the draft
/// becomes the campaign in place, keeping its id, with every check of a new
/// campaign ([`store::create_with`]: its audience resolved now, its
/// recipients written). With `keep_file` and no file picked, the draft's
/// file goes with it. Started already (a double click, another window,
/// another desktop after sync): [`CampaignError::NotDraft`], and nothing
/// is sent twice. Refused, the draft stays as it was.
pub async fn start(
    store: &Store,
    account: AccountId,
    draft: CampaignId,
    input: &CampaignInput,
    keep_file: bool,
    now: i64,
    elsewhere: &[InstanceId],
) -> Result<CampaignInfo, CampaignError> {
    let mut input = input.clone();
    if keep_file && input.attachment.is_none() {
        input.attachment = file(store, account, draft).await?;
    }
    store::write(store, account, &input, now, elsewhere, Target::Draft(draft)).await
}

/// Deletes a draft. Only a draft: a campaign that ran keeps its report.
pub async fn delete(
    store: &Store,
    account: AccountId,
    id: CampaignId,
) -> Result<(), CampaignError> {
    let mut tx = store.write().await?;
    let status: Option<CampaignStatus> =
        sqlx::query_scalar("SELECT status FROM campaigns WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    match status {
        None => return Err(CampaignError::Unknown),
        Some(CampaignStatus::Draft) => {}
        Some(_) => return Err(CampaignError::NotDraft),
    }
    // The file first, on its own: deleted with the campaign by the cascade,
    // it would record no tombstone of its own, and the agency's server
    // (where a deleted campaign is only marked) would keep its bytes.
    sqlx::query("DELETE FROM campaign_files WHERE account_id = ? AND campaign_id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM campaigns WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The bytes of a campaign's file: from the store (synced), else from the
/// data folder (a campaign made before files were synced, on this desktop).
/// `None` when neither has it: the copy then sends text only.
async fn file_bytes(
    store: &Store,
    account: AccountId,
    id: CampaignId,
) -> Result<Option<Vec<u8>>, CampaignError> {
    let stored: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT bytes FROM campaign_files WHERE account_id = ? AND campaign_id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    if stored.is_some() {
        return Ok(stored);
    }
    let path: Option<Option<String>> =
        sqlx::query_scalar("SELECT media_path FROM campaigns WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    let Some(Some(path)) = path else {
        return Ok(None);
    };
    // Only a path under this account's media folder: the row may have come
    // from another desktop.
    if !path.starts_with(&format!("media/{account}/campaign-")) || path.contains("..") {
        return Ok(None);
    }
    Ok(std::fs::read(store.data_dir().join(path)).ok())
}
