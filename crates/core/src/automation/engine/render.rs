//! Texts a flow sends or calls with: the campaign editor's variables and
//! spintax (`campaigns::template`), the values of a contact's variables as
//! the campaign sender writes them, and `{{ultima_resposta}}`.
//!
//! Messages go through the campaign [`Template`] (variables and spintax). An
//! HTTP node's URL, headers and body get variables only: a JSON body is full
//! of braces that spintax would eat, and each value is escaped for where it
//! lands (JSON string, URL, header line).
//!
//! A flow is checked at publish (`flow_check`), but a field can be deleted
//! after that: a variable the account no longer has renders as its fallback
//! (empty without one) instead of sending `{{plano}}` to a customer.

use std::collections::{BTreeMap, HashMap};

use super::{Contact, FLOW_VARIABLES};
use crate::campaigns::sender;
use crate::campaigns::template::{BUILT_IN, Template, TemplateError};
use crate::fields::CustomField;

/// The values of every variable a flow's texts may use, written for reading.
pub(crate) fn values(
    contact: &Contact,
    fields: &[CustomField],
    vars: &BTreeMap<String, String>,
) -> HashMap<String, String> {
    let stored: Vec<(crate::ids::FieldId, String)> = fields
        .iter()
        .filter_map(|f| contact.fields.get(&f.key).map(|v| (f.id, v.clone())))
        .collect();
    let mut out = sender::variables(&contact.phone, contact.name.as_deref(), &stored, fields);
    for key in FLOW_VARIABLES {
        out.insert(key.to_owned(), vars.get(key).cloned().unwrap_or_default());
    }
    out
}

/// The same variables for an outside system (an HTTP node's URL, headers
/// and body): custom fields in their canonical form (`1234.5`,
/// `2024-12-31`, `true`), which an API reads, where a person reads
/// `1.234,5`, `31/12/2024`, `sim`.
pub(crate) fn machine_values(
    contact: &Contact,
    fields: &[CustomField],
    vars: &BTreeMap<String, String>,
) -> HashMap<String, String> {
    let mut out = sender::variables(&contact.phone, contact.name.as_deref(), &[], fields);
    for field in fields {
        if let Some(value) = contact.fields.get(&field.key) {
            out.insert(field.key.clone(), value.clone());
        }
    }
    for key in FLOW_VARIABLES {
        out.insert(key.to_owned(), vars.get(key).cloned().unwrap_or_default());
    }
    out
}

/// The variable names a flow's texts may use besides the built-in ones.
pub(crate) fn keys(fields: &[CustomField]) -> Vec<&str> {
    fields
        .iter()
        .map(|f| f.key.as_str())
        .chain(FLOW_VARIABLES)
        .collect()
}

/// A message: variables filled, spintax chosen by `seed`. Empty when the
/// text is empty; the text as written when its braces do not balance (a
/// published flow never has that: `flow_check` refuses it).
pub(crate) fn render(
    text: &str,
    values: &HashMap<String, String>,
    keys: &[&str],
    seed: u64,
) -> String {
    let mut extra: Vec<String> = Vec::new();
    // Each round learns one variable the account no longer has; a text has
    // few variables, but the bound keeps a strange one from looping long.
    for _ in 0..32 {
        let known: Vec<&str> = keys
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .collect();
        match Template::parse(text, &known) {
            Ok(template) => return template.render(values, seed).trim().to_owned(),
            Err(TemplateError::UnknownVariable(key)) => extra.push(key),
            Err(TemplateError::Empty) => return String::new(),
            Err(_) => return text.trim().to_owned(),
        }
    }
    text.trim().to_owned()
}

/// Variables only, no spintax: `{{key}}` and `{{key|fallback}}`, each value
/// passed through `escape` (the fallback is the author's, written as it
/// must appear). An unclosed `{{` is left as written.
pub(crate) fn fill(
    text: &str,
    values: &HashMap<String, String>,
    escape: fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(len) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let inner = &rest[open + 2..open + 2 + len];
        let (key, fallback) = inner.split_once('|').unwrap_or((inner, ""));
        match values.get(&key.trim().to_lowercase()).map(|v| v.trim()) {
            Some(v) if !v.is_empty() => out.push_str(&escape(v)),
            _ => out.push_str(fallback.trim()),
        }
        rest = &rest[open + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

/// For a value inside a JSON string: what goes between the quotes.
pub(crate) fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// For a value inside a URL: everything but RFC 3986's unreserved
/// characters percent-encoded, so `Ana Paula & filhos` stays one value.
pub(crate) fn url_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// For a header's value: one line (a value with a line break would start
/// another header).
pub(crate) fn header_escape(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

/// FNV-1a over the parts: stable across builds, platforms and desktops
/// (std's hashers promise none of that), so a contact's randomizer branch
/// and a turn's spintax are the same wherever the session is stepped.
pub(crate) fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A spintax seed for one text of one node in one turn.
pub(crate) fn seed_for(turn_seed: u64, node: &str, text: u8) -> u64 {
    stable_hash(&[&turn_seed.to_le_bytes(), node.as_bytes(), &[text]])
}

/// At most `max` characters, cut at the last space before the limit when
/// there is one in the second half (a word is not cut in two), without
/// trailing spaces or a dangling comma.
pub(crate) fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let hard: String = text.chars().take(max).collect();
    // Where the next character starts a word, the hard cut is a word's end.
    let next_is_space = text.chars().nth(max).is_some_and(char::is_whitespace);
    let soft = if next_is_space {
        hard.as_str()
    } else {
        match hard.rfind(char::is_whitespace) {
            Some(at) if hard[..at].chars().count() >= max / 2 => &hard[..at],
            _ => hard.as_str(),
        }
    };
    soft.trim_end()
        .trim_end_matches([',', ';', ':', '-'])
        .trim_end()
        .to_owned()
}

/// A problem in a text, for `flow_check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextIssue {
    UnknownVariable(String),
    /// `{{` without `}}`, at this character.
    Unclosed(usize),
    /// A spintax brace that does not balance, at this character.
    Unbalanced(usize),
}

/// Every unknown variable of a message (variables and spintax), or its first
/// brace problem. An empty text has none (emptiness is checked apart).
pub(crate) fn text_issues(text: &str, fields: &[&str]) -> Vec<TextIssue> {
    let mut known: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    known.extend(FLOW_VARIABLES.map(str::to_owned));
    let mut out = Vec::new();
    loop {
        let list: Vec<&str> = known.iter().map(String::as_str).collect();
        match Template::parse(text, &list) {
            Ok(_) | Err(TemplateError::Empty) => return out,
            Err(TemplateError::UnknownVariable(key)) => {
                known.push(key.clone());
                out.push(TextIssue::UnknownVariable(key));
            }
            Err(TemplateError::UnclosedVariable(at)) => {
                out.push(TextIssue::Unclosed(at));
                return out;
            }
            Err(TemplateError::UnbalancedBrace(at)) => {
                out.push(TextIssue::Unbalanced(at));
                return out;
            }
        }
    }
}

/// Every unknown variable of a text that takes variables only (an HTTP
/// node's URL, headers and body), and an unclosed `{{`.
pub(crate) fn variable_issues(text: &str, fields: &[&str]) -> Vec<TextIssue> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("{{").map(|i| at + i) {
        let Some(len) = text[open + 2..].find("}}") else {
            out.push(TextIssue::Unclosed(text[..open].chars().count()));
            break;
        };
        let inner = &text[open + 2..open + 2 + len];
        let key = inner.split_once('|').map_or(inner, |(k, _)| k);
        let key = key.trim().to_lowercase();
        let known = BUILT_IN.contains(&key.as_str())
            || FLOW_VARIABLES.contains(&key.as_str())
            || fields.contains(&key.as_str());
        if !known && !out.contains(&TextIssue::UnknownVariable(key.clone())) {
            out.push(TextIssue::UnknownVariable(key));
        }
        at = open + 2 + len + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_field_deleted_after_publishing_renders_as_its_fallback() {
        let v = vals(&[("nome", "Ana")]);
        assert_eq!(
            render("Oi {{nome}}, plano {{plano|básico}}.", &v, &[], 1),
            "Oi Ana, plano básico."
        );
        assert_eq!(render("  ", &v, &[], 1), "");
        assert_eq!(render("Oi } tchau", &v, &[], 1), "Oi } tchau");
    }

    #[test]
    fn values_are_escaped_for_where_they_land() {
        let v = vals(&[
            ("nome", "Ana \"Bia\"\nSilva"),
            ("cidade", "São Paulo & região"),
        ]);
        assert_eq!(
            fill(r#"{"n": "{{nome}}", "x": {"y": 1}}"#, &v, json_escape),
            r#"{"n": "Ana \"Bia\"\nSilva", "x": {"y": 1}}"#
        );
        assert_eq!(
            fill("https://x.com/?c={{cidade}}&p={{plano|0}}", &v, url_escape),
            "https://x.com/?c=S%C3%A3o%20Paulo%20%26%20regi%C3%A3o&p=0"
        );
        assert_eq!(
            fill("Bearer {{nome}}", &v, header_escape),
            "Bearer Ana \"Bia\" Silva"
        );
        assert_eq!(fill("aberto {{nome", &v, json_escape), "aberto {{nome");
    }

    #[test]
    fn cuts_at_a_word_boundary() {
        assert_eq!(cut("Olá, tudo bem com você?", 12), "Olá, tudo");
        assert_eq!(cut("Olá, tudo bem", 13), "Olá, tudo bem");
        assert_eq!(cut("Olá, tudo bem", 4), "Olá");
        assert_eq!(cut("Supercalifragilístico", 5), "Super");
        assert_eq!(cut("ab cd", 2), "ab");
        assert_eq!(cut("abc", 0), "");
    }

    #[test]
    fn the_stable_hash_does_not_change_between_builds() {
        // Pinned (FNV-1a 64 of "a" and the 0xff separator, computed apart):
        // a change here moves every contact's randomizer branch.
        assert_eq!(stable_hash(&[b"a"]), 0x089b_c907_b544_c769);
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
    }

    #[test]
    fn issues_list_every_unknown_variable_and_the_first_brace_problem() {
        assert_eq!(
            text_issues("{{a}} {{plano}} {{b}} {{ultima_resposta}}", &["plano"]),
            vec![
                TextIssue::UnknownVariable("a".into()),
                TextIssue::UnknownVariable("b".into())
            ]
        );
        assert_eq!(text_issues("{Oi|Olá", &[]), vec![TextIssue::Unbalanced(0)]);
        assert_eq!(text_issues("Oi {{nome", &[]), vec![TextIssue::Unclosed(3)]);
        assert_eq!(
            variable_issues(r#"{"a": "{{x}}", "b": "{{x}}", "c": "{{nome}}"} {{y"#, &[]),
            vec![
                TextIssue::UnknownVariable("x".into()),
                TextIssue::Unclosed(46)
            ]
        );
    }
}
