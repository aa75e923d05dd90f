import { useEffect, useMemo, useRef, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Flow, FlowFinding, VersionSummary } from "../../ipc/call";
import { errorText, toAppError } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";
import { useLeave, useUnsaved } from "../../components/unsaved";
import { copyText } from "../../components/copyText";
import { formatDate } from "../../format";
import { DEBOUNCE_MS } from "../../components/useSettled";
import { documentText, placeOffset } from "./document";
import { FlowStatusPill } from "./FlowStatusPill";
import { FlowTriggersDialog } from "./FlowTriggers";
import { triggerSummary } from "./summary";

/** The draft this editor's text started from: its revision and text. */
interface Base { revision: number; text: string }

/**
 * One flow without the canvas: its document as JSON (the canvas of issue 16
 * will edit the same document), checked by Rust as it is typed (a moment
 * after the last key, `flows_check_text`: the first wrong place of a text
 * that is not a flow, or every problem per block of one that is); saved as
 * Rust read it, with the revision it was opened at; published (refused with
 * every problem listed); its versions with "restaurar como rascunho"; what
 * starts it.
 */
export function FlowEditor({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  // Every failure is shown here, beside what it concerns.
  const got = useCommand("flowsGet", [account.id, id], { inline: true });
  const flow = got.data ?? null;
  const summary = (useCommand("flowsList", [account.id]).data ?? []).find((f) => f.id === id) ?? null;
  const versionsQuery = useCommand("flowsVersions", [account.id, id], { inline: true });
  const versions = versionsQuery.data ?? [];
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const numberNames = useMemo(() => new Map(numbers.map((n) => [n.number.id, n.number.name])), [numbers]);
  const tagNames = useMemo(() => new Map(tags.map((x) => [x.id, x.name])), [tags]);

  const [base, setBase] = useState<Base | null>(null);
  const [text, setText] = useState("");
  /** Someone saved this flow elsewhere while the text here has changes. */
  const [elsewhere, setElsewhere] = useState(false);
  /** Rust refused a save or publish as stale: its words. */
  const [stale, setStale] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [publishRefusal, setPublishRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [editingTriggers, setEditingTriggers] = useState(false);
  const [restoring, setRestoring] = useState<VersionSummary | null>(null);
  const [discarding, setDiscarding] = useState(false);
  /** The flow is gone (deleted elsewhere) and its unsaved text was copied: leaving loses nothing more. */
  const [copied, setCopied] = useState(false);
  const leave = useLeave();
  // While this editor saves, the flow it refetches is its own save, not another's.
  const saving = useRef(false);

  const adopt = (f: Flow) => {
    const next = documentText(f.draft);
    setBase({ revision: f.revision, text: next });
    setText(next);
    setSettled(next);
    setElsewhere(false);
    setStale(null);
  };
  useEffect(() => {
    if (!flow || saving.current) return;
    if (base === null) return adopt(flow);
    if (flow.revision === base.revision) return;
    // A newer draft: taken as is when nothing here would be lost.
    if (text === base.text) adopt(flow);
    else setElsewhere(true);
  }, [flow, base]); // eslint-disable-line react-hooks/exhaustive-deps

  const dirty = base !== null && text !== base.text;
  const gone = got.error?.code === "flow_unknown";
  // Unsaved text is not dropped without asking: not by "← Fluxos", the
  // tabs, the sidebar, another account, nor closing the window.
  useUnsaved(dirty && !(gone && copied), t("flows.editor.leaveConfirm"));
  const copy = (what: string) => copyText(what).then(
    () => toast(t("flows.editor.copied")),
    () => {
      toast(t("flows.editor.copyFailed"), "error");
      throw new Error("not copied");
    },
  );
  // Rust reads the text a moment after the last key; until it answers for
  // this very text, the last answer stays on screen and nothing is sent.
  // The text Rust is asked about: the draft as soon as it is adopted, then
  // what is typed once the keys stop (never the empty text before the draft
  // arrives).
  const [settled, setSettled] = useState<string | null>(null);
  useEffect(() => {
    if (base === null) return;
    const wait = setTimeout(() => setSettled(text), DEBOUNCE_MS);
    return () => clearTimeout(wait);
  }, [text, base]);
  const checked = useCommand("flowsCheckText", [account.id, settled ?? ""], { enabled: settled !== null, inline: true, keepPrevious: true });
  const check = checked.data ?? null;
  const current = check !== null && !checked.isPlaceholderData && settled === text ? check : null;
  const read = current?.kind === "read" ? current : null;
  const findings = check?.kind === "read" ? check.findings : null;
  const area = useRef<HTMLTextAreaElement>(null);
  const showPlace = () => {
    if (check?.kind !== "malformed" || !check.place) return;
    const at = placeOffset(text, check.place);
    if (at === null) return;
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(at, Math.min(text.length, at + 1));
    // A text area does not scroll to a selection made in code: bring its line near the top.
    const line = text.slice(0, at).split("\n").length - 1;
    const height = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (line - 2) * height);
    el.scrollIntoView?.({ block: "start" });
  };

  /** Saves the text; the new revision, or null when refused (the reason is on screen). */
  async function save(): Promise<number | null> {
    if (!base || !read) return null;
    saving.current = true;
    setSaveError(null);
    try {
      const saved = await write("flowsSaveDraft", account.id, id, base.revision, read.document);
      setBase({ revision: saved.revision, text });
      setElsewhere(false);
      setStale(null);
      return saved.revision;
    } catch (e) {
      const err = toAppError(e);
      if (err.code === "flow_stale") setStale(err.message);
      else setSaveError(err.message);
      return null;
    } finally {
      saving.current = false;
    }
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }

  const onSave = () => run(async () => {
    if ((await save()) !== null) toast(t("flows.editor.savedToast"));
  });

  const onPublish = () => run(async () => {
    setPublishRefusal(null);
    const revision = dirty ? await save() : base?.revision ?? null;
    if (revision === null) return;
    try {
      const version = await write("flowsPublish", account.id, id, revision);
      toast(t("flows.editor.publishedToast", { n: version.number }));
    } catch (e) {
      const err = toAppError(e);
      if (err.code === "flow_stale") setStale(err.message);
      else setPublishRefusal(err.message);
    }
  });

  const reload = () => run(async () => {
    const fresh = await got.refetch();
    if (fresh.data) adopt(fresh.data);
  });

  const back = () => leave(onBack);
  if (gone && got.error) {
    // Deleted elsewhere: the text typed here stays readable, to copy.
    return (
      <div className="automation-tab">
        <button type="button" className="ghost back" onClick={back}>← {t("flows.editor.back")}</button>
        <p className="notice" role="alert" data-testid="flow-gone">{got.error.message}</p>
        {base && (
          <section className="panel" aria-label={t("flows.editor.document")}>
            <p className="field-hint">{t(dirty ? "flows.editor.goneUnsaved" : "flows.editor.goneSaved")}</p>
            <textarea className="mono json-editor" aria-label={t("flows.editor.documentLabel")} spellCheck={false} rows={22} readOnly value={text} />
            <div className="actions">
              <button type="button" className="primary" onClick={() => void copy(text).then(() => setCopied(true), () => {})}>{t("flows.editor.copyText")}</button>
            </div>
          </section>
        )}
      </div>
    );
  }
  if (!flow || !base) {
    // Until the flow is read, or why it cannot be: never a "Carregando…" without a way back.
    return (
      <div className="automation-tab">
        <button type="button" className="ghost back" onClick={back}>← {t("flows.editor.back")}</button>
        {got.error
          ? (
            <div className="notice danger" role="alert" data-testid="flow-load-error">
              <p>{errorText(got.error)}</p>
              <button type="button" className="ghost small" onClick={() => void got.refetch()}>{t("flows.editor.retry")}</button>
            </div>
          )
          : <p className="muted">{t("app.loading")}</p>}
      </div>
    );
  }

  const errors = (findings ?? []).filter((f) => f.severity === "error");
  const byNode = groupByNode(findings ?? []);

  return (
    <div className="automation-tab flow-editor">
      <div className="tab-head">
        <button type="button" className="ghost back" onClick={back}>← {t("flows.editor.back")}</button>
        <div className="head-actions">
          <button type="button" className="ghost small" onClick={() => setRenaming(true)}>{t("flows.editor.rename")}</button>
          <button type="button" className="ghost small" onClick={() => void write("flowsExport", account.id, id, null)
            .then((path) => path && toast(t("flows.exported", { path })))
            .catch((e: unknown) => toast(errorText(e), "error"))}>{t("flows.editor.exportDraft")}</button>
        </div>
      </div>
      <h2 className="flow-title">
        {flow.name} {summary && <FlowStatusPill flow={summary} />}
      </h2>
      <p className="notice" data-testid="canvas-soon"><strong>{t("flows.canvasSoon")}</strong> {t("flows.editor.canvasSoonBody")}</p>

      {got.error && <p className="notice danger small" role="alert" data-testid="flow-load-error">{errorText(got.error)}</p>}
      {stale && (
        <div className="notice danger" role="alert" data-testid="flow-stale">
          <p>{stale}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => void copy(text).catch(() => {})}>{t("flows.editor.copyMine")}</button>
            <button type="button" className="ghost small" onClick={() => void reload()}>{t("flows.editor.reload")}</button>
          </div>
        </div>
      )}
      {!stale && elsewhere && (
        <div className="notice" role="alert" data-testid="flow-elsewhere">
          <p>{t("flows.editor.elsewhere")}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => void copy(text).catch(() => {})}>{t("flows.editor.copyMine")}</button>
            <button type="button" className="ghost small" onClick={() => void reload()}>{t("flows.editor.reload")}</button>
          </div>
        </div>
      )}

      <section className="panel" aria-label={t("flows.editor.document")}>
        <div className="panel-head">
          <h3>{t("flows.editor.document")}</h3>
          <span className="muted small" data-testid="flow-revision">
            {dirty ? t("flows.editor.unsaved") : t("flows.editor.savedRevision", { n: base.revision })}
          </span>
        </div>
        <p className="field-hint">{t("flows.editor.documentHint")}</p>
        <textarea ref={area} className="mono json-editor" aria-label={t("flows.editor.documentLabel")} spellCheck={false} rows={22}
          value={text} onChange={(e) => setText(e.target.value)} />
        {check?.kind === "malformed" && (
          <p className="field-error" role="alert" data-testid="doc-error">
            {check.message}{" "}
            {check.place && <button type="button" className="link small" onClick={showPlace}>{t("flows.editor.showPlace")}</button>}
          </p>
        )}
        {checked.error && <p className="field-error" role="alert" data-testid="check-error">{t("flows.editor.checkFailed", { reason: errorText(checked.error) })}</p>}
        {saveError && <p className="form-error" role="alert">{saveError}</p>}
        <div className="actions">
          <button type="button" className="ghost" disabled={!dirty || busy} onClick={() => setDiscarding(true)}>{t("flows.editor.discard")}</button>
          <button type="button" className="primary" disabled={!dirty || !read || busy} onClick={() => void onSave()}>{t("flows.editor.save")}</button>
        </div>
      </section>

      <section className="panel" aria-label={t("flows.editor.problems")}>
        <div className="panel-head">
          <h3>{t("flows.editor.problems")}</h3>
          <button type="button" className="primary" disabled={busy || (dirty && !read)} onClick={() => void onPublish()}>
            {dirty ? t("flows.editor.saveAndPublish") : t("flows.editor.publish")}
          </button>
        </div>
        {publishRefusal && (
          <div className="conflicts" role="alert" data-testid="publish-refused">
            <strong>{t("flows.editor.publishRefused")}</strong>
            {errors.length === 0 && <p>{publishRefusal}</p>}
          </div>
        )}
        {dirty && <p className="muted small">{t("flows.editor.problemsOfText")}</p>}
        {findings !== null && findings.length === 0 && <p className="field-ok" data-testid="no-problems">{t("flows.editor.noProblems")}</p>}
        {byNode.length > 0 && (
          <ul className="plain findings" data-testid="findings">
            {byNode.map(([node, list]) => (
              <li key={node ?? ""} data-testid="finding-node">
                <strong>{node === null ? t("flows.editor.wholeFlow") : t("flows.editor.block", { id: node })}</strong>
                <ul>
                  {list.map((f, i) => (
                    <li key={i} className={f.severity === "error" ? "finding error" : "finding warning"} data-testid="finding">
                      <span className="pill">{t(f.severity === "error" ? "flows.editor.error" : "flows.editor.warning")}</span> {f.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-label={t("flows.editor.triggers")}>
        <div className="panel-head">
          <h3>{t("flows.editor.triggers")}</h3>
          <button type="button" className="ghost small" onClick={() => setEditingTriggers(true)}>{t("flows.editor.editTriggers")}</button>
        </div>
        <p className="field-hint">{t("flows.editor.triggersHint")}</p>
        {flow.triggers.length === 0
          ? <p className="muted small">{t("flows.noTriggers")}</p>
          : <ul className="plain" data-testid="editor-triggers">{flow.triggers.map((tr, i) => <li key={i}>{triggerSummary(t, tr, numberNames, tagNames)}</li>)}</ul>}
      </section>

      <section className="panel" aria-label={t("flows.editor.versions")}>
        <h3>{t("flows.editor.versions")}</h3>
        {versionsQuery.error
          ? <p className="form-error" role="alert" data-testid="versions-error">{errorText(versionsQuery.error)}</p>
          : versionsQuery.data !== undefined && versions.length === 0 && <p className="muted small">{t("flows.editor.noVersions")}</p>}
        <ul className="account-list">
          {versions.map((v) => (
            <li key={v.id} data-testid="flow-version">
              <div>
                <strong>{t("flows.editor.version", { n: v.number })}</strong>
                <span className="muted">
                  {t("flows.editor.publishedAt", { date: formatDate(v.published_at, lang) })}
                  {v.current && ` · ${t("flows.editor.current")}`}
                </span>
              </div>
              <div className="row-actions">
                <button type="button" className="ghost small" onClick={() => void write("flowsExport", account.id, id, v.number)
                  .then((path) => path && toast(t("flows.exported", { path })))
                  .catch((e: unknown) => toast(errorText(e), "error"))}>{t("flows.export")}</button>
                <button type="button" className="ghost small" aria-label={t("flows.editor.restoreNamed", { n: v.number })} onClick={() => setRestoring(v)}>
                  {t("flows.editor.restore")}
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      {discarding && (
        <ConfirmDialog title={t("flows.editor.discardTitle")} confirmLabel={t("flows.editor.discard")} danger
          onClose={() => setDiscarding(false)}
          onConfirm={async () => {
            setText(base.text);
            setDiscarding(false);
          }}>
          <p>{t("flows.editor.discardConfirm")}</p>
        </ConfirmDialog>
      )}
      {renaming && <RenameDialog flow={flow} onClose={() => setRenaming(false)} />}
      {editingTriggers && <FlowTriggersDialog flow={flow} onClose={() => setEditingTriggers(false)} />}
      {restoring && (
        <ConfirmDialog
          title={t("flows.editor.restoreTitle", { n: restoring.number })}
          confirmLabel={t("flows.editor.restore")}
          onClose={() => setRestoring(null)}
          onConfirm={async () => {
            saving.current = true;
            try {
              const restored = await write("flowsRestore", account.id, id, restoring.id, base.revision);
              adopt(restored);
              setRestoring(null);
              toast(t("flows.editor.restoredToast", { n: restoring.number }));
            } catch (e) {
              const err = toAppError(e);
              if (err.code !== "flow_stale") throw err;
              setRestoring(null);
              setStale(err.message);
            } finally {
              saving.current = false;
            }
          }}
        >
          <p>{t("flows.editor.restoreConfirm", { n: restoring.number })}</p>
          {dirty && <p className="notice small">{t("flows.editor.restoreLoses")}</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Findings by block, the flow's own first, in the order Rust listed them. */
function groupByNode(findings: FlowFinding[]): [string | null, FlowFinding[]][] {
  const groups = new Map<string | null, FlowFinding[]>();
  for (const f of [...findings].sort((a, b) => Number(a.node !== null) - Number(b.node !== null))) {
    groups.set(f.node, [...(groups.get(f.node) ?? []), f]);
  }
  return [...groups.entries()];
}

function RenameDialog({ flow, onClose }: { flow: Flow; onClose: () => void }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [name, setName] = useState(flow.name);
  const { submit, error, busy } = useSubmit(async () => {
    const renamed = await write("flowsRename", account.id, flow.id, name);
    toast(t("flows.editor.renamedToast", { name: renamed.name }));
    onClose();
  });
  return (
    <Modal title={t("flows.editor.renameTitle")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="flow-rename" label={t("flows.name")} error={error?.message ?? null}>
          {(fid, desc) => <input id={fid} aria-describedby={desc} autoFocus maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
