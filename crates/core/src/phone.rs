//! Phone numbers, always stored in E.164 (`+5511987654321`). Parsing uses the
//! `phonenumber` crate (Google's libphonenumber metadata) with Brazil as the
//! region for numbers written without a country code.

use phonenumber::country::Id as Country;

/// The phone could not be read as a valid number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid phone number: {0:?}")]
pub struct InvalidPhone(pub String);

/// Normalises a phone number written by a person to E.164. Numbers without a
/// country code are read as Brazilian.
pub fn normalize(raw: &str) -> Result<String, InvalidPhone> {
    let trimmed = raw.trim();
    let invalid = || InvalidPhone(trimmed.to_owned());
    // The crate accepts letters ("vanity numbers"); a contact's phone never has any.
    if trimmed.is_empty() || trimmed.chars().any(char::is_alphabetic) {
        return Err(invalid());
    }
    let number = phonenumber::parse(Some(Country::BR), trimmed).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// The digits of a search query, for matching against stored phones.
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brazilian_numbers_in_common_shapes() {
        for raw in [
            "+55 11 98765-4321",
            "(11) 98765-4321",
            "11987654321",
            "55 11 98765 4321",
            "+55.11.98765.4321",
        ] {
            assert_eq!(normalize(raw).as_deref(), Ok("+5511987654321"), "{raw}");
        }
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        assert_eq!(normalize("+1 202-555-0143").as_deref(), Ok("+12025550143"));
    }

    #[test]
    fn garbage_is_refused() {
        for raw in ["", "   ", "abc", "123", "+55 11 9876", "11 9876-ABCD"] {
            assert!(normalize(raw).is_err(), "{raw}");
        }
    }
}
