//! The folded form of a contact's name (lower case without accents) that the
//! local store keeps for search (`contacts.name_folded`). It is derived, so
//! the server does not hold it and a pulled contact gets it here. The core's
//! own `text::fold` is private to it; this must stay the same function
//! (`tests/engine.rs` checks a pulled contact is found by an accentless search).

pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}
