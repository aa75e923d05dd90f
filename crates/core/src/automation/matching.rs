//! Which keyword a contact's message fires, and why: the rule the keyword
//! screen's "test a message" box shows and the runner obeys, in one place.
//!
//! Text is compared as words, folded (lower case, no accents): `orcamento`
//! matches `Orçamento!`, and a keyword never matches inside another word
//! (`oi` does not fire on `boicote`, which substring matching would). Regex
//! keywords run on the folded text, so they too ignore case and accents.
//!
//! Of the keywords that match, the highest priority wins; at equal priority
//! the oldest (created first) wins, and the screen refuses to save such a
//! pair where it can see one ([`conflicts`]).

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::text::{fold, fold_pattern};

/// How a keyword's words are compared with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The whole message is the word (punctuation and spacing aside).
    Exact,
    /// The word appears in the message as whole words.
    Contains,
    /// The message begins with the word.
    StartsWith,
    /// A regular expression, searched in the folded message.
    Regex,
}

/// A message as words: folded, split on anything that is not a letter or a
/// digit.
pub(crate) fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A keyword's words compiled once, to be tested against many messages.
#[derive(Debug, Clone)]
pub enum Matcher {
    Words {
        kind: MatchKind,
        each: Vec<Vec<String>>,
    },
    Regex(Vec<Regex>),
}

/// Why a keyword's words could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatcherError {
    /// A word with no letter or digit in it (it would match nothing, or for
    /// `contains` everything).
    Empty { word: String },
    /// A regular expression that does not compile; `reason` is the regex
    /// crate's own text (English, technical: shown after a translated lead).
    Regex { word: String, reason: String },
}

/// Longest compiled regex program accepted, so a pasted monster cannot make
/// every incoming message slow (the crate's default is 10 MB).
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

impl Matcher {
    pub fn new(kind: MatchKind, list: &[String]) -> Result<Matcher, MatcherError> {
        if kind == MatchKind::Regex {
            let mut out = Vec::with_capacity(list.len());
            for word in list {
                if word.trim().is_empty() {
                    return Err(MatcherError::Empty { word: word.clone() });
                }
                let compiled = regex::RegexBuilder::new(&fold_pattern(word))
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| MatcherError::Regex {
                        word: word.clone(),
                        reason: e.to_string(),
                    })?;
                out.push(compiled);
            }
            return Ok(Matcher::Regex(out));
        }
        let mut each = Vec::with_capacity(list.len());
        for word in list {
            let split = words(word);
            if split.is_empty() {
                return Err(MatcherError::Empty { word: word.clone() });
            }
            each.push(split);
        }
        Ok(Matcher::Words { kind, each })
    }

    /// The index of the first of the keyword's words that `message` matches.
    pub fn find(&self, message: &str) -> Option<usize> {
        match self {
            Matcher::Regex(list) => {
                let folded = fold(message);
                list.iter().position(|r| r.is_match(&folded))
            }
            Matcher::Words { kind, each } => {
                let text = words(message);
                each.iter().position(|w| words_match(*kind, w, &text))
            }
        }
    }
}

fn words_match(kind: MatchKind, word: &[String], text: &[String]) -> bool {
    match kind {
        MatchKind::Exact => text == word,
        MatchKind::StartsWith => text.starts_with(word),
        MatchKind::Contains => text.windows(word.len()).any(|w| w == word),
        // Compiled as `Matcher::Regex`.
        MatchKind::Regex => false,
    }
}

/// One keyword as matching sees it.
#[derive(Debug, Clone)]
pub struct Candidate<K> {
    pub key: K,
    pub matcher: Matcher,
    /// Higher fires first.
    pub priority: i32,
    /// Creation order: the tie-break at equal priority.
    pub created_at: i64,
}

/// A keyword that matched a message, with the word that did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<K> {
    pub key: K,
    pub word: usize,
    pub priority: i32,
}

/// Every candidate that matches `message`, the winner first (priority, then
/// age). The caller decides what stops the winner from firing (off, out of
/// scope, in its cooldown) and shows the rest as "also matched".
pub fn ranked<K: Clone>(candidates: &[Candidate<K>], message: &str) -> Vec<Hit<K>> {
    let mut hits: Vec<(&Candidate<K>, usize)> = candidates
        .iter()
        .filter_map(|c| c.matcher.find(message).map(|w| (c, w)))
        .collect();
    hits.sort_by(|(a, _), (b, _)| {
        b.priority
            .cmp(&a.priority)
            .then(a.created_at.cmp(&b.created_at))
    });
    hits.into_iter()
        .map(|(c, word)| Hit {
            key: c.key.clone(),
            word,
            priority: c.priority,
        })
        .collect()
}

/// Two keywords of one priority that one message would both fire, and that
/// message. Found by trying each keyword's own words on the other: exact,
/// contains and starts-with conflicts are all found this way; a regex's
/// conflict is found when the other keyword's word is such a message (a
/// regex's own words are patterns, not messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict<K> {
    pub first: K,
    pub second: K,
    pub example: String,
}

/// The conflicts between `candidate` (with its words as typed) and the
/// keywords already saved, to show before saving.
pub fn conflicts<K: Clone>(
    candidate: &Candidate<K>,
    candidate_words: &[String],
    saved: &[(Candidate<K>, Vec<String>)],
) -> Vec<Conflict<K>> {
    let mut found = Vec::new();
    let own_samples = samples(&candidate.matcher, candidate_words);
    for (other, other_words) in saved {
        if other.priority != candidate.priority {
            continue;
        }
        let theirs = samples(&other.matcher, other_words);
        let example = own_samples
            .iter()
            .chain(theirs.iter())
            .find(|s| candidate.matcher.find(s).is_some() && other.matcher.find(s).is_some());
        if let Some(example) = example {
            found.push(Conflict {
                first: candidate.key.clone(),
                second: other.key.clone(),
                example: example.clone(),
            });
        }
    }
    found
}

/// Messages a keyword surely fires on: its words, unless they are patterns.
fn samples(matcher: &Matcher, typed: &[String]) -> Vec<String> {
    match matcher {
        Matcher::Regex(_) => Vec::new(),
        Matcher::Words { .. } => typed.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: MatchKind, list: &[&str]) -> Matcher {
        Matcher::new(
            kind,
            &list.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .unwrap()
    }

    #[test]
    fn words_match_without_case_accents_or_punctuation() {
        use MatchKind::*;
        // (kind, keyword, message, fires)
        let table = [
            (Exact, "orcamento", "Orçamento", true),
            (Exact, "orcamento", "  ORÇAMENTO!!! ", true),
            (Exact, "orcamento", "quero um orçamento", false),
            (Contains, "orçamento", "quero um ORCAMENTO, por favor", true),
            (Contains, "oi", "boicote", false),
            (Contains, "oi", "Oi, tudo bem?", true),
            (
                Contains,
                "tabela de preço",
                "me manda a tabela de preços",
                false,
            ),
            (
                Contains,
                "tabela de preço",
                "me manda a Tabela de Preço?",
                true,
            ),
            (StartsWith, "bom dia", "Bom dia! Vocês abrem hoje?", true),
            (StartsWith, "bom dia", "olá, bom dia", false),
            (Regex, r"^pedido\s*#?\d+$", "Pedido #123", true),
            (Regex, r"^pedido\s*#?\d+$", "meu pedido 123", false),
            (Regex, "promoçao", "PROMOÇÃO de natal", true),
            // The letter after a backslash keeps its case: `\D` is "not a digit".
            (Regex, r"^\D+$", "Olá", true),
            (Regex, r"^\D+$", "123", false),
            (Regex, r"^\S+$", "pedido", true),
            (Regex, r"^\S+$", "dois termos", false),
        ];
        for (kind, keyword, message, fires) in table {
            assert_eq!(
                m(kind, &[keyword]).find(message).is_some(),
                fires,
                "{kind:?} {keyword:?} on {message:?}"
            );
        }
    }

    #[test]
    fn the_first_matching_word_is_named() {
        let matcher = m(MatchKind::Contains, &["preço", "valor", "quanto custa"]);
        assert_eq!(matcher.find("Qual o VALOR?"), Some(1));
        assert_eq!(matcher.find("quanto custa o pão"), Some(2));
        assert_eq!(matcher.find("obrigado"), None);
    }

    #[test]
    fn empty_words_and_bad_patterns_are_refused() {
        assert_eq!(
            Matcher::new(MatchKind::Contains, &["?!".into()]).unwrap_err(),
            MatcherError::Empty { word: "?!".into() }
        );
        assert!(matches!(
            Matcher::new(MatchKind::Regex, &["(sem fim".into()]).unwrap_err(),
            MatcherError::Regex { word, .. } if word == "(sem fim"
        ));
        assert!(matches!(
            Matcher::new(MatchKind::Regex, &["a{1000}{1000}".into()]).unwrap_err(),
            MatcherError::Regex { .. }
        ));
    }

    fn candidate(
        key: &'static str,
        kind: MatchKind,
        list: &[&str],
        priority: i32,
        created_at: i64,
    ) -> (Candidate<&'static str>, Vec<String>) {
        let typed: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        (
            Candidate {
                key,
                matcher: Matcher::new(kind, &typed).unwrap(),
                priority,
                created_at,
            },
            typed,
        )
    }

    #[test]
    fn priority_then_age_decides() {
        let list: Vec<Candidate<&str>> = [
            candidate("preço", MatchKind::Contains, &["preço"], 0, 1),
            candidate("promo", MatchKind::Contains, &["preço"], 5, 3),
            candidate("antigo", MatchKind::Contains, &["preço"], 5, 2),
            candidate("outro", MatchKind::Exact, &["oi"], 9, 0),
        ]
        .into_iter()
        .map(|(c, _)| c)
        .collect();
        let hits = ranked(&list, "qual o preço?");
        let order: Vec<&str> = hits.iter().map(|h| h.key).collect();
        assert_eq!(order, ["antigo", "promo", "preço"]);
    }

    #[test]
    fn conflicts_at_one_priority_are_found_with_an_example() {
        let (new, typed) = candidate("novo", MatchKind::Contains, &["preço"], 0, 9);
        let saved = vec![
            candidate("tabela", MatchKind::Exact, &["tabela de preço"], 0, 1),
            candidate("oi", MatchKind::Exact, &["oi"], 0, 2),
            // Same words, another priority: one wins, no conflict.
            candidate("alta", MatchKind::Contains, &["preço"], 3, 3),
            candidate("pedido", MatchKind::Regex, &[r"\bpreco\b"], 0, 4),
        ];
        let found = conflicts(&new, &typed, &saved);
        assert_eq!(
            found,
            vec![
                Conflict {
                    first: "novo",
                    second: "tabela",
                    example: "tabela de preço".into()
                },
                Conflict {
                    first: "novo",
                    second: "pedido",
                    example: "preço".into()
                },
            ]
        );
    }
}
