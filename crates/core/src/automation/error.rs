//! Why an automation operation was refused: keywords, flows, sessions,
//! settings. One enum for the module, each variant with its code and its
//! text in both languages (what went wrong and what to do).

use crate::Lang;
use crate::account_open::AccountClosed;
use crate::automation::flow::{ParseError, Place};
use crate::automation::flow_check::Finding;
use crate::automation::matching::MatcherError;
use crate::campaigns::template::{MESSAGE_MAX, TemplateError};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::fields::FieldError;
use crate::inbox::attachments::AttachmentError;

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
    #[error("no hand-off word")]
    HandoffWordsEmpty,
    #[error("hand-off word {0:?} given twice")]
    HandoffWordTwice(String),
    #[error("hand-off word: {0:?}")]
    HandoffWord(MatcherError),
    #[error("hand-off reply is empty")]
    HandoffReplyEmpty,
    #[error("hand-off reply is too long")]
    HandoffReplyTooLong,
    #[error("session expiry out of range")]
    ExpiryOutOfRange,
    #[error("AI endpoint without a model")]
    AiModelMissing,
    /// The AI address or the private-address setting changed by an
    /// operator who is neither an owner nor an admin.
    #[error("only an owner or an admin may change the AI address or private addresses")]
    SecuritySettingsForbidden,
    /// A keyword's reply with no text (and no file).
    #[error("reply is empty")]
    ReplyEmpty,
    #[error("reply is too long")]
    ReplyTooLong,
    /// A tag named in an action or a flow that the account does not have.
    #[error("no tag named {0:?}")]
    TagMissing(String),
    #[error("no such operator")]
    OperatorUnknown,
    /// A keyword that both starts a flow and hands off: one of the two.
    #[error("a keyword cannot both start a flow and hand off")]
    FlowAndHandoff,
    #[error("a flow named {0:?} exists")]
    FlowNameTaken(String),
    /// A keyword still starts the flow about to be deleted.
    #[error("keyword {keyword:?} starts this flow")]
    FlowInUse { keyword: String },
    #[error("no such flow version")]
    VersionUnknown,
    #[error("trigger hours {0} out of range")]
    TriggerHours(u32),
    /// Another enabled flow has the same trigger on a number this one's covers.
    #[error("flow {other:?} has the same trigger on the same number")]
    TriggerOverlap { no_match: bool, other: String },
    /// A value a keyword sets that does not fit its field's type.
    #[error(transparent)]
    FieldValue(FieldError),
    #[error("file is empty")]
    FileEmpty,
    /// A flow file that could not be read (missing, not text).
    #[error("could not read {path}: {reason}")]
    FileUnreadable { path: String, reason: String },
    /// An upload refused by the inbox's rules (size, blocked type).
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
    /// A simulation id the app does not hold (closed, replaced by newer
    /// ones, or from before a restart).
    #[error("no such simulation")]
    SimulationUnknown,
    /// The simulator's throwaway store could not be made.
    #[error("simulation store: {0}")]
    SimulationFailed(String),
    /// Deleting a flow while conversations are in it, without ending them.
    #[error("{sessions} session(s) running")]
    FlowRunning { sessions: u32 },
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
    Plan(#[from] crate::plans::PlanError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Shortest and longest wait before a session waiting for a reply expires.
pub const EXPIRY_MINUTES: std::ops::RangeInclusive<u32> = 5..=30 * 24 * 60;
/// Hours between two "no match" replies to one contact: an hour to a month.
pub const NO_MATCH_HOURS: std::ops::RangeInclusive<u32> = 1..=720;

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
            TimeZoneUnknown(_) | UrlInvalid(_) | SettingsInvalid(_) | HandoffWordsEmpty
            | HandoffWordTwice(_) | HandoffWord(_) | HandoffReplyEmpty | HandoffReplyTooLong
            | ExpiryOutOfRange | AiModelMissing => ErrorCode::AutomationSettingsInvalid,
            SecuritySettingsForbidden => ErrorCode::AutomationSettingsForbidden,
            ReplyEmpty => ErrorCode::MessageEmpty,
            ReplyTooLong => ErrorCode::MessageTooLong,
            TagMissing(_) => ErrorCode::TagUnknown,
            OperatorUnknown => ErrorCode::UserUnknown,
            FlowAndHandoff => ErrorCode::KeywordInvalid,
            FlowNameTaken(_) => ErrorCode::FlowDuplicate,
            FlowInUse { .. } => ErrorCode::FlowInUse,
            VersionUnknown => ErrorCode::FlowUnknown,
            TriggerHours(_) => ErrorCode::FlowTriggerInvalid,
            TriggerOverlap { .. } => ErrorCode::FlowTriggerConflict,
            FieldValue(e) => e.code(),
            FileEmpty => ErrorCode::AttachmentBlocked,
            FileUnreadable { .. } => ErrorCode::ImportFileUnreadable,
            Attachment(e) => e.code(),
            SimulationUnknown => ErrorCode::SimulationUnknown,
            SimulationFailed(_) => ErrorCode::SimulationFailed,
            FlowRunning { .. } => ErrorCode::FlowRunning,
            ContactOptedOut => ErrorCode::ContactOptedOut,
            // No code of its own yet: the settings are what to change.
            AutomationOff => ErrorCode::AutomationSettingsInvalid,
            Inbox(e) => e.code(),
            Field(e) => e.code(),
            Plan(e) => e.code(),
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
                    "Este fluxo foi alterado em outro lugar desde que você o abriu. Recarregue para ver a versão atual; suas alterações não foram salvas.",
                    "This flow was changed elsewhere since you opened it. Reload to see the current version; your changes were not saved.",
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
            HandoffWordsEmpty => lang
                .pick(
                    "Escreva ao menos uma palavra com que o contato peça um atendente (por exemplo \"atendente\").",
                    "Write at least one word a contact uses to ask for an operator (for example \"atendente\").",
                )
                .to_owned(),
            HandoffWordTwice(word) => {
                if pt {
                    format!("A palavra \"{word}\" aparece duas vezes (maiúsculas e acentos não fazem outra palavra). Deixe uma só.")
                } else {
                    format!("The word \"{word}\" appears twice (case and accents do not make another word). Keep one.")
                }
            }
            HandoffWord(e) => Words(e.clone()).message(lang),
            HandoffReplyEmpty => lang
                .pick(
                    "Escreva a resposta enviada quando o contato pede um atendente.",
                    "Write the reply sent when a contact asks for an operator.",
                )
                .to_owned(),
            HandoffReplyTooLong | ReplyTooLong => {
                if pt {
                    format!("A mensagem pode ter até {MESSAGE_MAX} caracteres, o limite do WhatsApp.")
                } else {
                    format!("The message can have at most {MESSAGE_MAX} characters, WhatsApp's limit.")
                }
            }
            ExpiryOutOfRange => lang
                .pick(
                    "O tempo de espera por uma resposta deve ficar entre 5 minutos e 30 dias.",
                    "The time to wait for a reply must be between 5 minutes and 30 days.",
                )
                .to_owned(),
            AiModelMissing => lang
                .pick(
                    "Informe o modelo de IA a usar nesse endereço (por exemplo gpt-4o-mini ou llama3.1).",
                    "Give the AI model to use at that address (for example gpt-4o-mini or llama3.1).",
                )
                .to_owned(),
            SecuritySettingsForbidden => lang
                .pick(
                    "Só um dono ou administrador pode mudar o endereço da IA ou permitir \
                     endereços privados. Nada foi salvo: peça a um deles, ou desfaça essa \
                     mudança e salve o resto.",
                    "Only an owner or an admin can change the AI address or allow private \
                     addresses. Nothing was saved: ask one of them, or undo that change and \
                     save the rest.",
                )
                .to_owned(),
            ReplyEmpty => lang
                .pick(
                    "Escreva a resposta ou escolha um arquivo.",
                    "Write the reply or choose a file.",
                )
                .to_owned(),
            TagMissing(name) => {
                if pt {
                    format!("A etiqueta \"{name}\" não existe nesta conta. Crie-a em Configurações ou escolha outra.")
                } else {
                    format!("Tag \"{name}\" does not exist in this account. Create it in Settings or choose another.")
                }
            }
            OperatorUnknown => lang
                .pick(
                    "Este atendente não existe mais. Escolha outro ou deixe sem responsável.",
                    "This operator no longer exists. Choose another or leave it unassigned.",
                )
                .to_owned(),
            FlowAndHandoff => lang
                .pick(
                    "Escolha entre iniciar um fluxo e passar para um atendente: as duas ações juntas se contradizem.",
                    "Choose between starting a flow and handing off to an operator: both together contradict each other.",
                )
                .to_owned(),
            FlowNameTaken(name) => {
                if pt {
                    format!("Já existe um fluxo chamado \"{name}\" nesta conta. Escolha outro nome.")
                } else {
                    format!("This account already has a flow named \"{name}\". Choose another name.")
                }
            }
            FlowInUse { keyword } => {
                if pt {
                    format!("A palavra-chave \"{keyword}\" inicia este fluxo. Mude a ação dela (ou exclua-a) antes de excluir o fluxo.")
                } else {
                    format!("Keyword \"{keyword}\" starts this flow. Change its action (or delete it) before deleting the flow.")
                }
            }
            VersionUnknown => lang
                .pick(
                    "Esta versão do fluxo não existe.",
                    "This version of the flow does not exist.",
                )
                .to_owned(),
            TriggerHours(_) => lang
                .pick(
                    "O intervalo da resposta padrão deve ficar entre 1 hora e 720 horas (30 dias).",
                    "The default reply's interval must be between 1 hour and 720 hours (30 days).",
                )
                .to_owned(),
            TriggerOverlap { no_match, other } => match (no_match, pt) {
                (false, true) => format!(
                    "O fluxo \"{other}\" já começa com a primeira mensagem de um contato em um dos mesmos números. Escolha outros números ou desligue um dos dois."
                ),
                (false, false) => format!(
                    "Flow \"{other}\" already starts on a contact's first message on one of the same numbers. Choose other numbers or turn one of them off."
                ),
                (true, true) => format!(
                    "O fluxo \"{other}\" já é a resposta padrão (sem correspondência) em um dos mesmos números. Escolha outros números ou desligue um dos dois."
                ),
                (true, false) => format!(
                    "Flow \"{other}\" is already the default reply (no match) on one of the same numbers. Choose other numbers or turn one of them off."
                ),
            },
            FileEmpty => lang
                .pick("O arquivo está vazio.", "The file is empty.")
                .to_owned(),
            FieldValue(e) => e.message(lang),
            FileUnreadable { path, reason } => {
                if pt {
                    format!("Não foi possível ler o arquivo {path} ({reason}). Confira o caminho e se é um arquivo de texto (JSON).")
                } else {
                    format!("The file {path} could not be read ({reason}). Check the path and that it is a text (JSON) file.")
                }
            }
            Attachment(e) => e.message(lang),
            SimulationUnknown => lang
                .pick(
                    "Esta simulação já foi fechada (ou o ZapDesk reiniciou). Abra o simulador de novo.",
                    "This simulation was already closed (or ZapDesk restarted). Open the simulator again.",
                )
                .to_owned(),
            SimulationFailed(reason) => {
                if pt {
                    format!("Não foi possível preparar a simulação ({reason}). Confira o espaço livre no disco e tente de novo.")
                } else {
                    format!("The simulation could not be prepared ({reason}). Check the free disk space and try again.")
                }
            }
            FlowRunning { sessions } => match (sessions, pt) {
                (1, true) => "Este fluxo tem 1 conversa em andamento. Encerre-a para excluir o fluxo (o bot para de responder nela), ou espere que termine.".to_owned(),
                (n, true) => format!("Este fluxo tem {n} conversas em andamento. Encerre-as para excluir o fluxo (o bot para de responder nelas), ou espere que terminem."),
                (1, false) => "This flow has 1 conversation in progress. End it to delete the flow (the bot stops answering there), or wait until it finishes.".to_owned(),
                (n, false) => format!("This flow has {n} conversations in progress. End them to delete the flow (the bot stops answering there), or wait until they finish."),
            },
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
            Plan(e) => e.message(lang),
            Database(_) => database_failed(lang),
        }
    }
}
