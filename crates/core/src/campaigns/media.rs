//! A campaign's file on this desktop. The desktop that created the campaign
//! wrote it under the data folder; the others get it through the store's
//! `campaign_files` (synced) and write it at the same place before their
//! first message of the campaign, so a campaign runs on whichever desktops
//! run its numbers.

use super::error::CampaignError;
use crate::ids::CampaignId;
use crate::inbox::attachments;
use crate::{AccountId, Store};

/// Where a campaign's file stands here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileHere {
    /// The campaign sends text only.
    NoFile,
    Ready,
    /// Neither under the data folder nor in the store (not pulled yet, or a
    /// campaign from before files were synced, on its own desktop only).
    Missing,
}

/// Makes sure a campaign's file is under the data folder, writing it from
/// the store when another desktop created the campaign.
pub async fn ensure_here(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
) -> Result<FileHere, CampaignError> {
    let path: Option<Option<String>> =
        sqlx::query_scalar("SELECT media_path FROM campaigns WHERE account_id = ? AND id = ?")
            .bind(account)
            .bind(campaign)
            .fetch_optional(store.pool())
            .await?;
    let Some(path) = path.ok_or(CampaignError::Unknown)? else {
        return Ok(FileHere::NoFile);
    };
    // The path came from another desktop: only the one place a campaign's
    // file may be (never outside the data folder).
    let expected = format!(
        "media/{account}/campaign-{campaign}.{}",
        attachments::safe_ext(&path)
    );
    if path != expected {
        return Ok(FileHere::Missing);
    }
    if store.data_dir().join(&path).is_file() {
        return Ok(FileHere::Ready);
    }
    let bytes: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT bytes FROM campaign_files WHERE account_id = ? AND campaign_id = ?",
    )
    .bind(account)
    .bind(campaign)
    .fetch_optional(store.pool())
    .await?;
    let Some(bytes) = bytes else {
        return Ok(FileHere::Missing);
    };
    attachments::write_file(store, &path, &bytes).map_err(crate::inbox::InboxError::from)?;
    Ok(FileHere::Ready)
}

/// A message's file that is not under the data folder: if it is a campaign's
/// (a message claimed on another desktop, sent here after this desktop took
/// the number over), writes it from the store. Whether the file is there now.
pub async fn restore_for_message(
    store: &Store,
    account: AccountId,
    media_path: &str,
) -> Result<bool, CampaignError> {
    let campaign: Option<CampaignId> =
        sqlx::query_scalar("SELECT id FROM campaigns WHERE account_id = ? AND media_path = ?")
            .bind(account)
            .bind(media_path)
            .fetch_optional(store.pool())
            .await?;
    match campaign {
        Some(campaign) => Ok(ensure_here(store, account, campaign).await? == FileHere::Ready),
        None => Ok(false),
    }
}
