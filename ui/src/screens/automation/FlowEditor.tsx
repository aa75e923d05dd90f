import { useCallback, useMemo, useRef, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { FlowDocument, VersionSummary } from "../../ipc/call";
import { errorText, toAppError } from "../../ipc/errorText";
import { run, useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { readFile } from "../../components/readFile";
import { useLeave, useUnsaved } from "../../components/unsaved";
import { copyText } from "../../components/copyText";
import { formatDate } from "../../format";
import { documentText } from "./document";
import { FlowStatusPill } from "./FlowStatusPill";
import { FlowTriggersDialog } from "./FlowTriggers";
import { RenameFlowDialog } from "./RenameFlowDialog";
import { triggerSummary } from "./summary";
import { FlowCanvas, type CanvasHandle, type Decorations } from "./canvas/FlowCanvas";
import { Palette } from "./canvas/Palette";
import { NodeEditor } from "./canvas/NodeEditor";
import { ProblemsPanel } from "./canvas/ProblemsPanel";
import { JsonView } from "./canvas/JsonView";
import { Simulator } from "./canvas/Simulator";
import { useDraft, type SaveState } from "./canvas/useDraft";
import { edgeCounts, nodeStats, periodRange, PERIODS, type Period } from "./canvas/analytics";
import type { Lookups } from "./canvas/NodeFields";

/** The side panel's tabs; "block" is the selected block's editor. */
type Side = "block" | "problems" | "simulator" | "versions" | "analytics";

/**
 * One flow on the canvas (issue 16): the draft drawn and edited with React
 * Flow, saved as you go with a revision check, checked by Rust on every save
 * (problems on the blocks and in a list that takes you to them), published
 * into immutable versions, old versions opened read-only or restored, played
 * in the simulator, and the analytics drawn on the blocks. The same document
 * can be edited as JSON.
 */
export function FlowEditor({ id, onBack }: { id: string; onBack: () => void }) {
  return (
    <ReactFlowProvider>
      <Editor id={id} onBack={onBack} />
    </ReactFlowProvider>
  );
}

function Editor({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const got = useCommand("flowsGet", [account.id, id], { inline: true });
  const flow = got.data ?? null;
  const listed = useCommand("flowsList", [account.id]).data;
  const flows = useMemo(() => listed ?? [], [listed]);
  const summary = flows.find((f) => f.id === id) ?? null;
  const versionsQuery = useCommand("flowsVersions", [account.id, id], { inline: true });
  const versions = versionsQuery.data ?? [];
  const checkQuery = useCommand("flowsCheck", [account.id, id], { inline: true });
  const fields = useCommand("fieldsList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const users = useCommand("usersList", []).data ?? [];
  const files = useCommand("automationFilesList", [account.id]).data ?? [];
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const numberNames = useMemo(() => new Map(numbers.map((n) => [n.number.id, n.number.name])), [numbers]);
  const tagNames = useMemo(() => new Map(tags.map((x) => [x.id, x.name])), [tags]);
  const flowNames = useMemo(() => new Map(flows.map((f) => [f.id as string, f.name])), [flows]);

  const draft = useDraft(account.id, id, flow);
  const canvas = useRef<CanvasHandle>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [side, setSide] = useState<Side>("problems");
  const [mode, setMode] = useState<"canvas" | "json">("canvas");
  const [viewing, setViewing] = useState<{ number: number; doc: FlowDocument } | null>(null);
  const [simPath, setSimPath] = useState<{ path: string[]; current: string | null }>({ path: [], current: null });
  const [period, setPeriod] = useState<{ days: Period; range: [number, number] }>(() => ({ days: 30, range: periodRange(30, Date.now()) }));
  const [publishRefusal, setPublishRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [editingTriggers, setEditingTriggers] = useState(false);
  const [restoring, setRestoring] = useState<VersionSummary | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const [copied, setCopied] = useState(false);
  const leave = useLeave();

  const analytics = useCommand("flowsAnalytics", [account.id, id, period.range[0], period.range[1]], { enabled: side === "analytics", inline: true });
  const findings = draft?.findings ?? checkQuery.data ?? null;
  const errors = (findings ?? []).filter((f) => f.severity === "error");
  const gone = got.error?.code === "flow_unknown";
  const stale = draft?.state.kind === "stale";
  // Leaving or closing saves what is pending first; only what cannot be saved
  // (refused, saved over elsewhere, the flow gone) is asked about.
  useUnsaved(draft !== null && (draft.dirty || draft.state.kind === "saving") && !(gone && copied), t("canvas.leaveConfirm"),
    draft === null || draft.stuck || gone ? undefined : draft.keep);

  const doc = viewing?.doc ?? draft?.doc ?? null;
  const readOnly = viewing !== null || stale || gone;

  const decorations = useMemo<Decorations>(() => {
    const problems = new Map<string, { errors: number; warnings: number }>();
    if (!viewing) {
      for (const f of findings ?? []) {
        if (f.node === null) continue;
        const p = problems.get(f.node) ?? { errors: 0, warnings: 0 };
        if (f.severity === "error") p.errors += 1;
        else p.warnings += 1;
        problems.set(f.node, p);
      }
    }
    const path = simPath.path;
    const sim = side === "simulator" && path.length > 0
      ? { path: new Set(path), current: simPath.current, edges: new Set(path.slice(1).map((to, i) => `${path[i]}>${to}`)) }
      : null;
    const a = side === "analytics" ? analytics.data ?? null : null;
    return { problems, sim, stats: a ? nodeStats(t, a) : null, edgeCounts: a ? edgeCounts(a) : null };
  }, [findings, viewing, simPath, side, analytics.data, t]);

  // The same selection again (React Flow reports it often) changes nothing.
  // One block selected opens its editor, unless the simulator or analytics
  // is open (a click to look at a block there does not close them).
  const select = useCallback((ids: string[]) => {
    setSelected((old) => (old.length === ids.length && old.every((x, i) => x === ids[i]) ? old : ids));
    setSide((s) => (ids.length === 1 && (s === "problems" || s === "versions") ? "block" : ids.length !== 1 && s === "block" ? "problems" : s));
  }, []);
  const onPath = useCallback((path: string[], current: string | null) => setSimPath({ path, current }), []);

  const lookups: Lookups = {
    fields, tags, flows, users, files, flowId: id,
    upload: async (file) => {
      try {
        const picked = await readFile(file);
        const stored = await write("automationFilesUpload", account.id, { name: picked.name, mime: picked.mime, data: picked.data });
        return stored.id;
      } catch (e) {
        toast(errorText(e), "error");
        return null;
      }
    },
  };

  const copy = (what: string) => copyText(what).then(
    () => toast(t("flows.editor.copied")),
    () => {
      toast(t("flows.editor.copyFailed"), "error");
      throw new Error("not copied");
    },
  );

  async function runBusy(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }

  const onPublish = () => runBusy(async () => {
    if (!draft) return;
    setPublishRefusal(null);
    const revision = await draft.save();
    if (revision === null) return;
    try {
      const version = await write("flowsPublish", account.id, id, revision);
      toast(t("flows.editor.publishedToast", { n: version.number }));
    } catch (e) {
      const err = toAppError(e);
      setPublishRefusal(err.message);
      setSide("problems");
      void checkQuery.refetch();
    }
  });

  const reload = () => runBusy(async () => {
    const fresh = await got.refetch();
    if (fresh.data) draft?.adopt(fresh.data);
  });

  const openVersion = (v: VersionSummary) => runBusy(async () => {
    try {
      const version = await run("flowsVersion", [account.id, id, v.id]);
      // The selection stays: the same block of the old version shows in the panel, read-only.
      setViewing({ number: version.number, doc: version.document });
      requestAnimationFrame(() => canvas.current?.fit());
    } catch (e) {
      toast(errorText(e), "error");
    }
  });

  const back = () => leave(onBack);
  if (gone && got.error) {
    // Deleted elsewhere: what was drawn here stays readable as text, to copy.
    return (
      <div className="automation-tab">
        <button type="button" className="ghost back" onClick={back}>← {t("flows.editor.back")}</button>
        <p className="notice" role="alert" data-testid="flow-gone">{got.error.message}</p>
        {draft && (
          <section className="panel" aria-label={t("flows.editor.document")}>
            <p className="field-hint">{t(draft.dirty ? "flows.editor.goneUnsaved" : "flows.editor.goneSaved")}</p>
            <textarea className="mono json-editor" aria-label={t("flows.editor.documentLabel")} spellCheck={false} rows={22} readOnly value={documentText(draft.doc)} />
            <div className="actions">
              <button type="button" className="primary" onClick={() => void copy(documentText(draft.doc)).then(() => setCopied(true), () => {})}>{t("flows.editor.copyText")}</button>
            </div>
          </section>
        )}
      </div>
    );
  }
  if (!flow || !draft || !doc) {
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

  const selectedNode = selected.length === 1 ? selected[0] : null;
  const a = side === "analytics" ? analytics.data ?? null : null;

  return (
    <div className="flow-editor">
      <div className="flow-toolbar">
        <button type="button" className="ghost back small" onClick={back}>← {t("flows.editor.back")}</button>
        <h2 className="flow-title">{flow.name} {summary && <FlowStatusPill flow={summary} />}</h2>
        <SaveStatus state={draft.state} dirty={draft.dirty} revision={draft.revision} />
        <div className="toolbar-group" role="group" aria-label={t("canvas.editGroup")}>
          <button type="button" className="ghost small" disabled={!draft.canUndo || readOnly} onClick={draft.undo} title="Ctrl+Z">{t("canvas.undo")}</button>
          <button type="button" className="ghost small" disabled={!draft.canRedo || readOnly} onClick={draft.redo} title="Ctrl+Shift+Z">{t("canvas.redo")}</button>
          <button type="button" className="ghost small" disabled={readOnly || mode !== "canvas"} onClick={() => canvas.current?.layout()} title="L">{t("canvas.layout")}</button>
          <button type="button" className="ghost small" disabled={mode !== "canvas" || selected.length === 0} onClick={() => canvas.current?.copySelection()} title="Ctrl+C">{t("canvas.copy")}</button>
          <button type="button" className="ghost small" disabled={readOnly || mode !== "canvas"} onClick={() => canvas.current?.pasteClip()} title="Ctrl+V">{t("canvas.paste")}</button>
          <button type="button" className="ghost small" aria-pressed={mode === "json"} onClick={() => setMode(mode === "json" ? "canvas" : "json")}>{mode === "json" ? t("canvas.showCanvas") : t("canvas.showJson")}</button>
          <ShortcutsHelp />
        </div>
        <div className="toolbar-group">
          <button type="button" className="ghost small" onClick={() => setRenaming(true)}>{t("flows.editor.rename")}</button>
          <button type="button" className="ghost small" onClick={() => setEditingTriggers(true)}>{t("flows.editor.triggers")}</button>
          <button type="button" className="ghost small" onClick={() => void write("flowsExport", account.id, id, null)
            .then((path) => path && toast(t("flows.exported", { path })))
            .catch((e: unknown) => toast(errorText(e), "error"))}>{t("flows.editor.exportDraft")}</button>
          <button type="button" className="primary" disabled={busy || readOnly || errors.length > 0} onClick={() => void onPublish()}
            title={errors.length > 0 ? t("canvas.publishBlocked", { n: errors.length }) : undefined}>
            {t("flows.editor.publish")}
          </button>
        </div>
      </div>

      {flow.triggers.length > 0 && (
        <p className="muted small flow-triggers-line" data-testid="editor-triggers">
          {t("canvas.startsWhen")} {flow.triggers.map((tr) => triggerSummary(t, tr, numberNames, tagNames)).join(" · ")}
        </p>
      )}
      {got.error && <p className="notice danger small" role="alert" data-testid="flow-load-error">{errorText(got.error)}</p>}
      {draft.state.kind === "stale" && (
        <div className="notice danger" role="alert" data-testid="flow-stale">
          <p>{draft.state.message}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => void copy(documentText(draft.doc)).catch(() => {})}>{t("flows.editor.copyMine")}</button>
            <button type="button" className="ghost small" onClick={() => void reload()}>{t("flows.editor.reload")}</button>
          </div>
        </div>
      )}
      {!stale && draft.elsewhere && (
        <div className="notice" role="alert" data-testid="flow-elsewhere">
          <p>{t("canvas.elsewhere")}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => void reload()}>{t("flows.editor.reload")}</button>
          </div>
        </div>
      )}
      {draft.overwritten && (
        <div className="notice" role="alert" data-testid="flow-overwritten">
          <p>{t("canvas.overwritten")}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => void copy(documentText(draft.overwritten!)).catch(() => {})}>{t("canvas.copyOverwritten")}</button>
            <button type="button" className="ghost small" onClick={() => { draft.change(draft.overwritten!); draft.forgetOverwritten(); }}>{t("canvas.takeBackOverwritten")}</button>
            <button type="button" className="ghost small" onClick={draft.forgetOverwritten}>{t("canvas.keepTheirs")}</button>
          </div>
        </div>
      )}
      {draft.state.kind === "failed" && <p className="form-error" role="alert" data-testid="save-error">{t("canvas.saveFailed", { reason: draft.state.message })}</p>}
      {viewing && (
        <div className="notice" data-testid="viewing-version">
          <p>{t("canvas.viewingVersion", { n: viewing.number })}</p>
          <div className="row-actions">
            <button type="button" className="ghost small" onClick={() => { setViewing(null); requestAnimationFrame(() => canvas.current?.fit()); }}>{t("canvas.backToDraft")}</button>
            <button type="button" className="primary small" onClick={() => setRestoring(versions.find((v) => v.number === viewing.number) ?? null)}>{t("flows.editor.restore")}</button>
          </div>
        </div>
      )}

      <div className="flow-workspace">
        {mode === "canvas" && <Palette disabled={readOnly} onAdd={(type) => canvas.current?.addAtCenter(type)} />}
        {mode === "canvas"
          ? (
            <FlowCanvas ref={canvas} doc={doc} onChange={(d, key) => draft.change(d, key)} readOnly={readOnly} decorations={decorations}
              flowNames={flowNames} onSelect={select} onUndo={draft.undo} onRedo={draft.redo}
              onCopied={(n) => toast(t("canvas.copied", { n }))} />
          )
          : <JsonView doc={doc} readOnly={readOnly} onChange={(d) => draft.change(d)} />}
        <div className="flow-side">
          {selected.length > 1 && (
            <p className="muted small" data-testid="multi-selected">{t("canvas.selectedMany", { n: selected.length })}</p>
          )}
          <div className="side-tabs" role="tablist" aria-label={t("canvas.sideTabs")}>
            {(["block", "problems", "simulator", "analytics", "versions"] as const).filter((s) => s !== "block" || selectedNode).map((s) => (
              <button key={s} type="button" role="tab" aria-selected={side === s} className={side === s ? "side-tab active" : "side-tab"} onClick={() => setSide(s)}>
                {t(`canvas.side.${s}`)}{s === "problems" && errors.length > 0 ? ` (${errors.length})` : ""}
              </button>
            ))}
          </div>
          <div className="side-body" role="tabpanel">
            {side === "block" && selectedNode && mode === "canvas" && (
              <NodeEditor doc={doc} nodeId={selectedNode} findings={viewing ? [] : findings ?? []} lookups={lookups} readOnly={readOnly}
                onChange={(d, key) => draft.change(d, key)} onClose={() => select([])} />
            )}
            {side === "problems" && (
              <>
                {publishRefusal && (
                  <div className="conflicts" role="alert" data-testid="publish-refused">
                    <strong>{t("flows.editor.publishRefused")}</strong>
                    {errors.length === 0 && <p>{publishRefusal}</p>}
                  </div>
                )}
                <ProblemsPanel findings={viewing ? [] : findings} onShow={(node) => { setMode("canvas"); requestAnimationFrame(() => canvas.current?.focusNode(node)); }} />
              </>
            )}
            {side === "simulator" && <Simulator flowId={id} flowNames={flowNames} doc={draft.doc} versions={versions} onPath={onPath} />}
            {side === "analytics" && (
              <div data-testid="analytics">
                <label className="field-inline">{t("canvas.period")}{" "}
                  <select value={period.days} onChange={(e) => { const days = Number(e.target.value) as Period; setPeriod({ days, range: periodRange(days, Date.now()) }); }}>
                    {PERIODS.map((d) => <option key={d} value={d}>{t("canvas.lastDays", { n: d })}</option>)}
                  </select>
                </label>
                {analytics.error && <p className="form-error" role="alert">{errorText(analytics.error)}</p>}
                {a && (
                  <dl className="flow-totals" data-testid="flow-totals">
                    <div><dt>{t("canvas.total.started")}</dt><dd>{a.started}</dd></div>
                    <div><dt>{t("canvas.total.completed")}</dt><dd>{a.completed}</dd></div>
                    <div><dt>{t("canvas.total.handedOff")}</dt><dd>{a.handed_off}</dd></div>
                    <div><dt>{t("canvas.total.wentTo")}</dt><dd>{a.went_to}</dd></div>
                    <div><dt>{t("canvas.total.dropped")}</dt><dd>{a.dropped}</dd></div>
                    <div><dt>{t("canvas.total.active")}</dt><dd>{a.active}</dd></div>
                  </dl>
                )}
                <p className="field-hint">{t("canvas.analyticsHint")}</p>
              </div>
            )}
            {side === "versions" && (
              <section aria-label={t("flows.editor.versions")}>
                {summary?.published && summary.draft_changed && !readOnly && (
                  <button type="button" className="ghost small" onClick={() => setDiscarding(true)}>{t("canvas.discardDraft")}</button>
                )}
                {versionsQuery.error
                  ? <p className="form-error" role="alert" data-testid="versions-error">{errorText(versionsQuery.error)}</p>
                  : versionsQuery.data !== undefined && versions.length === 0 && <p className="muted small">{t("flows.editor.noVersions")}</p>}
                <ul className="account-list">
                  {versions.map((v) => (
                    <li key={v.id} data-testid="flow-version">
                      <div>
                        <strong>{t("flows.editor.version", { n: v.number })}</strong>
                        <span className="muted small">
                          {" "}{t("flows.editor.publishedAt", { date: formatDate(v.published_at, lang) })}
                          {v.published_by && ` ${t("canvas.publishedBy", { name: v.published_by })}`}
                          {v.current && ` · ${t("flows.editor.current")}`}
                        </span>
                      </div>
                      <div className="row-actions">
                        <button type="button" className="ghost small" aria-label={t("canvas.openVersion", { n: v.number })} onClick={() => void openVersion(v)}>{t("canvas.open")}</button>
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
            )}
          </div>
        </div>
      </div>

      {discarding && summary?.published && (
        <ConfirmDialog title={t("canvas.discardTitle")} confirmLabel={t("canvas.discardDraft")} danger
          onClose={() => setDiscarding(false)}
          onConfirm={async () => {
            const restored = await write("flowsRestore", account.id, id, summary.published!.id, draft.revision);
            draft.adopt(restored);
            setDiscarding(false);
            toast(t("canvas.discarded", { n: summary.published!.number }));
          }}>
          <p>{t("canvas.discardConfirm", { n: summary.published.number })}</p>
        </ConfirmDialog>
      )}
      {renaming && <RenameFlowDialog flow={flow} onClose={() => setRenaming(false)} />}
      {editingTriggers && <FlowTriggersDialog flow={flow} onClose={() => setEditingTriggers(false)} />}
      {restoring && (
        <ConfirmDialog
          title={t("flows.editor.restoreTitle", { n: restoring.number })}
          confirmLabel={t("flows.editor.restore")}
          onClose={() => setRestoring(null)}
          onConfirm={async () => {
            // What is pending is saved first: a restore never overwrites a change not yet refused.
            const saved = await draft.save();
            if (saved === null && draft.dirty) {
              setRestoring(null);
              toast(t("canvas.restoreHeld"), "error");
              return;
            }
            try {
              const restored = await write("flowsRestore", account.id, id, restoring.id, saved ?? draft.revision);
              draft.adopt(restored);
              setViewing(null);
              setRestoring(null);
              toast(t("flows.editor.restoredToast", { n: restoring.number }));
            } catch (e) {
              const err = toAppError(e);
              if (err.code !== "flow_stale") throw err;
              setRestoring(null);
              toast(err.message, "error");
            }
          }}
        >
          <p>{t("flows.editor.restoreConfirm", { n: restoring.number })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function SaveStatus({ state, dirty, revision }: { state: SaveState; dirty: boolean; revision: number }) {
  const { t } = useI18n();
  const text = state.kind === "saving" ? t("canvas.saving")
    : state.kind === "stale" ? t("canvas.notSavedStale")
      : state.kind === "failed" ? t("canvas.notSaved")
        : dirty ? t("flows.editor.unsaved")
          : t("flows.editor.savedRevision", { n: revision });
  return <span className={state.kind === "failed" || state.kind === "stale" ? "save-status danger" : "save-status muted small"} data-testid="flow-revision" aria-live="polite">{text}</span>;
}

function ShortcutsHelp() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>{t("canvas.shortcuts")}</button>
      {open && (
        <Modal title={t("canvas.shortcuts")} onClose={() => setOpen(false)}>
          <dl className="shortcuts">
            {(["undo", "redo", "copy", "cut", "paste", "all", "delete", "multi", "box", "layout", "fit"] as const).map((k) => (
              <div key={k}><dt>{t(`canvas.key.${k}`)}</dt><dd>{t(`canvas.keyHint.${k}`)}</dd></div>
            ))}
          </dl>
        </Modal>
      )}
    </>
  );
}
