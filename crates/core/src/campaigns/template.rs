//! A campaign's message: variables (`{{nome}}`, `{{primeiro_nome}}`, custom
//! fields by key, `{{nome|cliente}}` with a fallback for an empty value) and
//! spintax variations (`{Olá|Oi|E aí}`, nestable) so that a broadcast does not
//! send the same bytes a thousand times.
//!
//! Parsing happens once, when the campaign is saved: an unknown variable or an
//! unbalanced brace is refused before anything is queued. Rendering is a pure
//! function of the template, the contact's values and a seed; the sender seeds
//! it from the campaign and the contact, so a message rendered again after a
//! crash is the same message.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::Lang;
use crate::error::{ErrorCode, UserError};

/// The variables every contact has, besides the account's custom fields.
pub const BUILT_IN: [&str; 3] = ["nome", "primeiro_nome", "telefone"];

/// Longest message WhatsApp takes, in characters (after rendering).
pub const MESSAGE_MAX: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var {
        key: String,
        fallback: String,
    },
    /// One of the alternatives, each a sequence of parts.
    Spin(Vec<Vec<Part>>),
}

/// A parsed message, ready to render for each recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("empty message")]
    Empty,
    #[error("unknown variable {0}")]
    UnknownVariable(String),
    #[error("unclosed {{{{ at {0}")]
    UnclosedVariable(usize),
    #[error("unbalanced spintax brace at {0}")]
    UnbalancedBrace(usize),
}

impl UserError for TemplateError {
    fn code(&self) -> ErrorCode {
        match self {
            TemplateError::Empty => ErrorCode::MessageEmpty,
            _ => ErrorCode::TemplateInvalid,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TemplateError::Empty, _) => lang
                .pick(
                    "Escreva a mensagem da campanha.",
                    "Write the campaign's message.",
                )
                .to_owned(),
            (TemplateError::UnknownVariable(v), Lang::PtBr) => format!(
                "A variável {{{{{v}}}}} não existe. Use {}, ou um campo personalizado desta conta.",
                BUILT_IN.map(|b| format!("{{{{{b}}}}}")).join(", ")
            ),
            (TemplateError::UnknownVariable(v), Lang::En) => format!(
                "There is no variable {{{{{v}}}}}. Use {}, or a custom field of this account.",
                BUILT_IN.map(|b| format!("{{{{{b}}}}}")).join(", ")
            ),
            (TemplateError::UnclosedVariable(at), Lang::PtBr) => {
                format!(
                    "Uma variável aberta com {{{{ no caractere {} não é fechada com }}}}.",
                    at + 1
                )
            }
            (TemplateError::UnclosedVariable(at), Lang::En) => {
                format!(
                    "A variable opened with {{{{ at character {} is not closed with }}}}.",
                    at + 1
                )
            }
            (TemplateError::UnbalancedBrace(at), Lang::PtBr) => format!(
                "As chaves das variações ({{Olá|Oi}}) não fecham: confira o caractere {}.",
                at + 1
            ),
            (TemplateError::UnbalancedBrace(at), Lang::En) => format!(
                "The variation braces ({{Hi|Hello}}) do not balance: check character {}.",
                at + 1
            ),
        }
    }
}

impl Template {
    /// Reads a message; `fields` are the account's custom field keys.
    pub fn parse(text: &str, fields: &[&str]) -> Result<Template, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let parts = parse_seq(&chars, &mut at, fields, 0)?;
        if at < chars.len() {
            return Err(TemplateError::UnbalancedBrace(at));
        }
        Ok(Template { parts })
    }

    /// The variable keys the message uses, for a preview's hints.
    pub fn variables(&self) -> Vec<String> {
        fn walk(parts: &[Part], out: &mut Vec<String>) {
            for part in parts {
                match part {
                    Part::Var { key, .. } if !out.contains(key) => out.push(key.clone()),
                    Part::Spin(options) => options.iter().for_each(|o| walk(o, out)),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }

    /// The message for one contact. `values` maps variable keys to the
    /// contact's values (already formatted for reading); `seed` picks the
    /// variations.
    pub fn render(&self, values: &HashMap<String, String>, seed: u64) -> String {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = String::new();
        render_seq(&self.parts, values, &mut rng, &mut out);
        out
    }
}

/// Parses until the end, or until a `|` or `}` that closes the spintax group
/// we are inside (`depth > 0`).
fn parse_seq(
    chars: &[char],
    at: &mut usize,
    fields: &[&str],
    depth: usize,
) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut text = String::new();
    while *at < chars.len() {
        let c = chars[*at];
        if c == '{' && chars.get(*at + 1) == Some(&'{') {
            let start = *at;
            let close = (start + 2..chars.len().saturating_sub(1))
                .find(|&i| chars[i] == '}' && chars[i + 1] == '}')
                .ok_or(TemplateError::UnclosedVariable(start))?;
            let inner: String = chars[start + 2..close].iter().collect();
            let (key, fallback) = match inner.split_once('|') {
                Some((k, f)) => (k.trim().to_lowercase(), f.trim().to_owned()),
                None => (inner.trim().to_lowercase(), String::new()),
            };
            if !BUILT_IN.contains(&key.as_str()) && !fields.contains(&key.as_str()) {
                return Err(TemplateError::UnknownVariable(key));
            }
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Var { key, fallback });
            *at = close + 2;
        } else if c == '{' {
            let start = *at;
            *at += 1;
            let mut options = Vec::new();
            loop {
                options.push(parse_seq(chars, at, fields, depth + 1)?);
                match chars.get(*at) {
                    Some('|') => *at += 1,
                    Some('}') => {
                        *at += 1;
                        break;
                    }
                    _ => return Err(TemplateError::UnbalancedBrace(start)),
                }
            }
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Spin(options));
        } else if depth > 0 && (c == '|' || c == '}') {
            break;
        } else if depth == 0 && c == '}' {
            return Err(TemplateError::UnbalancedBrace(*at));
        } else {
            text.push(c);
            *at += 1;
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

fn render_seq(
    parts: &[Part],
    values: &HashMap<String, String>,
    rng: &mut StdRng,
    out: &mut String,
) {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Var { key, fallback } => match values.get(key).map(|v| v.trim()) {
                Some(v) if !v.is_empty() => out.push_str(v),
                _ => out.push_str(fallback),
            },
            Part::Spin(options) => {
                let pick = rng.random_range(0..options.len());
                render_seq(&options[pick], values, rng, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn variables_fill_in_and_fall_back() {
        let t = Template::parse(
            "Oi {{ primeiro_nome | cliente }}, seu plano {{Plano}} vence dia {{vencimento}}.",
            &["plano", "vencimento"],
        )
        .unwrap();
        assert_eq!(t.variables(), ["primeiro_nome", "plano", "vencimento"]);
        let full = vals(&[
            ("primeiro_nome", "Ana"),
            ("plano", "Ouro"),
            ("vencimento", "10/12/2026"),
        ]);
        assert_eq!(
            t.render(&full, 1),
            "Oi Ana, seu plano Ouro vence dia 10/12/2026."
        );
        let empty = vals(&[("primeiro_nome", "  ")]);
        assert_eq!(t.render(&empty, 1), "Oi cliente, seu plano  vence dia .");
    }

    #[test]
    fn spintax_varies_with_the_seed_and_repeats_with_the_same_seed() {
        let t = Template::parse("{Olá|Oi|E aí} {{nome}}{!|, {tudo bem|como vai}?}", &[]).unwrap();
        let v = vals(&[("nome", "Bia")]);
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200 {
            let text = t.render(&v, seed);
            assert_eq!(text, t.render(&v, seed), "same seed, same text");
            seen.insert(text);
        }
        // 3 greetings × (1 + 2) endings.
        assert_eq!(seen.len(), 9, "{seen:?}");
        assert!(seen.contains("E aí Bia, como vai?"));
        assert!(seen.contains("Oi Bia!"));
    }

    #[test]
    fn bad_templates_are_refused_with_where() {
        assert_eq!(Template::parse("  ", &[]), Err(TemplateError::Empty));
        assert_eq!(
            Template::parse("Oi {{apelido}}", &["plano"]),
            Err(TemplateError::UnknownVariable("apelido".into()))
        );
        assert_eq!(
            Template::parse("Oi {{nome", &[]),
            Err(TemplateError::UnclosedVariable(3))
        );
        assert_eq!(
            Template::parse("{Oi|Olá tudo", &[]),
            Err(TemplateError::UnbalancedBrace(0))
        );
        assert_eq!(
            Template::parse("Oi } tchau", &[]),
            Err(TemplateError::UnbalancedBrace(3))
        );
        let msg = TemplateError::UnknownVariable("apelido".into()).message(Lang::PtBr);
        assert!(
            msg.contains("{{apelido}}") && msg.contains("{{primeiro_nome}}"),
            "{msg}"
        );
    }
}
