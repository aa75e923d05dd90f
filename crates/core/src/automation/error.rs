//! Why an automation operation was refused: keywords, flows, sessions,
//! settings. One enum for the module, each variant with its code and its
//! text in both languages (what went wrong and what to do).

use crate::Lang;
use crate::account_open::AccountClosed;
use crate::automation::flow::{ParseError, Place};
use crate::automation::flow_check::Finding;
use crate::automation::matching::MatcherError;
use crate::campaigns::template::TemplateError;
use crate::error::{ErrorCode, UserError, database_failed};

#[derive(Debug, thiserror::Error)]
pub enum AutomationError {
    #[error(transparent)]
    Account(#[from] AccountClosed),
    #[error("name is empty")]
    NameEmpty,
    #[error("name is too long")]
    NameTooLong,
    #[error("no such keyword")]
    KeywordUnknown,
    #[error("keyword words: {0:?}")]
    Words(MatcherError),
    #[error("a keyword needs at least one word")]
    NoWords,
    #[error("a keyword needs at least one action")]
    NoActions,
    /// Another keyword of the same priority fires on `example`.
    #[error("conflicts with keyword {other} on {example:?}")]
    Conflict { other: String, example: String },
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("no such flow")]
    FlowUnknown,
    #[error("flow document: {0:?}")]
    FlowMalformed(ParseError),
    /// Problems that block publishing, every one of them.
    #[error("flow has {} problem(s)", .0.len())]
    FlowProblems(Vec<Finding>),
    #[error("flow saved elsewhere (revision {current})")]
    FlowStale { current: i64 },
    #[error("flow not published")]
    FlowNotPublished,
    #[error("no such session")]
    SessionUnknown,
    #[error("no such conversation")]
    ConversationUnknown,
    #[error("no such number")]
    NumberUnknown,
    #[error("no such tag")]
    TagUnknown,
    #[error("no such field {0}")]
    FieldUnknown(String),
    #[error("no such file")]
    FileUnknown,
    #[error("unknown time zone {0}")]
    TimeZoneUnknown(String),
    #[error("not an http(s) address: {0}")]
    UrlInvalid(String),
    #[error("settings: {0}")]
    SettingsInvalid(&'static str),
    // Running the bot (`run.rs`, `sessions.rs`).
    #[error("the contact opted out")]
    ContactOptedOut,
    #[error("the account's automation is off")]
    AutomationOff,
    #[error(transparent)]
    Inbox(#[from] crate::inbox::InboxError),
    #[error(transparent)]
    Field(#[from] crate::fields::FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for AutomationError {
    fn code(&self) -> ErrorCode {
        use AutomationError::*;
        match self {
            Account(e) => e.code(),
            NameEmpty => ErrorCode::NameEmpty,
            NameTooLong => ErrorCode::NameTooLong,
            KeywordUnknown => ErrorCode::KeywordUnknown,
            Words(_) | NoWords | NoActions => ErrorCode::KeywordInvalid,
            Conflict { .. } => ErrorCode::KeywordConflict,
            Template(e) => e.code(),
            FlowUnknown => ErrorCode::FlowUnknown,
            FlowMalformed(_) | FlowProblems(_) => ErrorCode::FlowInvalid,
            FlowStale { .. } => ErrorCode::FlowStale,
            FlowNotPublished => ErrorCode::FlowNotPublished,
            SessionUnknown => ErrorCode::SessionUnknown,
            ConversationUnknown => ErrorCode::ConversationUnknown,
            NumberUnknown => ErrorCode::NumberUnknown,
            TagUnknown => ErrorCode::TagUnknown,
            FieldUnknown(_) => ErrorCode::FieldUnknown,
            FileUnknown => ErrorCode::AutomationFileUnknown,
            TimeZoneUnknown(_) | UrlInvalid(_) | SettingsInvalid(_) => {
                ErrorCode::AutomationSettingsInvalid
            }
            ContactOptedOut => ErrorCode::ContactOptedOut,
            // No code of its own yet: the settings are what to change.
            AutomationOff => ErrorCode::AutomationSettingsInvalid,
            Inbox(e) => e.code(),
            Field(e) => e.code(),
            Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use AutomationError::*;
        let pt = lang == Lang::PtBr;
        match self {
            Account(e) => e.message(lang),
            NameEmpty => lang.pick("Dê um nome.", "Give it a name.").to_owned(),
            NameTooLong => lang
                .pick(
                    "O nome pode ter até 80 caracteres.",
                    "The name can have at most 80 characters.",
                )
                .to_owned(),
            KeywordUnknown => lang
                .pick(
                    "Esta palavra-chave não existe mais.",
                    "This keyword no longer exists.",
                )
                .to_owned(),
            Words(MatcherError::Empty { word }) => {
                if pt {
                    format!("\"{word}\" não tem letras nem números: não responderia a nada.")
                } else {
                    format!("\"{word}\" has no letters or digits: it would answer nothing.")
                }
            }
            Words(MatcherError::Regex { word, reason }) => {
                if pt {
                    format!("A expressão regular \"{word}\" não é válida: {reason}")
                } else {
                    format!("The regular expression \"{word}\" is not valid: {reason}")
                }
            }
            NoWords => lang
                .pick(
                    "Escreva ao menos uma palavra.",
                    "Write at least one word.",
                )
                .to_owned(),
            NoActions => lang
                .pick(
                    "Escolha ao menos uma ação (responder, etiquetar, iniciar um fluxo…).",
                    "Choose at least one action (reply, tag, start a flow…).",
                )
                .to_owned(),
            Conflict { other, example } => {
                if pt {
                    format!(
                        "A palavra-chave \"{other}\", com a mesma prioridade, também responderia a \"{example}\". Mude a prioridade de uma delas ou as palavras."
                    )
                } else {
                    format!(
                        "Keyword \"{other}\", with the same priority, would also answer \"{example}\". Change one's priority or the words."
                    )
                }
            }
            Template(e) => e.message(lang),
            FlowUnknown => lang
                .pick("Este fluxo não existe mais.", "This flow no longer exists.")
                .to_owned(),
            FlowMalformed(ParseError::TooNew { .. }) => lang
                .pick(
                    "Este fluxo foi feito por uma versão mais nova do ZapDesk. Atualize o ZapDesk para abri-lo.",
                    "This flow was made by a newer ZapDesk. Update ZapDesk to open it.",
                )
                .to_owned(),
            FlowMalformed(ParseError::Malformed { place, detail }) => {
                let at = match (place, pt) {
                    (Place::Text { line, column }, true) => {
                        format!("na linha {line}, coluna {column}")
                    }
                    (Place::Text { line, column }, false) => {
                        format!("at line {line}, column {column}")
                    }
                    (Place::Node { index, id }, true) => format!(
                        "no bloco {}{}",
                        index + 1,
                        id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
                    ),
                    (Place::Node { index, id }, false) => format!(
                        "in block {}{}",
                        index + 1,
                        id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
                    ),
                    (Place::Edge { index, id }, true) => format!(
                        "na ligação {}{}",
                        index + 1,
                        id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
                    ),
                    (Place::Edge { index, id }, false) => format!(
                        "in link {}{}",
                        index + 1,
                        id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
                    ),
                    (Place::Document, true) => "nos campos do documento".to_owned(),
                    (Place::Document, false) => "in the document's fields".to_owned(),
                };
                if pt {
                    format!("O arquivo não é um fluxo válido: erro {at} ({detail}).")
                } else {
                    format!("The file is not a valid flow: error {at} ({detail}).")
                }
            }
            FlowProblems(findings) => {
                let list: Vec<String> = findings
                    .iter()
                    .map(|f| match &f.node {
                        Some(node) => format!("{node}: {}", f.message(lang)),
                        None => f.message(lang),
                    })
                    .collect();
                if pt {
                    format!("O fluxo não pode ser publicado: {}", list.join(" "))
                } else {
                    format!("The flow cannot be published: {}", list.join(" "))
                }
            }
            FlowStale { .. } => lang
                .pick(
                    "Este fluxo foi alterado em outro lugar desde que você o abriu. Abra-o de novo para ver a versão atual; suas mudanças não foram salvas.",
                    "This flow was changed elsewhere since you opened it. Open it again to see the current version; your changes were not saved.",
                )
                .to_owned(),
            FlowNotPublished => lang
                .pick(
                    "Este fluxo ainda não foi publicado. Publique-o antes de usá-lo.",
                    "This flow is not published yet. Publish it before using it.",
                )
                .to_owned(),
            SessionUnknown => lang
                .pick(
                    "Esta sessão do bot não existe mais.",
                    "This bot session no longer exists.",
                )
                .to_owned(),
            ConversationUnknown => lang
                .pick(
                    "Esta conversa não existe mais.",
                    "This conversation no longer exists.",
                )
                .to_owned(),
            NumberUnknown => lang
                .pick(
                    "Um dos números escolhidos não existe mais nesta conta.",
                    "One of the chosen numbers no longer exists in this account.",
                )
                .to_owned(),
            TagUnknown => lang
                .pick(
                    "Esta etiqueta não existe mais nesta conta.",
                    "This tag no longer exists in this account.",
                )
                .to_owned(),
            FieldUnknown(field) => {
                if pt {
                    format!("O campo \"{field}\" não existe nesta conta.")
                } else {
                    format!("Field \"{field}\" does not exist in this account.")
                }
            }
            FileUnknown => lang
                .pick(
                    "Este arquivo não existe mais. Escolha o arquivo de novo.",
                    "This file no longer exists. Choose the file again.",
                )
                .to_owned(),
            TimeZoneUnknown(tz) => {
                if pt {
                    format!("\"{tz}\" não é um fuso horário conhecido (exemplo: America/Sao_Paulo).")
                } else {
                    format!("\"{tz}\" is not a known time zone (for example America/Sao_Paulo).")
                }
            }
            UrlInvalid(url) => {
                if pt {
                    format!("\"{url}\" não é um endereço http:// ou https://.")
                } else {
                    format!("\"{url}\" is not an http:// or https:// address.")
                }
            }
            SettingsInvalid(what) => {
                if pt {
                    format!("Configuração inválida: {what}.")
                } else {
                    format!("Invalid setting: {what}.")
                }
            }
            ContactOptedOut => lang
                .pick(
                    "Este contato pediu para não receber mais mensagens: o bot não fala com ele. Se ele voltou atrás, desmarque a opção no contato.",
                    "This contact asked to receive no more messages: the bot does not talk to them. If they changed their mind, clear it on the contact.",
                )
                .to_owned(),
            AutomationOff => lang
                .pick(
                    "A automação está desligada nesta conta. Ligue-a em Automação → Configurações para iniciar um fluxo.",
                    "Automation is off in this account. Turn it on in Automation → Settings to start a flow.",
                )
                .to_owned(),
            Inbox(e) => e.message(lang),
            Field(e) => e.message(lang),
            Database(_) => database_failed(lang),
        }
    }
}
