//! The user's language. Labels live in the UI; the texts of errors live beside
//! the errors in this crate so that the desktop app and the CLI say the same thing.

use serde::{Deserialize, Serialize};

/// A language the interface speaks. Portuguese (Brazil) comes first: our users
/// are Brazilian agencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub enum Lang {
    #[default]
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Every language, in the order the language picker lists them.
    pub const ALL: [Lang; 2] = [Lang::PtBr, Lang::En];

    /// The BCP 47 tag, as stored and as sent to the UI.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::PtBr => "pt-BR",
            Lang::En => "en",
        }
    }

    /// Reads a tag such as `pt-BR`, `pt_BR.UTF-8` or `en_US`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower.starts_with("pt") {
            Some(Lang::PtBr)
        } else if lower.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the text for this language.
    pub fn pick<T>(self, pt_br: T, en: T) -> T {
        match self {
            Lang::PtBr => pt_br,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_locale_forms_are_read() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag("pt_BR.UTF-8"), Some(Lang::PtBr));
        assert_eq!(Lang::from_tag("en_US"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
