//! The columns of an account's pipeline: made, renamed, recoloured, given
//! entry actions, reordered, and deleted only when their cards have a place
//! to go.

use crate::ids::{FlowId, TagId};
use crate::text::{NameProblem, clean_name};
use crate::time::now_ms;
use crate::{AccountId, Store};

use super::position;
use super::{PipelineError, STAGE_NAME_MAX, Stage, StageId, StageInput};

const COLUMNS: &str =
    "id, account_id, name, color, position, add_tag_id, start_flow_id, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct StageRow {
    id: StageId,
    account_id: AccountId,
    name: String,
    color: String,
    position: i64,
    add_tag_id: Option<TagId>,
    start_flow_id: Option<FlowId>,
    created_at: i64,
    updated_at: i64,
}

impl From<StageRow> for Stage {
    fn from(r: StageRow) -> Self {
        Stage {
            id: r.id,
            account_id: r.account_id,
            name: r.name,
            color: r.color,
            position: r.position,
            add_tag_id: r.add_tag_id,
            start_flow_id: r.start_flow_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn validate(input: &StageInput) -> Result<(String, String), PipelineError> {
    let name = clean_name(&input.name, STAGE_NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => PipelineError::NameEmpty,
        NameProblem::TooLong => PipelineError::NameTooLong,
    })?;
    let color = input.color.trim().to_lowercase();
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(PipelineError::ColorInvalid(input.color.clone()));
    }
    Ok((name, color))
}

/// The account's stages, left to right (ties, from two desktops adding a
/// stage at once, by creation and id: the same order everywhere).
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Stage>, PipelineError> {
    let rows: Vec<StageRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM pipeline_stages WHERE account_id = ?
         ORDER BY position, created_at, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(Stage::from).collect())
}

pub async fn get(store: &Store, account: AccountId, id: StageId) -> Result<Stage, PipelineError> {
    let row: Option<StageRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM pipeline_stages WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(Stage::from).ok_or(PipelineError::StageUnknown)
}

/// A new stage at the right end.
pub async fn create(
    store: &Store,
    account: AccountId,
    input: &StageInput,
) -> Result<Stage, PipelineError> {
    let (name, color) = validate(input)?;
    let now = now_ms();
    let mut tx = store.write().await?;
    check_actions(&mut tx, account, input, (None, None)).await?;
    let row: StageRow = sqlx::query_as(&format!(
        "INSERT INTO pipeline_stages
             (id, account_id, name, color, position, add_tag_id, start_flow_id, created_at, updated_at)
         VALUES (?, ?, ?, ?,
             (SELECT COALESCE(MAX(position) + 1, 0) FROM pipeline_stages WHERE account_id = ?),
             ?, ?, ?, ?)
         RETURNING {COLUMNS}"
    ))
    .bind(StageId::new())
    .bind(account)
    .bind(&name)
    .bind(&color)
    .bind(account)
    .bind(input.add_tag_id)
    .bind(input.start_flow_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(on_write_error)?;
    tx.commit().await?;
    Ok(row.into())
}

/// The stage's tag and flow must be the account's own: an id from another
/// account would tag or run nothing here (and name another account's rows).
/// Ids the stage already holds pass: a tag or flow deleted since (here or on
/// another desktop) is skipped on entry, and must not block a rename.
async fn check_actions(
    conn: &mut sqlx::SqliteConnection,
    account: AccountId,
    input: &StageInput,
    held: (Option<TagId>, Option<FlowId>),
) -> Result<(), PipelineError> {
    if let Some(tag) = input.add_tag_id.filter(|t| Some(*t) != held.0) {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM tags WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(tag)
        .fetch_one(&mut *conn)
        .await?;
        if !known {
            return Err(PipelineError::TagUnknown);
        }
    }
    if let Some(flow) = input.start_flow_id.filter(|f| Some(*f) != held.1) {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM flows WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(flow)
        .fetch_one(&mut *conn)
        .await?;
        if !known {
            return Err(PipelineError::FlowUnknown);
        }
    }
    Ok(())
}

fn on_write_error(e: sqlx::Error) -> PipelineError {
    match e.as_database_error() {
        Some(db) if db.is_foreign_key_violation() => PipelineError::StageUnknown,
        _ => PipelineError::Database(e),
    }
}

/// Renames, recolours and sets what entering the stage does.
pub async fn update(
    store: &Store,
    account: AccountId,
    id: StageId,
    input: &StageInput,
) -> Result<Stage, PipelineError> {
    let (name, color) = validate(input)?;
    let mut tx = store.write().await?;
    let held: Option<(Option<TagId>, Option<FlowId>)> = sqlx::query_as(
        "SELECT add_tag_id, start_flow_id FROM pipeline_stages WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let held = held.ok_or(PipelineError::StageUnknown)?;
    check_actions(&mut tx, account, input, held).await?;
    let row: Option<StageRow> = sqlx::query_as(&format!(
        "UPDATE pipeline_stages SET name = ?, color = ?, add_tag_id = ?, start_flow_id = ?, updated_at = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(&name)
    .bind(&color)
    .bind(input.add_tag_id)
    .bind(input.start_flow_id)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    row.map(Stage::from).ok_or(PipelineError::StageUnknown)
}

/// Puts the stages in this order. `order` must name each of the account's
/// stages once: a stage added or deleted on another desktop meanwhile is a
/// refusal (reload and try again), not a half-ordered board.
pub async fn reorder(
    store: &Store,
    account: AccountId,
    order: &[StageId],
) -> Result<Vec<Stage>, PipelineError> {
    let mut tx = store.write().await?;
    let mut have: Vec<StageId> =
        sqlx::query_scalar("SELECT id FROM pipeline_stages WHERE account_id = ?")
            .bind(account)
            .fetch_all(&mut *tx)
            .await?;
    let mut want = order.to_vec();
    have.sort();
    want.sort();
    if have != want {
        return Err(PipelineError::OrderInvalid);
    }
    let now = now_ms();
    for (i, id) in order.iter().enumerate() {
        // Only stages whose place changed are written (and synced).
        sqlx::query(
            "UPDATE pipeline_stages SET position = ?, updated_at = ?
             WHERE account_id = ? AND id = ? AND position IS NOT ?",
        )
        .bind(i as i64)
        .bind(now)
        .bind(account)
        .bind(id)
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    list(store, account).await
}

/// Deletes a stage. Its cards go to the end of `move_cards_to`, in their
/// order; a stage with cards and no such stage is refused with their count.
pub async fn delete(
    store: &Store,
    account: AccountId,
    id: StageId,
    move_cards_to: Option<StageId>,
) -> Result<(), PipelineError> {
    let mut tx = store.write().await?;
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pipeline_stages WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(PipelineError::StageUnknown);
    }
    let cards: Vec<super::CardId> = sqlx::query_scalar(
        "SELECT id FROM pipeline_cards WHERE account_id = ? AND stage_id = ? ORDER BY position, id",
    )
    .bind(account)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if !cards.is_empty() {
        let target = match move_cards_to {
            Some(t) if t != id => t,
            _ => return Err(PipelineError::StageHasCards(cards.len() as i64)),
        };
        let target_known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pipeline_stages WHERE account_id = ? AND id = ?)",
        )
        .bind(account)
        .bind(target)
        .fetch_one(&mut *tx)
        .await?;
        if !target_known {
            return Err(PipelineError::StageUnknown);
        }
        let mut last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(position) FROM pipeline_cards WHERE account_id = ? AND stage_id = ?",
        )
        .bind(account)
        .bind(target)
        .fetch_one(&mut *tx)
        .await?;
        let now = now_ms();
        for card in cards {
            let key = position::between(last.as_deref(), None);
            sqlx::query(
                "UPDATE pipeline_cards SET stage_id = ?, position = ?, updated_at = ?
                 WHERE account_id = ? AND id = ?",
            )
            .bind(target)
            .bind(&key)
            .bind(now)
            .bind(account)
            .bind(card)
            .execute(&mut *tx)
            .await?;
            last = Some(key);
        }
    }
    sqlx::query("DELETE FROM pipeline_stages WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
