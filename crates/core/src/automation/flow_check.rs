//! Every problem of a flow document, each naming its node, so the canvas can
//! show them all at once and publishing can refuse while an error remains.
//! Nothing here stops at the first problem: an operator fixes a list, not a
//! sequence of surprises.

use std::collections::{HashMap, HashSet};

use crate::Lang;
use crate::automation::engine::{self, TextIssue};
use crate::automation::flow::{AnswerKind, Content, FlowDocument, NodeKind, Operator, Subject};
use crate::fields::FieldKind;

/// What a check needs to know of the account.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Custom field keys.
    pub fields: HashSet<String>,
    /// Tag names, folded.
    pub tags: HashSet<String>,
    /// Flow ids a `go_to_flow` may name.
    pub flows: HashSet<String>,
    /// The kind of each field in `fields` (a field missing here is not
    /// checked for what its answers hold).
    pub kinds: HashMap<String, FieldKind>,
}

impl Known {
    /// Fields' keys and kinds from the account's custom fields.
    pub fn with_fields(mut self, fields: &[crate::fields::CustomField]) -> Known {
        for field in fields {
            self.fields.insert(field.key.clone());
            self.kinds.insert(field.key.clone(), field.kind);
        }
        self
    }
}

/// Which text of a node a problem is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPart {
    Message,
    Caption,
    Question,
    Retry,
    Value,
    Note,
    Instructions,
    Url,
    Header { name: String },
    Body,
}

impl TextPart {
    /// Where, as a message begins: "Na pergunta", "In the question".
    fn place(&self, pt: bool) -> String {
        let fixed = |a: &str, b: &str| pick(pt, a, b);
        match self {
            TextPart::Message => fixed("Na mensagem", "In the message"),
            TextPart::Caption => fixed("Na legenda", "In the caption"),
            TextPart::Question => fixed("Na pergunta", "In the question"),
            TextPart::Retry => fixed("Na mensagem de nova tentativa", "In the retry message"),
            TextPart::Value => fixed("No valor", "In the value"),
            TextPart::Note => fixed("Na nota", "In the note"),
            TextPart::Instructions => fixed("Nas instruções", "In the instructions"),
            TextPart::Url => fixed("No endereço (URL)", "In the address (URL)"),
            TextPart::Header { name } => {
                if pt {
                    format!("No cabeçalho {name}")
                } else {
                    format!("In header {name}")
                }
            }
            TextPart::Body => fixed("No corpo (JSON)", "In the body (JSON)"),
        }
    }
}

/// Limits a node's numbers must keep.
pub const ASK_TIMEOUT_MINUTES: std::ops::RangeInclusive<u32> = 1..=43_200;
pub const HTTP_TIMEOUT_MS: std::ops::RangeInclusive<u32> = 1_000..=30_000;
pub const DELAY_MINUTES_MAX: u32 = 365 * 24 * 60;
pub const AI_MAX_CHARS: std::ops::RangeInclusive<u32> =
    1..=crate::campaigns::template::MESSAGE_MAX as u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Shown; publishing goes ahead.
    Warning,
    /// Publishing is refused.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    StartMissing,
    NodeTwice,
    EdgeFromUnknown {
        edge: String,
    },
    EdgeToUnknown {
        edge: String,
    },
    HandleUnknown {
        handle: String,
    },
    HandleTwice {
        handle: String,
    },
    Unreachable,
    /// A branch with no edge: the session would have nowhere to go.
    BranchNowhere {
        handle: String,
    },
    /// `next` with no edge: the flow ends there.
    EndsHere,
    MenuEmpty,
    SplitsNot100 {
        total: u32,
    },
    TextEmpty,
    PatternInvalid {
        pattern: String,
    },
    FieldUnknown {
        field: String,
    },
    TagUnknown {
        tag: String,
    },
    FlowUnknown {
        flow: String,
    },
    UrlMissing,
    /// A variable the account does not have, in one of the node's texts.
    VariableUnknown {
        part: TextPart,
        variable: String,
    },
    /// `{{` without `}}`, or spintax braces (`{Oi|Olá}`) that do not
    /// balance; `at` counts characters from 0.
    BracesUnbalanced {
        part: TextPart,
        at: usize,
    },
    /// A delay's allowed hours on no weekday (1–7): they never open.
    WindowNeverOpens,
    /// A delay's allowed hours that start and end at the same time.
    WindowEmpty,
    /// Not a time of day as `HH:MM`.
    TimeInvalid {
        time: String,
    },
    /// Not a weekday from 1 (Monday) to 7 (Sunday).
    WeekdayInvalid {
        value: String,
    },
    /// A question saving its answer into a field that cannot hold it.
    AnswerDoesNotFit {
        answer: AnswerKind,
        field: String,
    },
    UrlNotHttp,
    /// A request body that is not JSON (variables aside).
    BodyNotJson,
    HeaderInvalid {
        name: String,
    },
    AskTimeoutOutOfRange,
    HttpTimeoutOutOfRange,
    DelayTooLong,
    AiLengthOutOfRange,
    SplitsMissing,
    /// Nodes that can run in a circle without waiting for the contact or a
    /// timer: one turn would send without end (the engine's step budget
    /// would stop it, but it is a mistake to fix, not to rely on).
    LoopWithoutWait {
        through: Vec<String>,
    },
}

/// A problem and the node it is on (none for the document's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub node: Option<String>,
    pub problem: Problem,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        match self.problem {
            Problem::EndsHere => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        let pt = lang == Lang::PtBr;
        match &self.problem {
            StartMissing => pick(
                pt,
                "O fluxo não tem um bloco inicial.",
                "The flow has no start block.",
            ),
            NodeTwice => pick(
                pt,
                "Dois blocos têm o mesmo id.",
                "Two blocks have the same id.",
            ),
            EdgeFromUnknown { edge } | EdgeToUnknown { edge } => {
                if pt {
                    format!("A ligação {edge} aponta para um bloco que não existe.")
                } else {
                    format!("Link {edge} points to a block that does not exist.")
                }
            }
            HandleUnknown { handle } => {
                if pt {
                    format!("Este bloco não tem a saída \"{handle}\".")
                } else {
                    format!("This block has no \"{handle}\" output.")
                }
            }
            HandleTwice { handle } => {
                if pt {
                    format!("A saída \"{handle}\" está ligada a mais de um bloco.")
                } else {
                    format!("Output \"{handle}\" is linked to more than one block.")
                }
            }
            Unreachable => pick(
                pt,
                "Nenhum caminho chega a este bloco.",
                "No path reaches this block.",
            ),
            BranchNowhere { handle } => {
                if pt {
                    format!("A saída \"{handle}\" não leva a nenhum bloco.")
                } else {
                    format!("Output \"{handle}\" leads nowhere.")
                }
            }
            EndsHere => pick(pt, "O fluxo termina aqui.", "The flow ends here."),
            MenuEmpty => pick(pt, "O menu não tem opções.", "The menu has no options."),
            SplitsNot100 { total } => {
                if pt {
                    format!("As porcentagens somam {total}%, não 100%.")
                } else {
                    format!("The percentages add up to {total}%, not 100%.")
                }
            }
            TextEmpty => pick(pt, "A mensagem está vazia.", "The message is empty."),
            PatternInvalid { pattern } => {
                if pt {
                    format!("A expressão regular \"{pattern}\" não é válida.")
                } else {
                    format!("The regular expression \"{pattern}\" is not valid.")
                }
            }
            FieldUnknown { field } => {
                if pt {
                    format!("O campo \"{field}\" não existe nesta conta.")
                } else {
                    format!("Field \"{field}\" does not exist in this account.")
                }
            }
            TagUnknown { tag } => {
                if pt {
                    format!("A etiqueta \"{tag}\" não existe nesta conta.")
                } else {
                    format!("Tag \"{tag}\" does not exist in this account.")
                }
            }
            FlowUnknown { flow } => {
                if pt {
                    format!("O fluxo {flow} não existe.")
                } else {
                    format!("Flow {flow} does not exist.")
                }
            }
            UrlMissing => pick(
                pt,
                "Informe o endereço (URL) da requisição.",
                "Give the request's address (URL).",
            ),
            VariableUnknown { part, variable } => {
                let part = part.place(pt);
                let built: Vec<String> = crate::campaigns::template::BUILT_IN
                    .iter()
                    .chain(engine::FLOW_VARIABLES.iter())
                    .map(|v| format!("{{{{{v}}}}}"))
                    .collect();
                if pt {
                    format!(
                        "{part}, a variável {{{{{variable}}}}} não existe. Use {} ou um campo personalizado desta conta.",
                        built.join(", ")
                    )
                } else {
                    format!(
                        "{part}, there is no variable {{{{{variable}}}}}. Use {} or a custom field of this account.",
                        built.join(", ")
                    )
                }
            }
            BracesUnbalanced { part, at } => {
                let part = part.place(pt);
                if pt {
                    format!(
                        "{part}, as chaves não fecham (variáveis {{{{nome}}}}, variações {{Oi|Olá}}): confira o caractere {}.",
                        at + 1
                    )
                } else {
                    format!(
                        "{part}, the braces do not balance (variables {{{{nome}}}}, variations {{Hi|Hello}}): check character {}.",
                        at + 1
                    )
                }
            }
            WindowNeverOpens => pick(
                pt,
                "Escolha ao menos um dia da semana para o horário permitido.",
                "Choose at least one weekday for the allowed hours.",
            ),
            WindowEmpty => pick(
                pt,
                "O horário permitido começa e termina na mesma hora.",
                "The allowed hours start and end at the same time.",
            ),
            TimeInvalid { time } => {
                if pt {
                    format!("\"{time}\" não é um horário: use HH:MM, como 08:30.")
                } else {
                    format!("\"{time}\" is not a time: use HH:MM, such as 08:30.")
                }
            }
            WeekdayInvalid { value } => {
                if pt {
                    format!("\"{value}\" não é um dia da semana: use 1 (segunda) a 7 (domingo).")
                } else {
                    format!("\"{value}\" is not a weekday: use 1 (Monday) to 7 (Sunday).")
                }
            }
            AnswerDoesNotFit { answer, field } => {
                let kind = answer_name(*answer, pt);
                if pt {
                    format!("O campo \"{field}\" não guarda respostas do tipo {kind}.")
                } else {
                    format!("Field \"{field}\" cannot hold {kind} answers.")
                }
            }
            UrlNotHttp => pick(
                pt,
                "O endereço deve começar com http:// ou https://.",
                "The address must start with http:// or https://.",
            ),
            BodyNotJson => pick(
                pt,
                "O corpo da requisição não é um JSON válido.",
                "The request body is not valid JSON.",
            ),
            HeaderInvalid { name } => {
                if pt {
                    format!("\"{name}\" não é um nome de cabeçalho válido.")
                } else {
                    format!("\"{name}\" is not a valid header name.")
                }
            }
            AskTimeoutOutOfRange => {
                if pt {
                    format!(
                        "O tempo de espera deve ficar entre {} minuto e {} dias.",
                        ASK_TIMEOUT_MINUTES.start(),
                        ASK_TIMEOUT_MINUTES.end() / 1440
                    )
                } else {
                    format!(
                        "The waiting time must be between {} minute and {} days.",
                        ASK_TIMEOUT_MINUTES.start(),
                        ASK_TIMEOUT_MINUTES.end() / 1440
                    )
                }
            }
            HttpTimeoutOutOfRange => {
                if pt {
                    format!(
                        "O tempo limite da requisição deve ficar entre {} e {} segundos.",
                        HTTP_TIMEOUT_MS.start() / 1000,
                        HTTP_TIMEOUT_MS.end() / 1000
                    )
                } else {
                    format!(
                        "The request's time limit must be between {} and {} seconds.",
                        HTTP_TIMEOUT_MS.start() / 1000,
                        HTTP_TIMEOUT_MS.end() / 1000
                    )
                }
            }
            DelayTooLong => {
                if pt {
                    format!(
                        "Uma espera pode durar no máximo {} dias.",
                        DELAY_MINUTES_MAX / 1440
                    )
                } else {
                    format!(
                        "A delay can last at most {} days.",
                        DELAY_MINUTES_MAX / 1440
                    )
                }
            }
            AiLengthOutOfRange => {
                if pt {
                    format!(
                        "O tamanho da resposta deve ficar entre {} e {} caracteres.",
                        AI_MAX_CHARS.start(),
                        AI_MAX_CHARS.end()
                    )
                } else {
                    format!(
                        "The reply length must be between {} and {} characters.",
                        AI_MAX_CHARS.start(),
                        AI_MAX_CHARS.end()
                    )
                }
            }
            SplitsMissing => pick(
                pt,
                "O sorteio não tem caminhos.",
                "The randomizer has no branches.",
            ),
            LoopWithoutWait { through } => {
                if pt {
                    format!(
                        "Estes blocos formam um ciclo sem espera (pergunta, menu ou atraso de pelo menos 1 minuto): {}.",
                        through.join(", ")
                    )
                } else {
                    format!(
                        "These blocks form a loop without a wait (question, menu or a delay of at least a minute): {}.",
                        through.join(", ")
                    )
                }
            }
        }
    }
}

fn pick(pt: bool, a: &str, b: &str) -> String {
    if pt { a } else { b }.to_owned()
}

fn answer_name(answer: AnswerKind, pt: bool) -> String {
    let (a, b) = match answer {
        AnswerKind::Text => ("texto", "text"),
        AnswerKind::Number => ("número", "number"),
        AnswerKind::Email => ("e-mail", "e-mail"),
        AnswerKind::Phone => ("telefone", "phone"),
        AnswerKind::Date => ("data", "date"),
        AnswerKind::CpfCnpj => ("CPF/CNPJ", "CPF/CNPJ"),
        AnswerKind::YesNo => ("sim/não", "yes/no"),
    };
    pick(pt, a, b)
}

/// Whether any finding stops publishing.
pub fn blocks_publish(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity() == Severity::Error)
}

/// Every problem of `doc`, in node order.
pub fn check(doc: &FlowDocument, known: &Known) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |node: Option<&str>, problem| {
        out.push(Finding {
            node: node.map(str::to_owned),
            problem,
        })
    };
    let mut nodes: HashMap<&str, &NodeKind> = HashMap::new();
    for node in &doc.nodes {
        if nodes.insert(&node.id, &node.kind).is_some() {
            push(Some(&node.id), Problem::NodeTwice);
        }
    }
    if !nodes.contains_key(doc.start.as_str()) {
        push(None, Problem::StartMissing);
    }

    // Edges: both ends exist, the handle is the node's, one edge per handle.
    let mut taken: HashSet<(&str, &str)> = HashSet::new();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for edge in &doc.edges {
        let Some(kind) = nodes.get(edge.from.as_str()) else {
            push(
                None,
                Problem::EdgeFromUnknown {
                    edge: edge.id.clone(),
                },
            );
            continue;
        };
        if !nodes.contains_key(edge.to.as_str()) {
            push(
                Some(&edge.from),
                Problem::EdgeToUnknown {
                    edge: edge.id.clone(),
                },
            );
            continue;
        }
        if !kind.handles().contains(&edge.handle) {
            push(
                Some(&edge.from),
                Problem::HandleUnknown {
                    handle: edge.handle.clone(),
                },
            );
            continue;
        }
        if !taken.insert((&edge.from, &edge.handle)) {
            push(
                Some(&edge.from),
                Problem::HandleTwice {
                    handle: edge.handle.clone(),
                },
            );
            continue;
        }
        next.entry(&edge.from).or_default().push(&edge.to);
    }

    let reachable = reach(&doc.start, &next);
    for node in &doc.nodes {
        let id = node.id.as_str();
        if nodes.contains_key(doc.start.as_str()) && !reachable.contains(id) {
            push(Some(id), Problem::Unreachable);
        }
        for handle in node.kind.handles() {
            if !taken.contains(&(id, handle.as_str())) {
                let problem = if handle == "next" {
                    Problem::EndsHere
                } else {
                    Problem::BranchNowhere { handle }
                };
                push(Some(id), problem);
            }
        }
        for problem in content_problems(&node.kind, known) {
            push(Some(id), problem);
        }
    }

    for through in loops_without_wait(doc, &next) {
        let first = through.first().cloned();
        push(first.as_deref(), Problem::LoopWithoutWait { through });
    }
    out
}

fn reach<'a>(start: &'a str, next: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen = HashSet::from([start]);
    let mut stack = vec![start];
    while let Some(at) = stack.pop() {
        for to in next.get(at).into_iter().flatten() {
            if seen.insert(to) {
                stack.push(to);
            }
        }
    }
    seen
}

fn content_problems(kind: &NodeKind, known: &Known) -> Vec<Problem> {
    let mut out = Vec::new();
    let field = |key: &str, out: &mut Vec<Problem>| {
        if !known.fields.contains(key) {
            out.push(Problem::FieldUnknown {
                field: key.to_owned(),
            });
        }
    };
    let tag = |name: &str, out: &mut Vec<Problem>| {
        if !known.tags.contains(&crate::text::fold(name.trim())) {
            out.push(Problem::TagUnknown {
                tag: name.to_owned(),
            });
        }
    };
    let keys: Vec<&str> = known.fields.iter().map(String::as_str).collect();
    // A message: variables and spintax.
    let text = |part: TextPart, text: &str, out: &mut Vec<Problem>| {
        for issue in engine::text_issues(text, &keys) {
            out.push(text_problem(part.clone(), issue));
        }
    };
    // An HTTP node's texts: variables only.
    let plain = |part: TextPart, text: &str, out: &mut Vec<Problem>| {
        for issue in engine::variable_issues(text, &keys) {
            out.push(text_problem(part.clone(), issue));
        }
    };
    match kind {
        NodeKind::Send { content, .. } => match content {
            Content::Text { text: message } => {
                if message.trim().is_empty() {
                    out.push(Problem::TextEmpty);
                }
                text(TextPart::Message, message, &mut out);
            }
            Content::File { caption, .. } => text(TextPart::Caption, caption, &mut out),
        },
        NodeKind::Menu {
            question,
            options,
            retry,
            ..
        } => {
            if options.is_empty() {
                out.push(Problem::MenuEmpty);
            }
            if question.trim().is_empty() {
                out.push(Problem::TextEmpty);
            }
            text(TextPart::Question, question, &mut out);
            text(TextPart::Retry, retry, &mut out);
        }
        NodeKind::Ask {
            question,
            answer,
            field: key,
            retry,
            timeout_minutes,
            ..
        } => {
            if question.trim().is_empty() {
                out.push(Problem::TextEmpty);
            }
            text(TextPart::Question, question, &mut out);
            text(TextPart::Retry, retry, &mut out);
            if let Some(key) = key {
                field(key, &mut out);
                if let Some(kind) = known.kinds.get(key)
                    && !engine::answer_fits(*answer, *kind)
                {
                    out.push(Problem::AnswerDoesNotFit {
                        answer: *answer,
                        field: key.clone(),
                    });
                }
            }
            if timeout_minutes.is_some_and(|m| !ASK_TIMEOUT_MINUTES.contains(&m)) {
                out.push(Problem::AskTimeoutOutOfRange);
            }
        }
        NodeKind::Condition { rules, .. } => {
            for rule in rules {
                match &rule.subject {
                    Subject::Field(key) => field(key, &mut out),
                    Subject::Tag(name) => tag(name, &mut out),
                    _ => {}
                }
                let compares = matches!(
                    rule.operator,
                    Operator::Equals | Operator::NotEquals | Operator::Greater | Operator::Less
                );
                match rule.subject {
                    Subject::TimeOfDay if compares && engine::parse_hhmm(&rule.value).is_none() => {
                        out.push(Problem::TimeInvalid {
                            time: rule.value.clone(),
                        });
                    }
                    Subject::Weekday
                        if compares
                            && !rule
                                .value
                                .trim()
                                .parse::<u8>()
                                .is_ok_and(|d| (1..=7).contains(&d)) =>
                    {
                        out.push(Problem::WeekdayInvalid {
                            value: rule.value.clone(),
                        });
                    }
                    _ => {}
                }
                if rule.operator == Operator::Matches && !engine::pattern_compiles(&rule.value) {
                    out.push(Problem::PatternInvalid {
                        pattern: rule.value.clone(),
                    });
                }
            }
        }
        NodeKind::Tags { add, remove } => {
            for name in add.iter().chain(remove) {
                tag(name, &mut out);
            }
        }
        NodeKind::SetField { field: key, value } => {
            field(key, &mut out);
            text(TextPart::Value, value, &mut out);
        }
        NodeKind::Delay { minutes, window } => {
            if *minutes > DELAY_MINUTES_MAX {
                out.push(Problem::DelayTooLong);
            }
            if let Some(window) = window {
                let from = engine::parse_hhmm(&window.from);
                let to = engine::parse_hhmm(&window.to);
                for (time, read) in [(&window.from, from), (&window.to, to)] {
                    if read.is_none() {
                        out.push(Problem::TimeInvalid { time: time.clone() });
                    }
                }
                if from.is_some() && from == to {
                    out.push(Problem::WindowEmpty);
                }
                if !window.weekdays.iter().any(|d| (1..=7).contains(d)) {
                    out.push(Problem::WindowNeverOpens);
                }
                for day in window.weekdays.iter().filter(|d| !(1..=7).contains(*d)) {
                    out.push(Problem::WeekdayInvalid {
                        value: day.to_string(),
                    });
                }
            }
        }
        NodeKind::Http {
            url,
            headers,
            body,
            timeout_ms,
            save,
            ..
        } => {
            let lower = url.trim().to_lowercase();
            let host = lower
                .strip_prefix("https://")
                .or_else(|| lower.strip_prefix("http://"));
            if lower.is_empty() {
                out.push(Problem::UrlMissing);
            } else if host.is_none_or(|h| h.is_empty() || h.starts_with('/')) {
                out.push(Problem::UrlNotHttp);
            }
            plain(TextPart::Url, url, &mut out);
            for header in headers {
                let name = header.name.trim();
                if name.is_empty() || !name.bytes().all(is_token_byte) {
                    out.push(Problem::HeaderInvalid {
                        name: header.name.clone(),
                    });
                }
                plain(
                    TextPart::Header {
                        name: name.to_owned(),
                    },
                    &header.value,
                    &mut out,
                );
            }
            if let Some(body) = body.as_deref().filter(|b| !b.trim().is_empty()) {
                plain(TextPart::Body, body, &mut out);
                if !json_with_variables(body) {
                    out.push(Problem::BodyNotJson);
                }
            }
            if !HTTP_TIMEOUT_MS.contains(timeout_ms) {
                out.push(Problem::HttpTimeoutOutOfRange);
            }
            for mapping in save {
                field(&mapping.field, &mut out);
            }
        }
        NodeKind::Ai {
            instructions,
            max_chars,
        } => {
            text(TextPart::Instructions, instructions, &mut out);
            if !AI_MAX_CHARS.contains(max_chars) {
                out.push(Problem::AiLengthOutOfRange);
            }
        }
        NodeKind::Randomizer { splits } => {
            if splits.is_empty() {
                out.push(Problem::SplitsMissing);
            } else {
                let total: u32 = splits.iter().map(|s| u32::from(s.percent)).sum();
                if total != 100 {
                    out.push(Problem::SplitsNot100 { total });
                }
            }
        }
        NodeKind::GoToFlow { flow } => {
            if !known.flows.contains(flow) {
                out.push(Problem::FlowUnknown { flow: flow.clone() });
            }
        }
        NodeKind::Handoff { note, .. } => text(TextPart::Note, note, &mut out),
        NodeKind::End => {}
    }
    out
}

fn text_problem(part: TextPart, issue: TextIssue) -> Problem {
    match issue {
        TextIssue::UnknownVariable(variable) => Problem::VariableUnknown { part, variable },
        TextIssue::Unclosed(at) | TextIssue::Unbalanced(at) => {
            Problem::BracesUnbalanced { part, at }
        }
    }
}

/// RFC 9110's token characters: what a header name may be made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether a body is JSON once its variables are filled: each `{{…}}` is
/// tried as a number (where it stands for a value, `"idade": {{idade}}`),
/// which also reads inside a string (`"nome": "{{nome}}"`).
fn json_with_variables(body: &str) -> bool {
    let mut filled = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find("{{") {
        let Some(len) = rest[open + 2..].find("}}") else {
            break;
        };
        filled.push_str(&rest[..open]);
        filled.push('0');
        rest = &rest[open + 2 + len + 2..];
    }
    filled.push_str(rest);
    serde_json::from_str::<serde_json::Value>(&filled).is_ok()
}

/// The cycles among nodes that do not wait: the strongly connected parts of
/// the graph without its waiting nodes (Tarjan's algorithm), each of more
/// than one node or a node linked to itself. In document order.
fn loops_without_wait(doc: &FlowDocument, next: &HashMap<&str, Vec<&str>>) -> Vec<Vec<String>> {
    let busy: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|n| !n.kind.waits())
        .map(|n| n.id.as_str())
        .collect();
    let busy_set: HashSet<&str> = busy.iter().copied().collect();
    let mut state = Tarjan::default();
    for id in &busy {
        if !state.index.contains_key(id) {
            state.visit(id, next, &busy_set);
        }
    }
    let order: HashMap<&str, usize> = doc
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut found: Vec<Vec<String>> = state
        .parts
        .into_iter()
        .filter(|part| part.len() > 1 || next.get(part[0]).is_some_and(|to| to.contains(&part[0])))
        .map(|mut part| {
            part.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
            part.into_iter().map(str::to_owned).collect()
        })
        .collect();
    found.sort_by_key(|part: &Vec<String>| order.get(part[0].as_str()).copied());
    found
}

#[derive(Default)]
struct Tarjan<'a> {
    next_index: usize,
    index: HashMap<&'a str, usize>,
    low: HashMap<&'a str, usize>,
    stack: Vec<&'a str>,
    on_stack: HashSet<&'a str>,
    parts: Vec<Vec<&'a str>>,
}

impl<'a> Tarjan<'a> {
    // Recursive: flows are drawn by hand (hundreds of nodes, not millions).
    fn visit(
        &mut self,
        at: &'a str,
        next: &HashMap<&'a str, Vec<&'a str>>,
        busy: &HashSet<&'a str>,
    ) {
        self.index.insert(at, self.next_index);
        self.low.insert(at, self.next_index);
        self.next_index += 1;
        self.stack.push(at);
        self.on_stack.insert(at);
        for &to in next.get(at).into_iter().flatten() {
            if !busy.contains(to) {
                continue;
            }
            if !self.index.contains_key(to) {
                self.visit(to, next, busy);
                let low = self.low[at].min(self.low[to]);
                self.low.insert(at, low);
            } else if self.on_stack.contains(to) {
                let low = self.low[at].min(self.index[to]);
                self.low.insert(at, low);
            }
        }
        if self.low[at] == self.index[at] {
            let mut part = Vec::new();
            while let Some(id) = self.stack.pop() {
                self.on_stack.remove(id);
                part.push(id);
                if id == at {
                    break;
                }
            }
            self.parts.push(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automation::flow::tests::{edge, welcome};
    use crate::automation::flow::{Combine, Node, Position, Rule};

    fn node(id: &str, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            position: Position { x: 0.0, y: 0.0 },
            kind,
        }
    }

    fn problems(doc: &FlowDocument, known: &Known) -> Vec<(Option<String>, Problem)> {
        check(doc, known)
            .into_iter()
            .map(|f| (f.node, f.problem))
            .collect()
    }

    #[test]
    fn a_sound_flow_has_no_problem() {
        assert_eq!(problems(&welcome(), &Known::default()), vec![]);
    }

    #[test]
    fn every_problem_is_listed_with_its_node() {
        let mut doc = welcome();
        // Option b's edge gone, an unknown handle, an edge to nowhere, an
        // orphan, an empty menu elsewhere, an unknown field.
        doc.edges.retain(|e| e.id != "e3");
        doc.edges.push(edge("e5", "hi", "sideways", "end"));
        doc.edges.push(edge("e6", "end", "next", "ghost"));
        doc.nodes.push(node(
            "orphan",
            NodeKind::Menu {
                question: "?".into(),
                options: vec![],
                retry: String::new(),
                tries: 1,
            },
        ));
        doc.nodes.push(node(
            "save",
            NodeKind::SetField {
                field: "cidade".into(),
                // The flow's own variable: this test is about the field.
                value: "{{ultima_resposta}}".into(),
            },
        ));
        doc.edges.push(edge("e7", "orphan", "other", "save"));
        let found = problems(&doc, &Known::default());
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(
            found,
            vec![
                (
                    s("hi"),
                    Problem::HandleUnknown {
                        handle: "sideways".into()
                    }
                ),
                (s("end"), Problem::EdgeToUnknown { edge: "e6".into() }),
                (
                    s("menu"),
                    Problem::BranchNowhere {
                        handle: "option:b".into()
                    }
                ),
                (s("end"), Problem::Unreachable),
                (s("orphan"), Problem::Unreachable),
                (s("orphan"), Problem::MenuEmpty),
                (s("save"), Problem::Unreachable),
                (s("save"), Problem::EndsHere),
                (
                    s("save"),
                    Problem::FieldUnknown {
                        field: "cidade".into()
                    }
                ),
            ]
        );
        assert!(blocks_publish(&check(&doc, &Known::default())));
    }

    #[test]
    fn a_flow_that_only_ends_early_may_be_published() {
        let mut doc = welcome();
        doc.edges.retain(|e| e.id != "e1");
        // The menu is now unreachable: an error; with the start moved there
        // only the warning on the first block is left.
        doc.start = "menu".into();
        doc.nodes.retain(|n| n.id != "hi");
        assert_eq!(problems(&doc, &Known::default()), vec![]);
        doc.nodes.push(node(
            "tail",
            NodeKind::Send {
                content: Content::Text {
                    text: "Até logo".into(),
                },
                typing_ms: 0,
            },
        ));
        doc.edges.retain(|e| e.id != "e3");
        doc.edges.push(edge("e3", "menu", "option:b", "tail"));
        doc.nodes.retain(|n| n.id != "end");
        let found = check(&doc, &Known::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].problem, Problem::EndsHere);
        assert!(!blocks_publish(&found));
    }

    #[test]
    fn a_loop_without_a_wait_is_found_and_one_with_a_wait_is_not() {
        let tag = |id: &str| {
            node(
                id,
                NodeKind::Tags {
                    add: vec!["VIP".into()],
                    remove: vec![],
                },
            )
        };
        let known = Known {
            tags: HashSet::from(["vip".to_owned()]),
            ..Known::default()
        };
        let mut doc = FlowDocument {
            schema: 1,
            start: "a".into(),
            nodes: vec![tag("a"), tag("b"), tag("c")],
            edges: vec![
                edge("1", "a", "next", "b"),
                edge("2", "b", "next", "c"),
                edge("3", "c", "next", "b"),
            ],
        };
        assert_eq!(
            problems(&doc, &known),
            vec![(
                Some("b".into()),
                Problem::LoopWithoutWait {
                    through: vec!["b".into(), "c".into()]
                }
            )]
        );
        // A node linked to itself is a loop too.
        doc.edges = vec![edge("1", "a", "next", "a")];
        doc.nodes.truncate(1);
        assert_eq!(
            problems(&doc, &known),
            vec![(
                Some("a".into()),
                Problem::LoopWithoutWait {
                    through: vec!["a".into()]
                }
            )]
        );
        // Through a delay, the same circle waits each time round.
        doc.nodes.push(node(
            "wait",
            NodeKind::Delay {
                minutes: 60,
                window: None,
            },
        ));
        doc.edges = vec![
            edge("1", "a", "next", "wait"),
            edge("2", "wait", "next", "a"),
        ];
        assert_eq!(problems(&doc, &known), vec![]);
        // A delay of 0 minutes takes no time: the circle would flood.
        doc.nodes[1].kind = NodeKind::Delay {
            minutes: 0,
            window: None,
        };
        assert_eq!(
            problems(&doc, &known),
            vec![(
                Some("a".into()),
                Problem::LoopWithoutWait {
                    through: vec!["a".into(), "wait".into()]
                }
            )]
        );
    }

    #[test]
    fn patterns_tags_flows_and_splits_are_checked() {
        let doc = FlowDocument {
            schema: 1,
            start: "if".into(),
            nodes: vec![
                node(
                    "if",
                    NodeKind::Condition {
                        combine: Combine::Any,
                        rules: vec![
                            Rule {
                                subject: Subject::LastReply,
                                operator: Operator::Matches,
                                value: "(".into(),
                            },
                            Rule {
                                subject: Subject::Tag("Cliente Ouro".into()),
                                operator: Operator::IsSet,
                                value: String::new(),
                            },
                        ],
                    },
                ),
                node(
                    "split",
                    NodeKind::Randomizer {
                        splits: vec![
                            crate::automation::flow::Split {
                                id: "a".into(),
                                percent: 60,
                            },
                            crate::automation::flow::Split {
                                id: "b".into(),
                                percent: 30,
                            },
                        ],
                    },
                ),
                node("go", NodeKind::GoToFlow { flow: "f-9".into() }),
                node("other", NodeKind::GoToFlow { flow: "f-1".into() }),
            ],
            edges: vec![
                edge("1", "if", "true", "split"),
                edge("2", "if", "false", "other"),
                edge("3", "split", "branch:a", "go"),
                edge("4", "split", "branch:b", "other"),
            ],
        };
        let known = Known {
            tags: HashSet::from(["cliente ouro".to_owned()]),
            flows: HashSet::from(["f-1".to_owned()]),
            ..Known::default()
        };
        assert_eq!(
            problems(&doc, &known),
            vec![
                (
                    Some("if".into()),
                    Problem::PatternInvalid {
                        pattern: "(".into()
                    }
                ),
                (Some("split".into()), Problem::SplitsNot100 { total: 90 }),
                (
                    Some("go".into()),
                    Problem::FlowUnknown { flow: "f-9".into() }
                ),
            ]
        );
    }

    fn known_with(fields: &[(&str, FieldKind)]) -> Known {
        Known {
            fields: fields.iter().map(|(k, _)| (*k).to_owned()).collect(),
            kinds: fields.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            ..Known::default()
        }
    }

    /// A start node leading to `node` and then ending, so that only the
    /// node's own problems are found.
    fn around(kind: NodeKind) -> FlowDocument {
        let handles = kind.handles();
        let mut edges = vec![edge("in", "start", "next", "x")];
        for (i, handle) in handles.iter().enumerate() {
            edges.push(edge(&format!("out{i}"), "x", handle, "end"));
        }
        FlowDocument {
            schema: 1,
            start: "start".into(),
            nodes: vec![
                node(
                    "start",
                    NodeKind::Tags {
                        add: vec![],
                        remove: vec![],
                    },
                ),
                node("x", kind),
                node("end", NodeKind::End),
            ],
            edges,
        }
    }

    fn found(kind: NodeKind, known: &Known) -> Vec<Problem> {
        problems(&around(kind), known)
            .into_iter()
            // A node without outputs (hand-off, no splits) leaves `end` alone.
            .filter(|found| *found != (Some("end".into()), Problem::Unreachable))
            .map(|(node, problem)| {
                assert_eq!(node.as_deref(), Some("x"), "{problem:?}");
                problem
            })
            .collect()
    }

    #[test]
    fn every_text_is_checked_for_variables_and_braces() {
        let known = known_with(&[("plano", FieldKind::Text)]);
        let send = |text: &str| NodeKind::Send {
            content: Content::Text { text: text.into() },
            typing_ms: 0,
        };
        assert_eq!(
            found(
                send("{Oi|Olá} {{primeiro_nome}}, seu {{plano}}: {{ultima_resposta}}"),
                &known
            ),
            vec![]
        );
        assert_eq!(
            found(send("Oi {{apelido}} e {{cidade|SP}}"), &known),
            vec![
                Problem::VariableUnknown {
                    part: TextPart::Message,
                    variable: "apelido".into()
                },
                Problem::VariableUnknown {
                    part: TextPart::Message,
                    variable: "cidade".into()
                }
            ]
        );
        assert_eq!(
            found(send("{Oi|Olá tudo bem"), &known),
            vec![Problem::BracesUnbalanced {
                part: TextPart::Message,
                at: 0
            }]
        );
        let menu = NodeKind::Menu {
            question: "Oi {{nome".into(),
            options: vec![crate::automation::flow::MenuOption {
                id: "a".into(),
                label: "A".into(),
                synonyms: vec![],
            }],
            retry: "Tente {de novo".into(),
            tries: 1,
        };
        assert_eq!(
            found(menu, &known),
            vec![
                Problem::BracesUnbalanced {
                    part: TextPart::Question,
                    at: 3
                },
                Problem::BracesUnbalanced {
                    part: TextPart::Retry,
                    at: 6
                }
            ]
        );
        let file = NodeKind::Send {
            content: Content::File {
                file: "f".into(),
                caption: "{{x}}".into(),
            },
            typing_ms: 0,
        };
        assert_eq!(
            found(file, &known),
            vec![Problem::VariableUnknown {
                part: TextPart::Caption,
                variable: "x".into()
            }]
        );
        let set = NodeKind::SetField {
            field: "plano".into(),
            value: "{{y}}".into(),
        };
        assert_eq!(
            found(set, &known),
            vec![Problem::VariableUnknown {
                part: TextPart::Value,
                variable: "y".into()
            }]
        );
        let handoff = NodeKind::Handoff {
            assign: None,
            note: "Pediu {{z}}".into(),
        };
        assert_eq!(
            found(handoff, &known),
            vec![Problem::VariableUnknown {
                part: TextPart::Note,
                variable: "z".into()
            }]
        );
        let ai = NodeKind::Ai {
            instructions: "Seja breve com {{w}}".into(),
            max_chars: 0,
        };
        assert_eq!(
            found(ai, &known),
            vec![
                Problem::VariableUnknown {
                    part: TextPart::Instructions,
                    variable: "w".into()
                },
                Problem::AiLengthOutOfRange
            ]
        );
    }

    #[test]
    fn http_nodes_are_checked() {
        use crate::automation::flow::{Header, Method, ResponseMapping};
        let known = known_with(&[("status", FieldKind::Text)]);
        let http = |url: &str, body: Option<&str>, timeout_ms| NodeKind::Http {
            method: Method::Post,
            url: url.into(),
            headers: vec![
                Header {
                    name: "Authorization".into(),
                    value: "Bearer {{token}}".into(),
                },
                Header {
                    name: "X Bad".into(),
                    value: "1".into(),
                },
            ],
            body: body.map(str::to_owned),
            timeout_ms,
            save: vec![ResponseMapping {
                pointer: "/status".into(),
                field: "status".into(),
            }],
        };
        let header_problems = [
            Problem::VariableUnknown {
                part: TextPart::Header {
                    name: "Authorization".into(),
                },
                variable: "token".into(),
            },
            Problem::HeaderInvalid {
                name: "X Bad".into(),
            },
        ];
        // JSON with variables in strings and as values: sound.
        let good = found(
            http(
                "https://api.exemplo.com/pedidos?tel={{telefone}}",
                Some(r#"{"nome": "{{nome}}", "plano": {"s": "{{status}}"}, "n": {{status}}}"#),
                5000,
            ),
            &known,
        );
        assert_eq!(good, header_problems.to_vec());
        let bad = found(
            http("ftp://exemplo.com/{{x}}", Some(r#"{"nome": {{nome}"#), 100),
            &known,
        );
        let mut want = vec![
            Problem::UrlNotHttp,
            Problem::VariableUnknown {
                part: TextPart::Url,
                variable: "x".into(),
            },
        ];
        want.extend(header_problems.iter().cloned());
        want.extend([
            Problem::BracesUnbalanced {
                part: TextPart::Body,
                at: 9,
            },
            Problem::BodyNotJson,
            Problem::HttpTimeoutOutOfRange,
        ]);
        assert_eq!(bad, want);
        for url in [
            "https://",
            "http:///x",
            "exemplo.com",
            "javascript:alert(1)",
        ] {
            assert!(
                found(http(url, None, 5000), &known).contains(&Problem::UrlNotHttp),
                "{url}"
            );
        }
    }

    #[test]
    fn windows_timeouts_and_answers_are_checked() {
        use crate::automation::flow::Window;
        let known = known_with(&[
            ("nascimento", FieldKind::Date),
            ("idade", FieldKind::Number),
            ("nome_completo", FieldKind::Text),
            ("plano", FieldKind::Choice),
            ("vip", FieldKind::YesNo),
        ]);
        let delay = |from: &str, to: &str, weekdays: &[u8], minutes| NodeKind::Delay {
            minutes,
            window: Some(Window {
                from: from.into(),
                to: to.into(),
                weekdays: weekdays.to_vec(),
            }),
        };
        assert_eq!(
            found(delay("08:00", "18:00", &[1, 2, 3, 4, 5], 60), &known),
            vec![]
        );
        assert_eq!(found(delay("22:00", "06:00", &[5], 0), &known), vec![]);
        assert_eq!(
            found(delay("08:00", "08:00", &[], 60), &known),
            vec![Problem::WindowEmpty, Problem::WindowNeverOpens]
        );
        assert_eq!(
            found(
                delay("8 horas", "18:00", &[0, 3], DELAY_MINUTES_MAX + 1),
                &known
            ),
            vec![
                Problem::DelayTooLong,
                Problem::TimeInvalid {
                    time: "8 horas".into()
                },
                Problem::WeekdayInvalid { value: "0".into() }
            ]
        );
        let ask = |answer, field: &str, timeout_minutes| NodeKind::Ask {
            question: "?".into(),
            answer,
            field: Some(field.into()),
            retry: String::new(),
            tries: 1,
            timeout_minutes,
        };
        use AnswerKind as A;
        for (answer, field, fits) in [
            (A::Date, "nascimento", true),
            (A::Date, "idade", false),
            (A::Number, "idade", true),
            (A::Text, "idade", false),
            (A::CpfCnpj, "nome_completo", true),
            (A::Email, "nome_completo", true),
            (A::Text, "plano", true),
            (A::YesNo, "plano", true),
            (A::Number, "plano", false),
            (A::YesNo, "vip", true),
            (A::Text, "vip", false),
            (A::Phone, "nascimento", false),
        ] {
            let got = found(ask(answer, field, None), &known);
            let want = if fits {
                vec![]
            } else {
                vec![Problem::AnswerDoesNotFit {
                    answer,
                    field: field.into(),
                }]
            };
            assert_eq!(got, want, "{answer:?} into {field}");
        }
        assert_eq!(found(ask(A::Date, "nascimento", Some(60)), &known), vec![]);
        for minutes in [0, 43_201] {
            assert_eq!(
                found(ask(A::Date, "nascimento", Some(minutes)), &known),
                vec![Problem::AskTimeoutOutOfRange]
            );
        }
        assert_eq!(
            found(NodeKind::Randomizer { splits: vec![] }, &known),
            vec![Problem::SplitsMissing]
        );
    }

    #[test]
    fn time_and_weekday_rules_need_readable_values() {
        let rule = |subject, operator, value: &str| Rule {
            subject,
            operator,
            value: value.into(),
        };
        let condition = NodeKind::Condition {
            combine: Combine::All,
            rules: vec![
                rule(Subject::TimeOfDay, Operator::Greater, "08:00"),
                rule(Subject::TimeOfDay, Operator::Less, "18h"),
                rule(Subject::TimeOfDay, Operator::Less, "meio-dia"),
                rule(Subject::Weekday, Operator::Equals, "6"),
                rule(Subject::Weekday, Operator::Equals, "sábado"),
                rule(Subject::Weekday, Operator::IsSet, ""),
                rule(Subject::LastReply, Operator::Matches, r"^\D+$"),
                rule(Subject::LastReply, Operator::Matches, "a{1000}{1000}"),
            ],
        };
        assert_eq!(
            found(condition, &Known::default()),
            vec![
                Problem::TimeInvalid {
                    time: "meio-dia".into()
                },
                Problem::WeekdayInvalid {
                    value: "sábado".into()
                },
                Problem::PatternInvalid {
                    pattern: "a{1000}{1000}".into()
                },
            ]
        );
    }

    #[test]
    fn new_problems_read_in_both_languages() {
        let all = [
            Problem::VariableUnknown {
                part: TextPart::Header {
                    name: "X-Token".into(),
                },
                variable: "token".into(),
            },
            Problem::BracesUnbalanced {
                part: TextPart::Retry,
                at: 4,
            },
            Problem::WindowNeverOpens,
            Problem::WindowEmpty,
            Problem::TimeInvalid {
                time: "25:00".into(),
            },
            Problem::WeekdayInvalid { value: "8".into() },
            Problem::AnswerDoesNotFit {
                answer: AnswerKind::Date,
                field: "idade".into(),
            },
            Problem::UrlNotHttp,
            Problem::BodyNotJson,
            Problem::HeaderInvalid { name: "X Y".into() },
            Problem::AskTimeoutOutOfRange,
            Problem::HttpTimeoutOutOfRange,
            Problem::DelayTooLong,
            Problem::AiLengthOutOfRange,
            Problem::SplitsMissing,
        ];
        for problem in all {
            let finding = Finding {
                node: Some("x".into()),
                problem,
            };
            assert_eq!(finding.severity(), Severity::Error);
            let (pt, en) = (finding.message(Lang::PtBr), finding.message(Lang::En));
            assert!(!pt.is_empty() && !en.is_empty() && pt != en, "{pt} / {en}");
        }
        let unknown = Finding {
            node: None,
            problem: Problem::VariableUnknown {
                part: TextPart::Header {
                    name: "X-Token".into(),
                },
                variable: "token".into(),
            },
        };
        assert_eq!(
            unknown.message(Lang::PtBr),
            "No cabeçalho X-Token, a variável {{token}} não existe. Use {{nome}}, {{primeiro_nome}}, {{telefone}}, {{ultima_resposta}} ou um campo personalizado desta conta."
        );
    }

    #[test]
    fn every_problem_reads_in_both_languages() {
        let finding = Finding {
            node: None,
            problem: Problem::LoopWithoutWait {
                through: vec!["a".into(), "b".into()],
            },
        };
        assert!(finding.message(Lang::PtBr).contains("ciclo sem espera"));
        assert!(finding.message(Lang::En).contains("loop without a wait"));
    }
}
