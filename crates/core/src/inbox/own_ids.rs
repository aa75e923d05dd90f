//! The WhatsApp id ZapDesk gives a message it sends, derived from the row, so
//! that (1) a resend after a crash carries the same id and the bridge can ask
//! WhatsApp whether it already went out, and (2) when WhatsApp Web reports
//! our own message back as a new `from_me` message (it does, for every send,
//! sometimes before the send call returns), ingest recognises the row it
//! came from instead of storing a second copy.
//!
//! Same shape as WhatsApp Web's own ids: `true_<chat>_3EB0<16 hex>`, the hex
//! being the last 8 bytes of the row's UUID (its random bits).

use crate::MessageId;

const MARK: &str = "_3EB0";

/// The id the message `row` is sent under in `chat` (`5511…@c.us`).
pub fn outgoing(chat: &str, row: MessageId) -> String {
    let hex = row.as_uuid().simple().to_string().to_uppercase();
    format!("true_{chat}{MARK}{}", &hex[hex.len() - 16..])
}

/// The last 8 bytes of the row a `from_me` id of ours was derived from, or
/// `None` for an id WhatsApp (or the phone) chose.
pub(crate) fn row_suffix(wa_id: &str) -> Option<[u8; 8]> {
    let rest = wa_id.strip_prefix("true_")?;
    let (_, hex) = rest.rsplit_once(MARK)?;
    if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 8];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_of_ours_leads_back_to_its_row() {
        let row = MessageId::new();
        let id = outgoing("5511987654321@c.us", row);
        assert!(id.starts_with("true_5511987654321@c.us_3EB0"));
        let suffix = row_suffix(&id).unwrap();
        assert_eq!(suffix, row.as_uuid().as_bytes()[8..]);
        // WhatsApp's own ids (from the phone, or another client) are not ours.
        assert_eq!(row_suffix("true_5511987654321@c.us_3EB0ABCDEF"), None);
        assert_eq!(
            row_suffix("false_5511987654321@c.us_3EB0A1B2C3D4E5F6A7B8"),
            None
        );
        assert_eq!(
            row_suffix("true_5511987654321@c.us_ABCDEF0123456789ABCD"),
            None
        );
    }
}
