//! A campaign's recipients to a CSV file, one row each with where they stand
//! (the same outcome the report counts), so an agency can hand the client a
//! spreadsheet. Same conventions as the contacts export (`crate::export`):
//! UTF-8 with a BOM, `;` between cells in Portuguese, `,` in English.

use super::error::CampaignError;
use super::store::get;
use crate::ids::CampaignId;
use crate::time::iso_date;
use crate::{AccountId, Lang, Store};

/// What happened to one recipient, most advanced outcome first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RecipientState {
    Pending,
    Queued,
    Sent,
    Delivered,
    Read,
    Replied,
    Failed,
    Skipped,
    Cancelled,
}

impl RecipientState {
    pub fn label(self, lang: Lang) -> &'static str {
        use RecipientState::*;
        match self {
            Pending => lang.pick("pendente", "pending"),
            Queued => lang.pick("na fila", "queued"),
            Sent => lang.pick("enviada", "sent"),
            Delivered => lang.pick("entregue", "delivered"),
            Read => lang.pick("lida", "read"),
            Replied => lang.pick("respondeu", "replied"),
            Failed => lang.pick("falhou", "failed"),
            Skipped => lang.pick("pulada", "skipped"),
            Cancelled => lang.pick("cancelada", "cancelled"),
        }
    }

    /// From the recipient's row and its message's status, as `report` reads them.
    fn of(state: &str, status: Option<&str>, replied: bool) -> Self {
        use RecipientState::*;
        match (state, status) {
            ("pending", _) => Pending,
            ("skipped", _) => Skipped,
            ("cancelled", _) => Cancelled,
            (_, Some("failed")) => Failed,
            // A reply says more than any ack: they read it and answered.
            _ if replied => Replied,
            (_, Some("sent")) => Sent,
            (_, Some("delivered")) => Delivered,
            (_, Some("read" | "played")) => Read,
            _ => Queued,
        }
    }
}

/// One recipient as exported (and as the campaign's screen lists them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct RecipientRow {
    pub phone: String,
    pub name: Option<String>,
    /// The name of the number assigned to send it (`None` if it was deleted).
    pub number: Option<String>,
    pub state: RecipientState,
    /// Why it was skipped or failed, as stored (`invalid_phone`, WhatsApp's error).
    pub reason: Option<String>,
    /// When WhatsApp took it (Unix ms); `None` while not out.
    pub sent_at: Option<i64>,
}

/// (phone, name, number, state, reason, message status, message error, sent at, replied).
type Raw = (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    bool,
);

/// The campaign's recipients in sending order.
pub async fn rows(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
) -> Result<Vec<RecipientRow>, CampaignError> {
    get(store, account, campaign).await?;
    // An outbound message's `sent_at` is WhatsApp's own time when it echoes
    // it; until then the moment it was queued is the best we know.
    let raw: Vec<Raw> = sqlx::query_as(
        "SELECT c.phone, c.name, i.name, r.state, r.reason, m.status, m.error,
                CASE WHEN m.status IN ('sent', 'delivered', 'read', 'played')
                     THEN coalesce(m.sent_at, r.queued_at) END,
                m.id IS NOT NULL AND EXISTS (
                  SELECT 1 FROM messages reply WHERE reply.account_id = m.account_id
                    AND reply.conversation_id = m.conversation_id AND reply.direction = 'inbound'
                    AND coalesce(reply.sent_at, reply.created_at) >= r.queued_at)
         FROM campaign_recipients r
         JOIN contacts c ON c.account_id = r.account_id AND c.id = r.contact_id
         LEFT JOIN instances i ON i.account_id = r.account_id AND i.id = r.instance_id
         LEFT JOIN messages m ON m.account_id = r.account_id AND m.id = r.message_id
         WHERE r.account_id = ? AND r.campaign_id = ? ORDER BY r.position",
    )
    .bind(account)
    .bind(campaign)
    .fetch_all(store.pool())
    .await?;
    Ok(raw
        .into_iter()
        .map(
            |(phone, name, number, state, reason, status, error, sent_at, replied)| {
                let state = RecipientState::of(&state, status.as_deref(), replied);
                RecipientRow {
                    phone,
                    name,
                    number,
                    reason: match state {
                        RecipientState::Skipped => reason,
                        RecipientState::Failed => error,
                        _ => None,
                    },
                    state,
                    sent_at,
                }
            },
        )
        .collect())
}

/// The recipients as CSV bytes; times on the campaign's clock (its pacing's
/// offset from UTC), as `YYYY-MM-DD HH:MM`.
pub async fn csv(
    store: &Store,
    account: AccountId,
    campaign: CampaignId,
    lang: Lang,
) -> Result<Vec<u8>, CampaignError> {
    let offset_ms = i64::from(
        get(store, account, campaign)
            .await?
            .pacing
            .utc_offset_minutes,
    ) * 60_000;
    let delimiter = match lang {
        Lang::PtBr => b';',
        Lang::En => b',',
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = match lang {
        Lang::PtBr => [
            "telefone",
            "nome",
            "número que envia",
            "estado",
            "motivo",
            "enviada em",
        ],
        Lang::En => [
            "phone",
            "name",
            "sending number",
            "state",
            "reason",
            "sent at",
        ],
    };
    out.write_record(header).map_err(in_memory)?;
    for row in rows(store, account, campaign).await? {
        let reason = reason_text(row.reason.as_deref(), lang);
        let sent_at = row
            .sent_at
            .map(|at| local_time(at + offset_ms))
            .unwrap_or_default();
        // Names and WhatsApp's reasons are not ours: neutralised (csv_safe).
        out.write_record(crate::csv_safe::record([
            row.phone.as_str(),
            row.name.as_deref().unwrap_or(""),
            row.number.as_deref().unwrap_or(""),
            row.state.label(lang),
            &reason,
            &sent_at,
        ]))
        .map_err(in_memory)?;
    }
    out.into_inner().map_err(|e| in_memory(e.into_error()))
}

/// The sender's reason codes in words; anything else (WhatsApp's) as is.
pub(crate) fn reason_text(reason: Option<&str>, lang: Lang) -> String {
    match reason {
        None => String::new(),
        Some("invalid_phone") => lang.pick("telefone inválido", "invalid phone").to_owned(),
        Some("opted_out") => lang
            .pick(
                "pediu para sair durante a campanha",
                "opted out during the campaign",
            )
            .to_owned(),
        Some("not_on_whatsapp") => lang
            .pick("número sem WhatsApp", "number has no WhatsApp")
            .to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// `2026-11-30 10:05` for a time already shifted to the local clock.
fn local_time(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{} {:02}:{:02}", iso_date(ms), minutes / 60, minutes % 60)
}

/// Writing CSV into memory fails only if the csv crate breaks its contract.
fn in_memory(e: impl std::fmt::Display) -> CampaignError {
    CampaignError::Database(sqlx::Error::Protocol(format!("CSV writer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_read_as_dates_and_minutes() {
        // 1_796_007_600_000 is 2026-11-30 03:00 UTC.
        assert_eq!(
            local_time(1_796_007_600_000 + 13 * 3_600_000 + 5 * 60_000),
            "2026-11-30 16:05"
        );
    }

    #[test]
    fn a_failure_outranks_a_reply_and_a_reply_outranks_a_read() {
        assert_eq!(
            RecipientState::of("queued", Some("failed"), true),
            RecipientState::Failed
        );
        assert_eq!(
            RecipientState::of("queued", Some("read"), true),
            RecipientState::Replied
        );
        assert_eq!(
            RecipientState::of("queued", Some("sending"), false),
            RecipientState::Queued
        );
        assert_eq!(
            RecipientState::of("cancelled", None, false),
            RecipientState::Cancelled
        );
    }
}
