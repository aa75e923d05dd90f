//! Text rules shared by names of accounts, contacts and the rest.

/// Folds text for search: lower case, without the accents Portuguese uses, so
/// that `joao` finds `João` and `acao` finds `Ação`. Public because the sync
/// engine derives `contacts.name_folded` for pulled rows with the same function.
pub fn fold(s: &str) -> String {
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

/// A regular expression folded as the text it searches is (lower case, no
/// accents: `promoção` finds `PROMOCAO`), except the character after a
/// backslash, whose case is its meaning (`\D` is not `\d`, `\S` not `\s`).
pub fn fold_pattern(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut escaped = false;
    for c in raw.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            out.push(c);
            escaped = true;
        } else {
            out.push_str(&fold(c.encode_utf8(&mut [0; 4])));
        }
    }
    out
}

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameProblem {
    Empty,
    TooLong,
}

/// Trims a name and checks it is neither empty nor longer than `max` characters.
/// Inner runs of white space are collapsed, so "Ana   Paula" and "Ana Paula" are one name.
pub(crate) fn clean_name(raw: &str, max: usize) -> Result<String, NameProblem> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(NameProblem::Empty)
    } else if name.chars().count() > max {
        Err(NameProblem::TooLong)
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_case_and_accents() {
        assert_eq!(fold("Ação São JOÃO"), "acao sao joao");
    }

    #[test]
    fn clean_name_trims_collapses_and_limits() {
        assert_eq!(clean_name("  Ana   Paula ", 10), Ok("Ana Paula".into()));
        assert_eq!(clean_name(" \t ", 10), Err(NameProblem::Empty));
        assert_eq!(clean_name("ééééé", 5), Ok("ééééé".into()));
        assert_eq!(clean_name("ééééé", 4), Err(NameProblem::TooLong));
    }
}
