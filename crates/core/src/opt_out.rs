//! Opt-out: a contact who writes SAIR, PARAR, CANCELAR, DESCADASTRAR or STOP
//! (any case, with or without accents or punctuation, and nothing else) no
//! longer receives campaigns, and gets one short confirmation. An operator
//! sees it on the contact and can reverse it.

use crate::text::fold;
use crate::time::now_ms;
use crate::{AccountId, ContactId, Store};

/// The words that mean "stop writing to me", folded.
const WORDS: &[&str] = &["sair", "parar", "cancelar", "descadastrar", "stop"];

/// What the contact receives when they opt out.
pub const CONFIRMATION: &str =
    "Pronto! Você não receberá mais mensagens nossas por aqui. Se foi engano, é só nos escrever.";

/// Whether a message is an opt-out request: only the word itself, so "não
/// quero sair" or "como cancelar o pedido?" are conversations, not opt-outs.
pub fn is_request(text: &str) -> bool {
    let word = fold(text.trim().trim_matches(|c: char| !c.is_alphanumeric()));
    WORDS.contains(&word.as_str())
}

/// Marks a contact opted out (`true`) or back in (`false`); returns whether it changed.
pub async fn set(
    store: &Store,
    account: AccountId,
    contact: ContactId,
    opted_out: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE contacts SET opted_out_at = CASE WHEN ? THEN ? ELSE NULL END, updated_at = ?
         WHERE account_id = ? AND id = ? AND (opted_out_at IS NULL) = ?",
    )
    .bind(opted_out)
    .bind(now_ms())
    .bind(now_ms())
    .bind(account)
    .bind(contact)
    .bind(opted_out)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::is_request;

    #[test]
    fn the_words_alone_in_any_case_with_or_without_accents() {
        for yes in [
            "SAIR",
            "sair",
            "Sair.",
            " parar! ",
            "CANCELAR",
            "cancelár",
            "Descadastrar",
            "STOP",
            "stop 🙏",
            "PÁRAR",
        ] {
            assert!(is_request(yes), "{yes}");
        }
        for no in [
            "não quero sair",
            "como cancelar o pedido?",
            "sairei amanhã",
            "stopped",
            "",
            "olá",
        ] {
            assert!(!is_request(no), "{no}");
        }
    }
}
