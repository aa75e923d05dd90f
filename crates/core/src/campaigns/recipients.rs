//! A campaign's recipients inside the app (issue 18): who it went to, from
//! which number, and where each stands — the rows the CSV export writes,
//! filtered by state or by a name or phone, a page at a time.
//!
//! Each recipient's state is worked out as `export::rows` does (one place
//! says what "replied" or "failed" means); a page therefore reads the whole
//! campaign, a few milliseconds per thousand recipients, which a screen
//! asking a page at a time can afford.

use serde::{Deserialize, Serialize};

use super::error::CampaignError;
use super::export::{RecipientRow, RecipientState, reason_text, rows};
use crate::ids::CampaignId;
use crate::text::fold;
use crate::{AccountId, Lang, Store};

/// Which recipients, and which page of them.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct RecipientQuery {
    /// Only those in this state.
    pub state: Option<RecipientState>,
    /// A name (case and accents ignored) or digits of the phone.
    pub search: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// One recipient on screen: the exported row and its reason in words.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Recipient {
    #[serde(flatten)]
    pub row: RecipientRow,
    /// Why it was skipped or failed, in the interface's language.
    pub reason_text: Option<String>,
}

/// A page of recipients, and how many match in all.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RecipientPage {
    pub total: u32,
    pub items: Vec<Recipient>,
}

/// The most a page holds.
pub const PAGE_MAX: u32 = 500;

/// The campaign's recipients in sending order, filtered and paged.
pub async fn page(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
    query: &RecipientQuery,
    lang: Lang,
) -> Result<RecipientPage, CampaignError> {
    let search = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let folded = search.map(fold);
    let digits: Option<String> = search
        .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| !d.is_empty());
    let matching: Vec<RecipientRow> = rows(store, account, campaign)
        .await?
        .into_iter()
        .filter(|r| query.state.is_none_or(|s| r.state == s))
        .filter(|r| match (&folded, &digits) {
            (None, _) => true,
            (Some(text), digits) => {
                r.name
                    .as_deref()
                    .is_some_and(|n| fold(n).contains(text.as_str()))
                    || digits.as_deref().is_some_and(|d| r.phone.contains(d))
            }
        })
        .collect();
    let total = u32::try_from(matching.len()).unwrap_or(u32::MAX);
    let items = matching
        .into_iter()
        .skip(query.offset as usize)
        .take(query.limit.clamp(1, PAGE_MAX) as usize)
        .map(|row| Recipient {
            reason_text: row
                .reason
                .as_deref()
                .map(|code| reason_text(Some(code), lang)),
            row,
        })
        .collect();
    Ok(RecipientPage { total, items })
}
