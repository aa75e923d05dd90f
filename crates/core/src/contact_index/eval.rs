//! A filter's count over one account's index. Every test here answers as
//! the SQL of `crate::filter` does, SQLite's rules included: `LIKE` and
//! `COLLATE NOCASE` ignore the case of ASCII letters only, text compares by
//! bytes, a missing number passes no comparison.

use std::collections::HashMap;

use super::bits::Bits;
use crate::filter::{ContactFilter, FieldTest, ValueTest};
use crate::ids::{FieldId, TagId};
use crate::phone;
use crate::text::fold;

/// One account's contacts at positions `0..len`.
#[derive(Debug)]
pub(crate) struct ContactIndex {
    pub(super) generation: i64,
    pub(super) len: usize,
    /// `name_folded` with ASCII letters in lower case (`LIKE` ignores their case).
    pub(super) names: Vec<Box<str>>,
    pub(super) phones: Vec<Box<str>>,
    pub(super) created: Vec<i64>,
    pub(super) opted_out: Bits,
    pub(super) tags: HashMap<TagId, Bits>,
    pub(super) fields: HashMap<FieldId, Vec<FieldValue>>,
}

#[derive(Debug)]
pub(crate) struct FieldValue {
    pub(super) at: u32,
    pub(super) value: Box<str>,
    pub(super) num: Option<f64>,
}

/// The search box's condition, as `filter::push_from_where` writes it.
struct Search {
    /// `name_folded LIKE '%…%'`, lower-cased for the comparison.
    name: String,
    /// `phone LIKE '%…%'` when the search has digits.
    digits: Option<String>,
    /// `phone = …` when the search reads as a phone.
    e164: Option<String>,
}

impl Search {
    fn of(filter: &ContactFilter) -> Option<Search> {
        let search = filter.search.as_deref().map(str::trim).unwrap_or("");
        if search.is_empty() {
            return None;
        }
        let digits = phone::digits(search);
        Some(Search {
            name: fold(search).to_ascii_lowercase(),
            digits: (!digits.is_empty()).then_some(digits),
            e164: phone::normalize(search).ok(),
        })
    }

    fn matches(&self, name: &str, phone: &str) -> bool {
        name.contains(self.name.as_str())
            || self
                .digits
                .as_deref()
                .is_some_and(|d| contains_ignoring_ascii_case(phone, d))
            || self.e164.as_deref() == Some(phone)
    }
}

impl ContactIndex {
    pub(super) fn generation(&self) -> i64 {
        self.generation
    }

    /// How many contacts match: set operations for tags, opt-out and
    /// fields, then one pass over what is left for search and dates.
    pub(crate) fn count(&self, filter: &ContactFilter, tests: &[FieldTest]) -> usize {
        let empty = Bits::empty(self.len);
        let mut set = Bits::full(self.len);
        for tag in &filter.tags_all {
            set.and(self.tags.get(tag).unwrap_or(&empty));
        }
        if !filter.tags_any.is_empty() {
            let mut any = Bits::empty(self.len);
            for tag in &filter.tags_any {
                if let Some(bits) = self.tags.get(tag) {
                    any.or(bits);
                }
            }
            set.and(&any);
        }
        for tag in &filter.tags_none {
            if let Some(bits) = self.tags.get(tag) {
                set.and_not(bits);
            }
        }
        match filter.opted_out {
            Some(true) => set.and(&self.opted_out),
            Some(false) => set.and_not(&self.opted_out),
            None => {}
        }
        for test in tests {
            let passing = self.passing(test);
            if test.negate {
                set.and_not(&passing);
            } else {
                set.and(&passing);
            }
        }
        let search = Search::of(filter);
        let (after, before) = (filter.created_after, filter.created_before);
        if search.is_none() && after.is_none() && before.is_none() {
            return set.count();
        }
        set.ones()
            .filter(|&at| {
                let created = self.created[at];
                after.is_none_or(|t| created >= t)
                    && before.is_none_or(|t| created < t)
                    && search
                        .as_ref()
                        .is_none_or(|s| s.matches(&self.names[at], &self.phones[at]))
            })
            .count()
    }

    /// The contacts with a value of the test's field that passes its test.
    fn passing(&self, test: &FieldTest) -> Bits {
        let mut bits = Bits::empty(self.len);
        if let Some(values) = self.fields.get(&test.field) {
            for value in values {
                if passes(value, test.test.as_ref()) {
                    bits.insert(value.at as usize);
                }
            }
        }
        bits
    }

    /// Heap bytes held (roughly: the maps' own tables are left out).
    pub(super) fn bytes(&self) -> usize {
        let text = |v: &Vec<Box<str>>| v.iter().map(|s| s.len() + 16).sum::<usize>();
        text(&self.names)
            + text(&self.phones)
            + self.created.len() * 8
            + self.opted_out.bytes()
            + self.tags.values().map(|b| b.bytes() + 16).sum::<usize>()
            + self
                .fields
                .values()
                .flatten()
                .map(|v| v.value.len() + 40)
                .sum::<usize>()
    }
}

fn passes(value: &FieldValue, test: Option<&ValueTest>) -> bool {
    let Some(test) = test else {
        return true;
    };
    match test {
        ValueTest::EqualNoCase(x) => value.value.eq_ignore_ascii_case(x),
        ValueTest::Equal(x) => *value.value == **x,
        ValueTest::Contains(x) => contains_ignoring_ascii_case(&value.value, x),
        ValueTest::NumGreater(x) => matches!((value.num, x), (Some(a), Some(b)) if a > *b),
        ValueTest::NumLess(x) => matches!((value.num, x), (Some(a), Some(b)) if a < *b),
        ValueTest::TextGreater(x) => *value.value > **x,
        ValueTest::TextLess(x) => *value.value < **x,
    }
}

/// `text LIKE '%needle%'` with the needle's wildcards escaped: SQLite folds
/// only ASCII letters. Comparing bytes is safe for UTF-8: a window can only
/// match at a character boundary because the needle starts at one.
pub(super) fn contains_ignoring_ascii_case(text: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return true;
    }
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::contains_ignoring_ascii_case;

    #[test]
    fn like_folds_ascii_letters_only() {
        assert!(contains_ignoring_ascii_case("Cliente OURO", "ouro"));
        assert!(contains_ignoring_ascii_case("abc", ""));
        assert!(!contains_ignoring_ascii_case("ÁGUA", "água"));
        assert!(contains_ignoring_ascii_case("São Paulo", "sãO"));
        assert!(!contains_ignoring_ascii_case("São Paulo", "SÃO"));
        assert!(!contains_ignoring_ascii_case("ab", "abc"));
    }
}
