//! The part of a message or note a search hit shows: matched words marked
//! for the UI's highlight, cut to a short window that always shows the first
//! match whole (issue 13 item 19: a hit's word could end up behind "…").

/// Marks the start of a matched word in a snippet (never in message text).
pub const MARK_START: char = '\u{2}';
/// Marks the end of a matched word.
pub const MARK_END: char = '\u{3}';

/// Characters of context kept before the first match. The inbox list shows
/// one line of ~45 characters and cuts the rest with an ellipsis (CSS), so
/// the match must come early: 40 characters of lead pushed it out of sight.
const LEAD: usize = 16;
/// Characters a snippet keeps in all (besides the marks and the "…").
const WINDOW: usize = 120;

/// The words typed, folded like the index folds them.
pub(crate) fn query_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::text::fold)
        .collect()
}

/// Whether every typed word starts some word of `body` (case and accents
/// ignored): the FTS5 query's meaning, for text outside its index (notes).
pub(crate) fn matches_all(body: &str, words: &[String]) -> bool {
    let folded: Vec<String> = query_words(body);
    !words.is_empty()
        && words
            .iter()
            .all(|w| folded.iter().any(|b| b.starts_with(w.as_str())))
}

/// Marks the words of `body` that start with a typed word, and keeps a
/// window around the first one: it starts at a word boundary at most
/// [`LEAD`] characters before that word and never ends inside a mark.
pub(crate) fn mark(body: &str, words: &[String]) -> String {
    // (text, matched) runs over the body.
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, parts: &mut Vec<(String, bool)>| {
        if word.is_empty() {
            return;
        }
        let folded = crate::text::fold(word);
        let hit = words.iter().any(|w| folded.starts_with(w.as_str()));
        parts.push((std::mem::take(word), hit));
    };
    for c in body.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut parts);
            parts.push((c.to_string(), false));
        }
    }
    flush(&mut word, &mut parts);

    let first = parts.iter().position(|(_, hit)| *hit).unwrap_or(0);
    // Whole parts only, so no word (marked or not) is ever cut in two.
    let mut from = first;
    let mut lead = 0;
    while from > 0 {
        let len = parts[from - 1].0.chars().count();
        if lead + len > LEAD {
            break;
        }
        lead += len;
        from -= 1;
    }
    // A separator first would look odd after "…": start at a word.
    while from < first && !parts[from].0.chars().any(char::is_alphanumeric) {
        from += 1;
    }
    let mut to = first;
    let mut used: usize = parts[from..first]
        .iter()
        .map(|(t, _)| t.chars().count())
        .sum();
    while to < parts.len() {
        let len = parts[to].0.chars().count();
        // The first match always goes in whole, however long.
        if to > first && used + len > WINDOW {
            break;
        }
        used += len;
        to += 1;
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    for (text, hit) in &parts[from..to] {
        if *hit {
            out.push(MARK_START);
            out.push_str(text);
            out.push(MARK_END);
        } else {
            out.push_str(text);
        }
    }
    if to < parts.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_words_by_prefix_ignoring_case_and_accents() {
        let words = query_words("promocao PÃO");
        assert_eq!(
            mark("Qual a PROMOÇÃO do pãozinho?", &words),
            "Qual a \u{2}PROMOÇÃO\u{3} do \u{2}pãozinho\u{3}?"
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match_which_stays_whole_and_early() {
        let words = query_words("promoção");
        let long = format!("{}promoção{}", "palavra ".repeat(30), " outra".repeat(40));
        let snip = mark(&long, &words);
        assert!(snip.starts_with('…') && snip.ends_with('…'), "{snip}");
        let at = snip.find(MARK_START).unwrap();
        assert!(
            snip[..at].chars().count() <= LEAD + 1,
            "the match comes early: {snip}"
        );
        assert!(snip.contains("\u{2}promoção\u{3}"), "{snip}");
        // The cut falls between words, never inside one.
        assert!(snip.starts_with("…palavra "), "{snip}");
        assert!(snip.ends_with(" outra…"), "{snip}");
    }

    #[test]
    fn a_match_at_the_very_end_or_very_long_is_shown_whole() {
        let words = query_words("fim");
        let snip = mark(&format!("{}fim", "x ".repeat(100)), &words);
        assert!(snip.ends_with("\u{2}fim\u{3}"), "{snip}");
        let huge = "a".repeat(300);
        let snip = mark(&format!("começo {huge}"), &query_words("aaa"));
        assert!(
            snip.contains(&format!("\u{2}{huge}\u{3}")),
            "whole, not cut"
        );
    }

    #[test]
    fn notes_match_when_every_word_starts_a_word() {
        let words = query_words("cliente pao");
        assert!(matches_all("Cliente quer PÃOZINHO amanhã", &words));
        assert!(!matches_all("Cliente quer bolo", &words));
        assert!(!matches_all("qualquer coisa", &[]));
    }
}
