//! Flows as stored: the draft an operator edits, the immutable versions it
//! is published into, and what starts it (triggers).
//!
//! A draft is saved with the revision it was opened at, and a save from an
//! older revision is refused ([`AutomationError::FlowStale`]): two people
//! editing one flow never overwrite each other. Publishing checks the draft
//! against the account (`flow_check`) and refuses while any error remains,
//! then copies it into a new version: a version is never changed, and a
//! session runs on the version it started on. Every operation is one
//! transaction.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

pub use super::flow_analytics::{EdgeStats, FlowAnalytics, NodeStats, analytics};

use super::engine::EndReason;
use super::error::NO_MATCH_HOURS;
use super::flow::{
    self, Content, FlowDocument, Node, NodeKind, ParseError, Place, Position, SCHEMA,
};
use super::flow_check::{self, Finding, Severity};
use super::sessions;
use super::{AutomationError, known};
use crate::ids::{AutomationFileId, FlowId, FlowVersionId, KeywordId, SessionId, TagId};
use crate::inbox::outbox;
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::users::{self, UserErrorKind};
use crate::{AccountId, ConversationId, InstanceId, Lang, Store, UserError, account_open};

/// Longest flow name, in characters.
pub const NAME_MAX: usize = 80;

/// What starts a flow besides a keyword, a campaign reply and a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Trigger {
    /// The first message ever from a contact on a number (of `numbers`;
    /// empty: any).
    FirstMessage { numbers: Vec<InstanceId> },
    /// A message nothing else answered: at most once per contact every
    /// `hours`.
    NoMatch {
        hours: u32,
        numbers: Vec<InstanceId>,
    },
    /// A person added this tag to a contact.
    TagAdded { tag: TagId },
}

/// A flow as the list and the editor show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Flow {
    pub id: FlowId,
    pub account_id: AccountId,
    pub name: String,
    pub draft: FlowDocument,
    /// Give it back when saving: a save from an older revision is refused.
    pub revision: i64,
    pub published_version_id: Option<FlowVersionId>,
    pub triggers: Vec<Trigger>,
    pub enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Version {
    pub id: FlowVersionId,
    pub flow_id: FlowId,
    pub number: i64,
    pub document: FlowDocument,
    pub published_at: i64,
}

type Row = (
    FlowId,
    AccountId,
    String,
    String,
    i64,
    Option<FlowVersionId>,
    String,
    bool,
    i64,
    i64,
);

const COLUMNS: &str = "id, account_id, name, draft, revision, published_version_id, triggers, enabled, created_at, updated_at";

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> AutomationError {
    AutomationError::Database(sqlx::Error::Decode(Box::new(e)))
}

fn from_row(row: Row) -> Result<Flow, AutomationError> {
    let (id, account_id, name, draft, revision, published, triggers, enabled, c, u) = row;
    Ok(Flow {
        id,
        account_id,
        name,
        draft: flow::parse(&draft).map_err(|e| decode(std::io::Error::other(format!("{e:?}"))))?,
        revision,
        published_version_id: published,
        triggers: serde_json::from_str(&triggers).map_err(decode)?,
        enabled,
        created_at: c,
        updated_at: u,
    })
}

/// The account's flows, by name.
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<Flow>, AutomationError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flows WHERE account_id = ? ORDER BY name, id"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter().map(from_row).collect()
}

/// One flow.
pub async fn get(store: &Store, account: AccountId, id: FlowId) -> Result<Flow, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flows WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    from_row(row.ok_or(AutomationError::FlowUnknown)?)
}

/// A published version, whole.
pub async fn version(
    store: &Store,
    account: AccountId,
    id: FlowVersionId,
) -> Result<Version, AutomationError> {
    let row: Option<(FlowVersionId, FlowId, i64, String, i64)> = sqlx::query_as(
        "SELECT id, flow_id, number, document, published_at FROM flow_versions WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let (id, flow_id, number, document, published_at) = row.ok_or(AutomationError::FlowUnknown)?;
    Ok(Version {
        id,
        flow_id,
        number,
        document: flow::parse(&document)
            .map_err(|e| decode(std::io::Error::other(format!("{e:?}"))))?,
        published_at,
    })
}

/// The flow stored as `id` in the account, whole, read in `conn`.
async fn load(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: FlowId,
) -> Result<Flow, AutomationError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM flows WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    from_row(row.ok_or(AutomationError::FlowUnknown)?)
}

/// The published version a flow's list entry shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PublishedRef {
    pub id: FlowVersionId,
    pub number: i64,
    pub published_at: i64,
}

/// A flow as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlowSummary {
    pub id: FlowId,
    pub name: String,
    pub revision: i64,
    /// `None`: never published.
    pub published: Option<PublishedRef>,
    /// The draft has changes its published version does not (or it was
    /// never published).
    pub draft_changed: bool,
    pub triggers: Vec<Trigger>,
    pub enabled: bool,
    /// Conversations in this flow now, on any of its versions.
    pub active_sessions: u32,
    /// Sessions of this flow ever started here (ended ones included;
    /// those a deleted conversation took with it are not).
    pub sessions_started: u32,
    /// Who published the version new sessions start on (see
    /// [`VersionSummary::published_by`]).
    pub last_published_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

type SummaryRow = (
    FlowId,
    String,
    i64,
    String,
    String,
    bool,
    i64,
    i64,
    Option<FlowVersionId>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// The account's flows by name, with what the list shows of each.
pub async fn summaries(
    store: &Store,
    account: AccountId,
) -> Result<Vec<FlowSummary>, AutomationError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT f.id, f.name, f.revision, f.draft, f.triggers, f.enabled, f.created_at, f.updated_at,
                v.id, v.number, v.published_at, v.document, v.published_by,
                (SELECT COUNT(*) FROM flow_sessions s
                  WHERE s.account_id = f.account_id AND s.flow_id = f.id AND s.status = 'active'),
                (SELECT COUNT(*) FROM flow_sessions s
                  WHERE s.account_id = f.account_id AND s.flow_id = f.id)
         FROM flows f
         LEFT JOIN flow_versions v ON v.account_id = f.account_id AND v.id = f.published_version_id
         WHERE f.account_id = ?
         ORDER BY f.name, f.id",
    )
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (
            id,
            name,
            revision,
            draft,
            triggers,
            enabled,
            c,
            u,
            v,
            number,
            at,
            doc,
            by,
            active,
            all,
        ) = row;
        let published = match (v, number, at) {
            (Some(id), Some(number), Some(published_at)) => Some(PublishedRef {
                id,
                number,
                published_at,
            }),
            _ => None,
        };
        let draft_changed = match &doc {
            Some(doc) => flow::parse(doc).ok() != flow::parse(&draft).ok(),
            None => true,
        };
        out.push(FlowSummary {
            id,
            name,
            revision,
            published,
            draft_changed,
            triggers: serde_json::from_str(&triggers).map_err(decode)?,
            enabled,
            active_sessions: u32::try_from(active).unwrap_or(u32::MAX),
            sessions_started: u32::try_from(all).unwrap_or(u32::MAX),
            last_published_by: by,
            created_at: c,
            updated_at: u,
        });
    }
    Ok(out)
}

/// How serious a finding is: an error blocks publishing, a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FindingSeverity {
    Warning,
    Error,
}

/// A problem of a flow as the editor shows it: on which node, how serious,
/// a stable code (`branch_nowhere`, `field_unknown`, …: the problem's kind)
/// and the text in the interface's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlowFinding {
    pub node: Option<String>,
    pub severity: FindingSeverity,
    pub code: String,
    pub message: String,
}

/// The snake_case name of a problem's kind: `BranchNowhere { .. }` is
/// `branch_nowhere`. Read from its `Debug` form so a problem the checks
/// learn later has its code without a list here to keep in step.
fn problem_code(finding: &Finding) -> String {
    let debug = format!("{:?}", finding.problem);
    let name = debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut code = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                code.push('_');
            }
            code.extend(c.to_lowercase());
        } else {
            code.push(c);
        }
    }
    code
}

fn view(finding: &Finding, lang: Lang) -> FlowFinding {
    FlowFinding {
        node: finding.node.clone(),
        severity: match finding.severity() {
            Severity::Warning => FindingSeverity::Warning,
            Severity::Error => FindingSeverity::Error,
        },
        code: problem_code(finding),
        message: finding.message(lang),
    }
}

/// The nodes that send a file the account does not have (deleted, or a
/// document imported from another account).
async fn missing_files(
    conn: &mut SqliteConnection,
    account: AccountId,
    doc: &FlowDocument,
) -> Result<Vec<String>, sqlx::Error> {
    let mut out = Vec::new();
    for node in &doc.nodes {
        if let NodeKind::Send {
            content: Content::File { file, .. },
            ..
        } = &node.kind
        {
            let exists = match file.parse::<AutomationFileId>() {
                Ok(id) => known::file_exists(&mut *conn, account, id).await?,
                Err(_) => false,
            };
            if !exists {
                out.push(node.id.clone());
            }
        }
    }
    Ok(out)
}

fn file_finding(node: String, lang: Lang) -> FlowFinding {
    FlowFinding {
        node: Some(node),
        severity: FindingSeverity::Error,
        code: "file_unknown".into(),
        message: AutomationError::FileUnknown.message(lang),
    }
}

/// Every problem of `doc` in this account, as the editor shows them.
async fn findings_of(
    conn: &mut SqliteConnection,
    account: AccountId,
    doc: &FlowDocument,
    lang: Lang,
) -> Result<Vec<FlowFinding>, sqlx::Error> {
    let known = known::for_flows(&mut *conn, account).await?;
    let mut out: Vec<FlowFinding> = flow_check::check(doc, &known)
        .iter()
        .map(|f| view(f, lang))
        .collect();
    for node in missing_files(&mut *conn, account, doc).await? {
        out.push(file_finding(node, lang));
    }
    Ok(out)
}

/// What a new flow starts as: one message, so it can be published at once.
pub fn starter() -> FlowDocument {
    FlowDocument {
        schema: SCHEMA,
        start: "inicio".into(),
        nodes: vec![Node {
            id: "inicio".into(),
            position: Position { x: 0.0, y: 0.0 },
            kind: NodeKind::Send {
                content: Content::Text {
                    text: "Olá! Recebemos sua mensagem e já vamos responder.".into(),
                },
                typing_ms: 1500,
            },
        }],
        edges: Vec::new(),
    }
}

/// A document as it is stored: of this schema (one written by a newer
/// ZapDesk is refused, not half-kept).
fn current(mut doc: FlowDocument) -> Result<FlowDocument, AutomationError> {
    if doc.schema > SCHEMA {
        return Err(AutomationError::FlowMalformed(ParseError::TooNew {
            schema: doc.schema,
        }));
    }
    doc.schema = SCHEMA;
    Ok(doc)
}

fn to_json(doc: &FlowDocument) -> String {
    serde_json::to_string(doc).unwrap_or_default()
}

fn clean(name: &str) -> Result<String, AutomationError> {
    clean_name(name, NAME_MAX).map_err(|p| match p {
        NameProblem::Empty => AutomationError::NameEmpty,
        NameProblem::TooLong => AutomationError::NameTooLong,
    })
}

/// Refuses a name another flow of the account has (case and accents aside).
async fn name_free(
    conn: &mut SqliteConnection,
    account: AccountId,
    name: &str,
    except: Option<FlowId>,
) -> Result<(), AutomationError> {
    let all: Vec<(FlowId, String)> =
        sqlx::query_as("SELECT id, name FROM flows WHERE account_id = ?")
            .bind(account)
            .fetch_all(conn)
            .await?;
    let key = fold(name);
    match all
        .into_iter()
        .find(|(id, n)| Some(*id) != except && fold(n) == key)
    {
        Some((_, taken)) => Err(AutomationError::FlowNameTaken(taken)),
        None => Ok(()),
    }
}

/// Creates a flow from `document`, or from [`starter`]; it is enabled, has
/// no trigger and is not published.
pub async fn create(
    store: &Store,
    account: AccountId,
    name: &str,
    document: Option<FlowDocument>,
) -> Result<Flow, AutomationError> {
    let name = clean(name)?;
    let doc = current(document.unwrap_or_else(starter))?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let row = insert(&mut tx, account, &name, &doc).await?;
    tx.commit().await?;
    from_row(row)
}

/// A new flow row, on, unpublished, without triggers, its name checked free.
async fn insert(
    conn: &mut SqliteConnection,
    account: AccountId,
    name: &str,
    draft: &FlowDocument,
) -> Result<Row, AutomationError> {
    name_free(&mut *conn, account, name, None).await?;
    crate::plans::check(&mut *conn, account, crate::plans::Limit::Flows, 1).await?;
    let now = now_ms();
    Ok(sqlx::query_as(&format!(
        "INSERT INTO flows (id, account_id, name, draft, revision, triggers, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, '[]', 1, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(FlowId::new())
    .bind(account)
    .bind(name)
    .bind(to_json(draft))
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// A copy of flow `id` named `name` (checked as [`create`] checks it): a
/// new flow, unpublished, whose draft is the source's draft as saved now,
/// on, and with no trigger. The triggers stay with the source so two flows
/// never start on the same event: a copied first-message or no-match
/// trigger on the same numbers would be refused as an overlap, and a copied
/// tag trigger would start both flows on one tag. Keywords, which name the
/// flow they start, keep starting the source.
pub async fn duplicate(
    store: &Store,
    account: AccountId,
    id: FlowId,
    name: &str,
) -> Result<Flow, AutomationError> {
    let name = clean(name)?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let source = load(&mut tx, account, id).await?;
    let row = insert(&mut tx, account, &name, &source.draft).await?;
    tx.commit().await?;
    from_row(row)
}

pub async fn rename(
    store: &Store,
    account: AccountId,
    id: FlowId,
    name: &str,
) -> Result<Flow, AutomationError> {
    let name = clean(name)?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    load(&mut tx, account, id).await?;
    name_free(&mut tx, account, &name, Some(id)).await?;
    let row: Row = sqlx::query_as(&format!(
        "UPDATE flows SET name = ?, updated_at = ? WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(&name)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    from_row(row)
}

/// A saved draft: its new revision (give it back on the next save) and the
/// problems it has now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SavedDraft {
    pub revision: i64,
    pub findings: Vec<FlowFinding>,
}

/// Writes `draft` over the flow's draft if the flow is still at `revision`,
/// moving the revision on; the draft's current problems. Refused with
/// [`AutomationError::FlowStale`] when someone saved since: nothing is
/// overwritten.
async fn replace_draft(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: FlowId,
    revision: i64,
    draft: &FlowDocument,
) -> Result<i64, AutomationError> {
    let moved: Option<i64> = sqlx::query_scalar(
        "UPDATE flows SET draft = ?, revision = revision + 1, updated_at = ?
         WHERE account_id = ? AND id = ? AND revision = ? RETURNING revision",
    )
    .bind(to_json(draft))
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .bind(revision)
    .fetch_optional(&mut *conn)
    .await?;
    match moved {
        Some(revision) => Ok(revision),
        None => {
            let current = load(&mut *conn, account, id).await?.revision;
            Err(AutomationError::FlowStale { current })
        }
    }
}

/// Saves the draft opened at `revision`; its new revision and problems.
pub async fn save_draft(
    store: &Store,
    account: AccountId,
    id: FlowId,
    revision: i64,
    document: FlowDocument,
    lang: Lang,
) -> Result<SavedDraft, AutomationError> {
    let doc = current(document)?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let revision = replace_draft(&mut tx, account, id, revision, &doc).await?;
    let findings = findings_of(&mut tx, account, &doc, lang).await?;
    tx.commit().await?;
    Ok(SavedDraft { revision, findings })
}

/// Every problem of the flow's draft, errors and warnings, in node order.
pub async fn check(
    store: &Store,
    account: AccountId,
    id: FlowId,
    lang: Lang,
) -> Result<Vec<FlowFinding>, AutomationError> {
    let mut conn = store.pool().acquire().await?;
    let flow = load(&mut conn, account, id).await?;
    Ok(findings_of(&mut conn, account, &flow.draft, lang).await?)
}

/// Where a flow's text first goes wrong, as the editor points at it
/// (`flow::Place`, 1-based lines and columns, 0-based indexes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TextPlace {
    /// Not JSON: where the text breaks.
    Text {
        line: u32,
        column: u32,
    },
    /// JSON, but this node (its index, and its id if it has one) is not a node.
    Node {
        index: u32,
        id: Option<String>,
    },
    Edge {
        index: u32,
        id: Option<String>,
    },
    /// The document's own fields (`schema`, `start`, the lists).
    Document,
}

impl From<&Place> for TextPlace {
    fn from(place: &Place) -> TextPlace {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        match place {
            Place::Text { line, column } => TextPlace::Text {
                line: n(*line),
                column: n(*column),
            },
            Place::Node { index, id } => TextPlace::Node {
                index: n(*index),
                id: id.clone(),
            },
            Place::Edge { index, id } => TextPlace::Edge {
                index: n(*index),
                id: id.clone(),
            },
            Place::Document => TextPlace::Document,
        }
    }
}

/// A flow document's text as the editor checks it while it is typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocumentCheck {
    /// Not a flow: the first wrong place (`None` for a document of a newer
    /// ZapDesk) and the refusal in the interface's language, as an import
    /// of the same text would be refused.
    Malformed {
        place: Option<TextPlace>,
        message: String,
    },
    /// A flow: the document as read (what a save sends) and every problem
    /// of it in this account, as [`check`] lists a saved draft's.
    Read {
        document: FlowDocument,
        findings: Vec<FlowFinding>,
    },
}

/// Reads a document's text with [`flow::parse`] and, when it reads, lists
/// its problems in this account: the editor's live check, before anything
/// is saved. Nothing is written.
pub async fn check_text(
    store: &Store,
    account: AccountId,
    json: &str,
    lang: Lang,
) -> Result<DocumentCheck, AutomationError> {
    let doc = match flow::parse(json) {
        Ok(doc) => doc,
        Err(e) => {
            let place = match &e {
                ParseError::Malformed { place, .. } => Some(TextPlace::from(place)),
                ParseError::TooNew { .. } => None,
            };
            return Ok(DocumentCheck::Malformed {
                place,
                message: AutomationError::FlowMalformed(e).message(lang),
            });
        }
    };
    let doc = current(doc)?;
    let mut conn = store.pool().acquire().await?;
    let findings = findings_of(&mut conn, account, &doc, lang).await?;
    Ok(DocumentCheck::Read {
        document: doc,
        findings,
    })
}

/// A version as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct VersionSummary {
    pub id: FlowVersionId,
    pub number: i64,
    pub published_at: i64,
    /// Who published it: the display name of the operator chosen at that
    /// desktop then; `None` when none was chosen (or before this was kept).
    pub published_by: Option<String>,
    /// The one new sessions start on.
    pub current: bool,
}

/// What refuses `doc` at publish in this account: every error of
/// `flow_check` at once ([`AutomationError::FlowProblems`]), or a `send` of
/// a file the account does not have.
async fn refuse_unpublishable(
    conn: &mut SqliteConnection,
    account: AccountId,
    doc: &FlowDocument,
) -> Result<(), AutomationError> {
    let known = known::for_flows(&mut *conn, account).await?;
    let errors: Vec<Finding> = flow_check::check(doc, &known)
        .into_iter()
        .filter(|f| f.severity() == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(AutomationError::FlowProblems(errors));
    }
    if !missing_files(&mut *conn, account, doc).await?.is_empty() {
        return Err(AutomationError::FileUnknown);
    }
    Ok(())
}

/// Refuses `doc` as [`publish`] would refuse it as the draft of a flow of
/// the account: the simulator plays only what could be published, since
/// it plays it with the engine that runs published versions. Nothing is
/// written.
pub async fn check_publishable(
    store: &Store,
    account: AccountId,
    doc: &FlowDocument,
) -> Result<(), AutomationError> {
    let doc = current(doc.clone())?;
    let mut conn = store.pool().acquire().await?;
    refuse_unpublishable(&mut conn, account, &doc).await
}

/// Publishes the draft the person saw (`revision`): refused when it has
/// errors (every one listed, [`AutomationError::FlowProblems`]), sends a
/// file the account does not have, or was saved elsewhere since. A new
/// version, numbered after the flow's last, becomes the one new sessions
/// start on; sessions already running stay on theirs.
pub async fn publish(
    store: &Store,
    account: AccountId,
    id: FlowId,
    revision: i64,
) -> Result<VersionSummary, AutomationError> {
    let published_by = operator_name(store).await?;
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let flow = load(&mut tx, account, id).await?;
    if flow.revision != revision {
        return Err(AutomationError::FlowStale {
            current: flow.revision,
        });
    }
    refuse_unpublishable(&mut tx, account, &flow.draft).await?;
    let version = FlowVersionId::new();
    let now = now_ms();
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO flow_versions (id, account_id, flow_id, number, document, published_at, published_by)
         VALUES (?, ?, ?, (SELECT COALESCE(MAX(number), 0) + 1 FROM flow_versions
                           WHERE account_id = ? AND flow_id = ?), ?, ?, ?)
         RETURNING number",
    )
    .bind(version)
    .bind(account)
    .bind(id)
    .bind(account)
    .bind(id)
    .bind(to_json(&flow.draft))
    .bind(now)
    .bind(&published_by)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE flows SET published_version_id = ?, updated_at = ? WHERE account_id = ? AND id = ?",
    )
    .bind(version)
    .bind(now)
    .bind(account)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(VersionSummary {
        id: version,
        number,
        published_at: now,
        published_by,
        current: true,
    })
}

/// The display name of the operator chosen at this desktop (`users::me`),
/// who signs what is published here; `None` when nobody is chosen.
async fn operator_name(store: &Store) -> Result<Option<String>, AutomationError> {
    match users::me(store).await {
        Ok(me) => Ok(me.map(|u| u.name)),
        Err(UserErrorKind::Database(e)) => Err(AutomationError::Database(e)),
        // `me` answers nothing else; were it to, the version is unsigned.
        Err(_) => Ok(None),
    }
}

/// The flow's published versions, newest first.
pub async fn versions(
    store: &Store,
    account: AccountId,
    id: FlowId,
) -> Result<Vec<VersionSummary>, AutomationError> {
    let mut conn = store.pool().acquire().await?;
    let flow = load(&mut conn, account, id).await?;
    let rows: Vec<(FlowVersionId, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, number, published_at, published_by FROM flow_versions
         WHERE account_id = ? AND flow_id = ? ORDER BY number DESC, published_at DESC, id",
    )
    .bind(account)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(vid, number, published_at, published_by)| VersionSummary {
            id: vid,
            number,
            published_at,
            published_by,
            current: flow.published_version_id == Some(vid),
        })
        .collect())
}

/// Version `version` of flow `id` (refused as unknown when it is another
/// flow's).
pub async fn version_of(
    store: &Store,
    account: AccountId,
    id: FlowId,
    version_id: FlowVersionId,
) -> Result<Version, AutomationError> {
    match version(store, account, version_id).await {
        Ok(v) if v.flow_id == id => Ok(v),
        // `version` says "flow unknown" for a version it does not find.
        Ok(_) | Err(AutomationError::FlowUnknown | AutomationError::VersionUnknown) => {
            get(store, account, id).await?;
            Err(AutomationError::VersionUnknown)
        }
        Err(e) => Err(e),
    }
}

/// The flow's version numbered `number` (the newest such, if two desktops
/// published offline under one number).
pub async fn version_numbered(
    store: &Store,
    account: AccountId,
    id: FlowId,
    number: i64,
) -> Result<Version, AutomationError> {
    let found: Option<FlowVersionId> = sqlx::query_scalar(
        "SELECT id FROM flow_versions WHERE account_id = ? AND flow_id = ? AND number = ?
         ORDER BY published_at DESC, id LIMIT 1",
    )
    .bind(account)
    .bind(id)
    .bind(number)
    .fetch_optional(store.pool())
    .await?;
    match found {
        Some(v) => version(store, account, v).await,
        None => {
            get(store, account, id).await?;
            Err(AutomationError::VersionUnknown)
        }
    }
}

/// Makes a published version's document the draft again (the draft opened
/// at `revision`; refused as a save would be when someone saved since).
pub async fn restore(
    store: &Store,
    account: AccountId,
    id: FlowId,
    version: FlowVersionId,
    revision: i64,
) -> Result<Flow, AutomationError> {
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    load(&mut tx, account, id).await?;
    let document: Option<String> = sqlx::query_scalar(
        "SELECT document FROM flow_versions WHERE account_id = ? AND flow_id = ? AND id = ?",
    )
    .bind(account)
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await?;
    let document = document.ok_or(AutomationError::VersionUnknown)?;
    let doc =
        flow::parse(&document).map_err(|e| decode(std::io::Error::other(format!("{e:?}"))))?;
    replace_draft(&mut tx, account, id, revision, &doc).await?;
    let flow = load(&mut tx, account, id).await?;
    tx.commit().await?;
    Ok(flow)
}

/// Whether two triggers' numbers share one (empty: every number).
fn numbers_overlap(a: &[InstanceId], b: &[InstanceId]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|n| b.contains(n))
}

/// The numbers a trigger answers on, if it is one of the kinds only one
/// enabled flow may have per number (`true` for "no match").
fn exclusive(trigger: &Trigger) -> Option<(bool, &[InstanceId])> {
    match trigger {
        Trigger::FirstMessage { numbers } => Some((false, numbers)),
        Trigger::NoMatch { numbers, .. } => Some((true, numbers)),
        Trigger::TagAdded { .. } => None,
    }
}

/// Refuses `triggers` (of flow `id`) when another enabled flow of the
/// account has a first-message or no-match trigger on a number they share:
/// a message would not know which flow to start.
async fn no_overlap(
    conn: &mut SqliteConnection,
    account: AccountId,
    id: FlowId,
    triggers: &[Trigger],
) -> Result<(), AutomationError> {
    let others: Vec<(FlowId, String, String)> = sqlx::query_as(
        "SELECT id, name, triggers FROM flows WHERE account_id = ? AND enabled = 1 ORDER BY name, id",
    )
    .bind(account)
    .fetch_all(conn)
    .await?;
    for (other, name, theirs) in others {
        if other == id {
            continue;
        }
        let theirs: Vec<Trigger> = serde_json::from_str(&theirs).unwrap_or_default();
        for mine in triggers.iter().filter_map(exclusive) {
            for their in theirs.iter().filter_map(exclusive) {
                if mine.0 == their.0 && numbers_overlap(mine.1, their.1) {
                    return Err(AutomationError::TriggerOverlap {
                        no_match: mine.0,
                        other: name,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Replaces what starts the flow (besides keywords, campaign replies and a
/// person). Refused: a tag or number the account does not have, "no match"
/// hours outside 1..720, or (for an enabled flow) a first-message or
/// no-match trigger another enabled flow already has on one of the numbers.
pub async fn set_triggers(
    store: &Store,
    account: AccountId,
    id: FlowId,
    triggers: Vec<Trigger>,
) -> Result<Flow, AutomationError> {
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let flow = load(&mut tx, account, id).await?;
    let mut clean = Vec::with_capacity(triggers.len());
    for trigger in triggers {
        let trigger = match trigger {
            Trigger::TagAdded { tag } => {
                let exists: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM tags WHERE account_id = ? AND id = ?)",
                )
                .bind(account)
                .bind(tag)
                .fetch_one(&mut *tx)
                .await?;
                if !exists {
                    return Err(AutomationError::TagUnknown);
                }
                Trigger::TagAdded { tag }
            }
            Trigger::FirstMessage { numbers } => Trigger::FirstMessage {
                numbers: numbers_of(&mut tx, account, numbers).await?,
            },
            Trigger::NoMatch { hours, numbers } => {
                if !NO_MATCH_HOURS.contains(&hours) {
                    return Err(AutomationError::TriggerHours(hours));
                }
                Trigger::NoMatch {
                    hours,
                    numbers: numbers_of(&mut tx, account, numbers).await?,
                }
            }
        };
        if !clean.contains(&trigger) {
            clean.push(trigger);
        }
    }
    if flow.enabled {
        no_overlap(&mut tx, account, id, &clean).await?;
    }
    let row: Row = sqlx::query_as(&format!(
        "UPDATE flows SET triggers = ?, updated_at = ? WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(serde_json::to_string(&clean).unwrap_or_default())
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    from_row(row)
}

/// `numbers` without repeats, each a number of the account.
async fn numbers_of(
    conn: &mut SqliteConnection,
    account: AccountId,
    numbers: Vec<InstanceId>,
) -> Result<Vec<InstanceId>, AutomationError> {
    let mut out = Vec::with_capacity(numbers.len());
    for number in numbers {
        if out.contains(&number) {
            continue;
        }
        if !known::number_exists(&mut *conn, account, number).await? {
            return Err(AutomationError::NumberUnknown);
        }
        out.push(number);
    }
    Ok(out)
}

/// Turns a flow on or off. Off, nothing starts it (sessions already running
/// go on). Turning one on is refused when its triggers overlap another
/// enabled flow's, as setting them would be.
pub async fn set_enabled(
    store: &Store,
    account: AccountId,
    id: FlowId,
    enabled: bool,
) -> Result<Flow, AutomationError> {
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    let flow = load(&mut tx, account, id).await?;
    if enabled && !flow.enabled {
        no_overlap(&mut tx, account, id, &flow.triggers).await?;
    }
    let row: Row = sqlx::query_as(&format!(
        "UPDATE flows SET enabled = ?, updated_at = ? WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(enabled)
    .bind(now_ms())
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    from_row(row)
}

/// Deletes a flow with its versions and its sessions (the foreign keys
/// cascade: a session cannot outlive the version it runs on, and the
/// deletes reach the other desktops as the rows' own). Refused while a
/// keyword starts it; campaigns that started it on a reply stop doing so.
///
/// While conversations are in the flow it is refused with
/// [`AutomationError::FlowRunning`] (how many), unless `end_sessions`: then,
/// in the same transaction, each is ended (`stopped`, logged in its
/// conversation) and the bot's messages of those conversations still in
/// their typing pause or waiting for the number fail (`bot_stopped`)
/// instead of leaving after the flow is gone.
pub async fn delete(
    store: &Store,
    account: AccountId,
    id: FlowId,
    end_sessions: bool,
) -> Result<(), AutomationError> {
    let mut tx = store.write().await?;
    account_open::check(&mut tx, account).await??;
    load(&mut tx, account, id).await?;
    let keywords: Vec<(KeywordId, String, String)> =
        sqlx::query_as("SELECT id, name, actions FROM keywords WHERE account_id = ? ORDER BY name")
            .bind(account)
            .fetch_all(&mut *tx)
            .await?;
    for (_, name, actions) in keywords {
        let actions: super::keywords::Actions = serde_json::from_str(&actions).unwrap_or_default();
        if actions.start_flow == Some(id) {
            return Err(AutomationError::FlowInUse { keyword: name });
        }
    }
    let running: Vec<(SessionId, ConversationId)> = sqlx::query_as(
        "SELECT id, conversation_id FROM flow_sessions
         WHERE account_id = ? AND flow_id = ? AND status = 'active'",
    )
    .bind(account)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if !running.is_empty() && !end_sessions {
        return Err(AutomationError::FlowRunning {
            sessions: u32::try_from(running.len()).unwrap_or(u32::MAX),
        });
    }
    let now = now_ms();
    for (session, conversation) in running {
        sessions::end_in(
            &mut tx,
            account,
            conversation,
            session,
            &EndReason::Stopped,
            now,
        )
        .await?;
        outbox::cancel_waiting_bot_in(
            &mut tx,
            account,
            outbox::Waiting::Conversation(conversation),
            outbox::BOT_STOPPED,
            now,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE campaigns SET reply_flow_id = NULL WHERE account_id = ? AND reply_flow_id = ?",
    )
    .bind(account)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM flows WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a flow from a document file's text (`zapdesk-cli flows import`,
/// the editor's "Importar"). A file that is not a flow is refused naming
/// the first wrong place; one written by a newer ZapDesk is refused whole.
pub async fn import(
    store: &Store,
    account: AccountId,
    name: &str,
    json: &str,
) -> Result<Flow, AutomationError> {
    let doc = flow::parse(json).map_err(AutomationError::FlowMalformed)?;
    create(store, account, name, Some(doc)).await
}

/// The flow's draft, or its version numbered `version`, as the pretty JSON
/// [`import`] reads.
pub async fn export(
    store: &Store,
    account: AccountId,
    id: FlowId,
    version: Option<i64>,
) -> Result<String, AutomationError> {
    let doc = match version {
        Some(number) => version_numbered(store, account, id, number).await?.document,
        None => get(store, account, id).await?.draft,
    };
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automation::flow_check::Problem;

    #[test]
    fn a_problems_code_is_its_kind_in_snake_case() {
        let code = |problem| {
            problem_code(&Finding {
                node: None,
                problem,
            })
        };
        assert_eq!(
            code(Problem::BranchNowhere {
                handle: "next".into()
            }),
            "branch_nowhere"
        );
        assert_eq!(code(Problem::StartMissing), "start_missing");
        assert_eq!(code(Problem::SplitsNot100 { total: 90 }), "splits_not100");
    }

    #[test]
    fn the_starter_flow_has_no_error() {
        let found = flow_check::check(&starter(), &flow_check::Known::default());
        assert!(!flow_check::blocks_publish(&found), "{found:?}");
    }
}
