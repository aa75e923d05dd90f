//! CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that
//! begins with `=`, `+`, `-` or `@` as a formula (tab and carriage return
//! too, in some), and names, tags and field values in our files come from
//! strangers who wrote to the number. Every CSV the app writes passes each
//! cell through [`neutralise`], and the importer undoes it with [`restore`],
//! so a file we exported imports back to the same values.
//!
//! The decision on phones and numbers: a cell that is only a signed number
//! (`+5511987654321` from the phone normaliser, `-12,5` from a number field)
//! is written as is. It cannot be a formula (a spreadsheet reads it as a
//! number, and `+55…` stays dialable), while `-1+2` or `+55 11…` are not
//! pure numbers and are neutralised. No column is trusted by its name, so a
//! phone that somehow is not E.164 is still made safe.

use std::borrow::Cow;

/// First characters a spreadsheet may read as the start of a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written to a CSV file: prefixed with `'` when a spreadsheet
/// could run it. A cell that already starts with `'` before a trigger
/// (`'=x`, typed by a person) gets one more, so [`restore`] gives it back.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_signed_number(cell) || !after_quotes(cell).starts_with(TRIGGERS) {
        Cow::Borrowed(cell)
    } else {
        Cow::Owned(format!("'{cell}"))
    }
}

/// A cell read from a CSV file with the `'` [`neutralise`] added removed:
/// only a leading `'` before a trigger (after any further `'`), so a name
/// like `'Tonho` stays as it is. Excel users type that `'` themselves to keep
/// `+55…` as text, so their files read as they mean too.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if after_quotes(rest).starts_with(TRIGGERS) => rest,
        _ => cell,
    }
}

/// A whole record, each cell through [`neutralise`], for `csv::Writer::write_record`.
/// (Owned strings: the writer wants `AsRef<[u8]>`, which `Cow<str>` is not.)
pub fn record<'a>(cells: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| neutralise(c).into_owned())
        .collect()
}

fn after_quotes(cell: &str) -> &str {
    cell.trim_start_matches('\'')
}

/// `+5511987654321`, `-12,5`, `1234.5`: an optional sign, digits, at most
/// one decimal mark followed by digits.
fn is_signed_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (int, frac) = match digits.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+55 11 9", "'+55 11 9"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("+5511987654321", "+5511987654321"),
            ("-12,5", "-12,5"),
            ("1234.5", "1234.5"),
            ("João", "João"),
            ("'Tonho", "'Tonho"),
            ("", ""),
            ("-", "'-"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(&neutralise(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn restore_strips_only_the_quote_before_a_trigger() {
        assert_eq!(restore("'+5511987654321"), "+5511987654321");
        assert_eq!(restore("'Tonho"), "'Tonho");
        assert_eq!(restore("''=x"), "'=x");
        assert_eq!(restore("'"), "'");
    }
}
