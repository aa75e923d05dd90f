//! How many cards each stage holds and what they are worth: the board's
//! column headers and the dashboard's pipeline card.

use serde::Serialize;

use crate::{AccountId, Store};

use super::cards::{self, CardFilter};
use super::{PipelineError, StageId, stages};

/// One stage's count and total value, in the board's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct StageTotal {
    pub stage_id: StageId,
    pub name: String,
    pub color: String,
    pub cards: i64,
    /// Reais in cents.
    pub value_cents: i64,
}

/// Every stage of the account with its count and total value (stages with
/// no card included, as zeros), left to right. The dashboard calls it with
/// no filter, counted by SQLite; with a filter the board's own cards are
/// counted, so the headers always agree with the cards shown.
pub async fn per_stage(
    store: &Store,
    account: AccountId,
    filter: Option<&CardFilter>,
) -> Result<Vec<StageTotal>, PipelineError> {
    let stages = stages::list(store, account).await?;
    let totals: Vec<(StageId, i64, i64)> = match filter.filter(|f| !f.is_empty()) {
        None => {
            sqlx::query_as(
                "SELECT stage_id, COUNT(*), COALESCE(SUM(value_cents), 0) FROM pipeline_cards
                 WHERE account_id = ? GROUP BY stage_id",
            )
            .bind(account)
            .fetch_all(store.pool())
            .await?
        }
        Some(f) => {
            let mut by_stage: Vec<(StageId, i64, i64)> = Vec::new();
            for card in cards::list(store, account, f).await? {
                match by_stage.iter_mut().find(|(s, ..)| *s == card.stage_id) {
                    Some((_, n, v)) => {
                        *n += 1;
                        *v += card.value_cents;
                    }
                    None => by_stage.push((card.stage_id, 1, card.value_cents)),
                }
            }
            by_stage
        }
    };
    Ok(stages
        .into_iter()
        .map(|s| {
            let (cards, value_cents) = totals
                .iter()
                .find(|(id, ..)| *id == s.id)
                .map(|(_, n, v)| (*n, *v))
                .unwrap_or((0, 0));
            StageTotal {
                stage_id: s.id,
                name: s.name,
                color: s.color,
                cards,
                value_cents,
            }
        })
        .collect())
}
