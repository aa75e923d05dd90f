//! What the tray icon says: each number with its status, the unread count,
//! and "Abrir"/"Sair". Tauri-free, so the menu's items and labels are
//! checked by unit tests; `tray.rs` only turns them into a native menu.

use zapdesk_core::Lang;

/// A number as the tray lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberLine {
    pub name: String,
    /// `Status::key()`: "connected", "awaiting_qr", …
    pub state: String,
}

/// One entry of the tray's menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayItem {
    /// Information only (a number's status, the unread count): not clickable.
    Info(String),
    Separator,
    /// Shows the window (creating it again if it was closed to the tray).
    Open(String),
    /// Stops every number and leaves.
    Quit(String),
}

/// The tray's tooltip and menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayText {
    pub tooltip: String,
    pub items: Vec<TrayItem>,
}

/// Numbers listed by name before "+N more": a menu taller than the screen
/// helps no one, and the Números screen has them all.
pub const NUMBERS_SHOWN: usize = 12;

fn state_label(state: &str, lang: Lang) -> &'static str {
    match state {
        "stopped" => lang.pick("Parado", "Stopped"),
        "starting" => lang.pick("Iniciando", "Starting"),
        "awaiting_qr" => lang.pick("Aguardando QR", "Waiting for QR"),
        "pairing" => lang.pick("Pareando", "Pairing"),
        "connected" => lang.pick("Conectado", "Connected"),
        "disconnected" => lang.pick("Desconectado", "Disconnected"),
        "failed" => lang.pick("Falhou", "Failed"),
        _ => lang.pick("Desconhecido", "Unknown"),
    }
}

/// The tray for these numbers and this many conversations with unread messages.
pub fn tray_text(numbers: &[NumberLine], unread: i64, lang: Lang) -> TrayText {
    let unread_line = match (unread, lang) {
        (n, _) if n <= 0 => lang
            .pick("Nenhuma conversa não lida", "No unread conversations")
            .to_owned(),
        (1, _) => lang
            .pick("1 conversa não lida", "1 unread conversation")
            .to_owned(),
        (n, Lang::PtBr) => format!("{n} conversas não lidas"),
        (n, Lang::En) => format!("{n} unread conversations"),
    };
    let connected = numbers.iter().filter(|n| n.state == "connected").count();
    let tooltip = match lang {
        Lang::PtBr => format!(
            "ZapDesk — {connected} de {} números conectados · {unread_line}",
            numbers.len()
        ),
        Lang::En => format!(
            "ZapDesk — {connected} of {} numbers connected · {unread_line}",
            numbers.len()
        ),
    };
    let mut items = Vec::new();
    if numbers.is_empty() {
        items.push(TrayItem::Info(
            lang.pick("Nenhum número", "No numbers").to_owned(),
        ));
    }
    for number in numbers.iter().take(NUMBERS_SHOWN) {
        items.push(TrayItem::Info(format!(
            "{} — {}",
            number.name,
            state_label(&number.state, lang)
        )));
    }
    if numbers.len() > NUMBERS_SHOWN {
        let more = numbers.len() - NUMBERS_SHOWN;
        items.push(TrayItem::Info(match lang {
            Lang::PtBr => format!("+{more} outros"),
            Lang::En => format!("+{more} more"),
        }));
    }
    items.push(TrayItem::Separator);
    items.push(TrayItem::Info(unread_line));
    items.push(TrayItem::Separator);
    items.push(TrayItem::Open(lang.pick("Abrir", "Open").to_owned()));
    items.push(TrayItem::Quit(lang.pick("Sair", "Quit").to_owned()));
    TrayText { tooltip, items }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, state: &str) -> NumberLine {
        NumberLine {
            name: name.into(),
            state: state.into(),
        }
    }

    #[test]
    fn each_number_with_its_status_then_unread_then_open_and_quit() {
        let numbers = [
            line("Loja Centro", "connected"),
            line("Suporte", "awaiting_qr"),
        ];
        let text = tray_text(&numbers, 3, Lang::PtBr);
        assert_eq!(
            text.items,
            vec![
                TrayItem::Info("Loja Centro — Conectado".into()),
                TrayItem::Info("Suporte — Aguardando QR".into()),
                TrayItem::Separator,
                TrayItem::Info("3 conversas não lidas".into()),
                TrayItem::Separator,
                TrayItem::Open("Abrir".into()),
                TrayItem::Quit("Sair".into()),
            ]
        );
        assert_eq!(
            text.tooltip,
            "ZapDesk — 1 de 2 números conectados · 3 conversas não lidas"
        );
    }

    #[test]
    fn english_labels() {
        let text = tray_text(&[line("Shop", "disconnected")], 1, Lang::En);
        assert_eq!(
            text.items,
            vec![
                TrayItem::Info("Shop — Disconnected".into()),
                TrayItem::Separator,
                TrayItem::Info("1 unread conversation".into()),
                TrayItem::Separator,
                TrayItem::Open("Open".into()),
                TrayItem::Quit("Quit".into()),
            ]
        );
    }

    #[test]
    fn no_numbers_and_nothing_unread_are_said() {
        let text = tray_text(&[], 0, Lang::PtBr);
        assert_eq!(text.items[0], TrayItem::Info("Nenhum número".into()));
        assert!(
            text.items
                .contains(&TrayItem::Info("Nenhuma conversa não lida".into()))
        );
    }

    #[test]
    fn a_long_list_is_cut_with_a_count_of_the_rest() {
        let numbers: Vec<_> = (0..15).map(|i| line(&format!("N{i}"), "stopped")).collect();
        let text = tray_text(&numbers, 0, Lang::PtBr);
        let infos: Vec<_> = text
            .items
            .iter()
            .take_while(|i| **i != TrayItem::Separator)
            .collect();
        assert_eq!(infos.len(), NUMBERS_SHOWN + 1);
        assert_eq!(*infos[NUMBERS_SHOWN], TrayItem::Info("+3 outros".into()));
    }
}
