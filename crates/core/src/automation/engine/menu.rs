//! A menu as the contact sees it (the question, then one numbered line per
//! option) and which option a reply chooses. WhatsApp Web's buttons do not
//! work for unofficial clients, so the contact types: a number (`1`, `1.`,
//! `1)`, `1️⃣`, `opção 1`), the option's label or one of its synonyms, compared
//! as folded whole words by the keyword matcher (`orcamento` chooses
//! `Orçamento`, `oi` never chooses inside `boicote`).

use crate::automation::flow::MenuOption;
use crate::automation::matching::words;

/// The question followed by the numbered options, one per line.
pub fn menu_text(question: &str, options: &[MenuOption]) -> String {
    let mut out = question.trim().to_owned();
    if !options.is_empty() && !out.is_empty() {
        out.push_str("\n\n");
    }
    let lines: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{} - {}", i + 1, o.label.trim()))
        .collect();
    out.push_str(&lines.join("\n"));
    out
}

/// Words people put before an option's number ("opção 2", "nº 2").
const NUMBER_LEADS: [&str; 10] = [
    "opcao", "opc", "op", "option", "numero", "num", "n", "no", "nº", "item",
];

/// The index of the option `reply` chooses. In order: the option's number
/// alone (with a lead word); the whole reply is a label or synonym; a label
/// or synonym appears in the reply as whole words, the longest such phrase
/// winning — two options tied on it choose nothing (the contact is asked
/// again rather than guessed for). The reply is folded and split into words
/// once, as the keyword matcher does (`matching::words`): a menu is answered
/// on every turn, and this is most of a menu step's cost.
pub fn choose_option(options: &[MenuOption], reply: &str) -> Option<usize> {
    let said = words(reply);
    let number = match said.as_slice() {
        [n] => Some(n),
        [lead, n] if NUMBER_LEADS.contains(&lead.as_str()) => Some(n),
        _ => None,
    };
    if let Some(n) = number.and_then(|n| n.parse::<usize>().ok())
        && (1..=options.len()).contains(&n)
    {
        return Some(n - 1);
    }
    // Each option's label and synonyms as words, empty ones left out.
    let phrases: Vec<Vec<Vec<String>>> = options
        .iter()
        .map(|o| {
            std::iter::once(&o.label)
                .chain(&o.synonyms)
                .map(|w| words(w))
                .filter(|w| !w.is_empty())
                .collect()
        })
        .collect();
    if let Some(exact) = phrases.iter().position(|p| p.contains(&said)) {
        return Some(exact);
    }
    // (phrase length in words, option) of the longest phrase per option.
    let mut best: Option<(usize, usize)> = None;
    let mut tied = false;
    for (i, option) in phrases.iter().enumerate() {
        let longest = option
            .iter()
            .filter(|w| said.windows(w.len()).any(|window| window == w.as_slice()))
            .map(Vec::len)
            .max();
        let Some(len) = longest else { continue };
        match best {
            Some((top, _)) if len < top => {}
            Some((top, _)) if len == top => tied = true,
            _ => {
                best = Some((len, i));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, i)| i) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<MenuOption> {
        let o = |id: &str, label: &str, synonyms: &[&str]| MenuOption {
            id: id.into(),
            label: label.into(),
            synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
        };
        vec![
            o("pedidos", "Pedidos", &["pedido", "minha compra"]),
            o("horarios", "Horários", &["que horas", "funcionamento"]),
            o("orcamento", "Orçamento", &["preço", "quanto custa"]),
            o("pedidos_antigos", "Pedidos antigos", &[]),
        ]
    }

    #[test]
    fn the_menu_lists_its_options_numbered() {
        assert_eq!(
            menu_text("Como posso ajudar?", &options()[..2]),
            "Como posso ajudar?\n\n1 - Pedidos\n2 - Horários"
        );
    }

    #[test]
    fn replies_choose_by_number_label_or_synonym() {
        let list = options();
        let table = [
            ("1", Some(0)),
            ("1.", Some(0)),
            ("1)", Some(0)),
            (" 2 ", Some(1)),
            ("2️⃣", Some(1)),
            ("Opção 3", Some(2)),
            ("opcao: 3", Some(2)),
            ("nº 4", Some(3)),
            ("5", None),
            ("0", None),
            ("12", None),
            ("HORARIOS", Some(1)),
            ("horários!", Some(1)),
            ("orcamento", Some(2)),
            ("Qual o PRECO?", Some(2)),
            ("quanto custa a pizza", Some(2)),
            ("Que horas vocês abrem?", Some(1)),
            ("quero ver minha compra", Some(0)),
            // Whole words: "pedidos" inside "pedidosx" is not a choice.
            ("pedidosx", None),
            // The longest phrase wins; the exact label first.
            ("pedidos antigos", Some(3)),
            ("meus pedidos antigos", Some(3)),
            ("pedidos", Some(0)),
            // Two options, equally strong: ask again rather than guess.
            ("pedido e preço", None),
            ("tenho 3 pedidos", Some(0)),
            ("bom dia", None),
            ("", None),
        ];
        for (reply, want) in table {
            assert_eq!(choose_option(&list, reply), want, "{reply:?}");
        }
    }

    #[test]
    fn a_label_without_letters_or_digits_chooses_only_by_number() {
        let list = vec![MenuOption {
            id: "x".into(),
            label: "👍".into(),
            synonyms: vec!["".into()],
        }];
        assert_eq!(choose_option(&list, "qualquer coisa"), None);
        assert_eq!(choose_option(&list, "1"), Some(0));
    }
}
