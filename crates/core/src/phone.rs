//! Phone numbers, always stored in E.164 (`+5511987654321`). Parsing uses the
//! `phonenumber` crate (Google's libphonenumber metadata) with Brazil as the
//! region for numbers written without a country code, plus what Brazilian
//! spreadsheets and people write that the metadata alone does not accept:
//!
//! - mobiles written without the ninth digit (`(11) 8765-4321`, the format
//!   before 2016): a 9 is added when the first of the eight digits is 6–9;
//! - `00` + country code without a carrier code (`00 1 202 555 0143`): read
//!   as an international number;
//! - the trunk `0`, `0xx` and carrier codes (`0 15 11 …`) are the library's.
//!
//! Numbers WhatsApp cannot have (toll-free 0800, shared-cost 4004, premium
//! rate, emergency) are refused.

use phonenumber::PhoneNumber;
use phonenumber::country::Id as Country;
use phonenumber::metadata::DATABASE;

/// The phone could not be read as a valid number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid phone number: {0:?}")]
pub struct InvalidPhone(pub String);

fn parse_valid(text: &str) -> Option<PhoneNumber> {
    let number = phonenumber::parse(Some(Country::BR), text).ok()?;
    phonenumber::is_valid(&number).then_some(number)
}

/// A Brazilian number of DDD + 8 digits that would be a mobile with the
/// ninth digit (first digit 6–9): the same number, written since 2016.
fn with_ninth_digit(number: &PhoneNumber) -> Option<PhoneNumber> {
    if number.code().value() != 55 {
        return None;
    }
    let national = number.national().value().to_string();
    let (ddd, local) = national.split_at_checked(2)?;
    if local.len() != 8 || !matches!(local.as_bytes()[0], b'6'..=b'9') {
        return None;
    }
    parse_valid(&format!("+55{ddd}9{local}"))
}

/// Normalises a phone number written by a person to E.164. Numbers without a
/// country code are read as Brazilian.
pub fn normalize(raw: &str) -> Result<String, InvalidPhone> {
    let trimmed = raw.trim();
    let invalid = || InvalidPhone(trimmed.to_owned());
    // The crate accepts letters ("vanity numbers"); a contact's phone never has any.
    if trimmed.is_empty()
        || trimmed.chars().any(char::is_alphabetic) && !trimmed.to_lowercase().contains("0xx")
    {
        return Err(invalid());
    }
    let digits = digits(trimmed);
    let number = parse_valid(trimmed)
        .or_else(|| {
            phonenumber::parse(Some(Country::BR), trimmed)
                .ok()
                .and_then(|n| with_ninth_digit(&n))
        })
        .or_else(|| {
            digits
                .strip_prefix("00")
                .and_then(|rest| parse_valid(&format!("+{rest}")))
        })
        .ok_or_else(invalid)?;
    use phonenumber::Type;
    match number.number_type(&DATABASE) {
        Type::TollFree
        | Type::PremiumRate
        | Type::SharedCost
        | Type::Uan
        | Type::Voicemail
        | Type::Pager
        | Type::Unknown => Err(invalid()),
        _ => Ok(number.format().mode(phonenumber::Mode::E164).to_string()),
    }
}

/// The phone ZapDesk stores for a number as WhatsApp writes it (its digits,
/// from a chat id). Brazilian mobiles whose WhatsApp account predates the
/// ninth digit are still addressed by the old 8-digit id (`551187654321`):
/// they get the 9 that `normalize` gives the same number typed by a person,
/// so both land on one contact. Anything else stays as WhatsApp wrote it —
/// WhatsApp knows numbers that libphonenumber's metadata does not.
pub fn from_whatsapp(digits_only: &str) -> String {
    let all = digits(digits_only);
    if let Some(national) = all.strip_prefix("55")
        && national.len() == 10
        && matches!(national.as_bytes()[2], b'6'..=b'9')
    {
        return format!("+55{}9{}", &national[..2], &national[2..]);
    }
    format!("+{all}")
}

/// The digits of a search query, for matching against stored phones.
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_old_ids_become_the_phone_a_person_types() {
        for (wa, stored) in [
            ("551187654321", "+5511987654321"),
            ("5511987654321", "+5511987654321"),
            ("556181234567", "+5561981234567"),
            // Landlines have eight digits and keep them.
            ("551134567890", "+551134567890"),
            ("12025550143", "+12025550143"),
        ] {
            assert_eq!(from_whatsapp(wa), stored, "{wa}");
            if stored.starts_with("+55") {
                assert_eq!(normalize(&format!("+{wa}")).as_deref(), Ok(stored), "{wa}");
            }
        }
    }

    /// Messy numbers as they arrive from people and spreadsheets, and what
    /// they must become (`None`: refused).
    const TABLE: &[(&str, Option<&str>)] = &[
        // Brazilian mobiles in every common spelling.
        ("+55 11 98765-4321", Some("+5511987654321")),
        ("+55 (11) 98765-4321", Some("+5511987654321")),
        ("55 11 98765 4321", Some("+5511987654321")),
        ("5511987654321", Some("+5511987654321")),
        ("11987654321", Some("+5511987654321")),
        ("(11) 98765-4321", Some("+5511987654321")),
        ("(11)98765-4321", Some("+5511987654321")),
        ("11 9 8765-4321", Some("+5511987654321")),
        ("+55.11.98765.4321", Some("+5511987654321")),
        ("  +55 11 98765-4321  ", Some("+5511987654321")),
        ("011 98765-4321", Some("+5511987654321")),
        ("0xx11 98765-4321", Some("+5511987654321")),
        ("0 15 11 98765-4321", Some("+5511987654321")),
        ("015 11 98765 4321", Some("+5511987654321")),
        ("0 21 11 98765-4321", Some("+5511987654321")),
        ("21 92345-6789", Some("+5521923456789")),
        ("(85) 99988-7766", Some("+5585999887766")),
        ("+55 61 99123-4567", Some("+5561991234567")),
        // Without the ninth digit (before 2016): the 9 is added.
        ("(11) 8765-4321", Some("+5511987654321")),
        ("+55 61 8123-4567", Some("+5561981234567")),
        ("55 21 8765-4321", Some("+5521987654321")),
        ("(31) 9876-5432", Some("+5531998765432")),
        // Landlines stay as they are (WhatsApp Business runs on landlines too).
        ("11 3456-7890", Some("+551134567890")),
        ("+55 (21) 2345-6789", Some("+552123456789")),
        ("0 21 11 3456-7890", Some("+551134567890")),
        ("(51) 3333-4444", Some("+555133334444")),
        // Other countries.
        ("+1 (202) 555-0143", Some("+12025550143")),
        ("0021 1 202 555 0143", Some("+12025550143")),
        ("00 1 202 555 0143", Some("+12025550143")),
        ("+351 912 345 678", Some("+351912345678")),
        ("00351 912 345 678", Some("+351912345678")),
        ("+44 7911 123456", Some("+447911123456")),
        ("+54 9 11 2345-6789", Some("+5491123456789")),
        ("+34 612 34 56 78", Some("+34612345678")),
        // Not a number WhatsApp can have, or not a number at all.
        ("0800 123 4567", None),
        ("4004-0000", None),
        ("190", None),
        ("9 8765-4321", None),
        ("+55 00 98765-4321", None),
        ("12345", None),
        ("", None),
        ("   ", None),
        ("abc", None),
        ("11 9876-ABCD", None),
        ("+55 11 9876", None),
    ];

    #[test]
    fn messy_brazilian_and_foreign_numbers() {
        assert!(TABLE.len() >= 40);
        let mut wrong = Vec::new();
        for (raw, expected) in TABLE {
            let got = normalize(raw).ok();
            if got.as_deref() != *expected {
                wrong.push(format!("{raw:?}: got {got:?}, expected {expected:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
