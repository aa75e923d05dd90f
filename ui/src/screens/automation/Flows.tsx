import { useMemo, useRef, useState, type ChangeEvent } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { FlowSummary } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState } from "../../components/EmptyState";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";
import { alreadyGone, useUndoableDelete } from "../../components/useUndoableDelete";
import { formatDate } from "../../format";
import { FlowEditor } from "./FlowEditor";
import { RenameFlowDialog } from "./RenameFlowDialog";
import { STARTERS, type Starter } from "./starters";
import { FlowStatusPill } from "./FlowStatusPill";
import { triggerSummary } from "./summary";

/**
 * Fluxos: the list (status, what starts each, last published, conversations
 * in it), a new flow from a starter, import and export of the document,
 * duplicate, rename, on/off, delete; a flow opens on its canvas.
 */
export function FlowsTab() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const flows = useCommand("flowsList", [account.id]).data ?? null;
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState<{ name: string; text: string } | null>(null);
  const [deleting, setDeleting] = useState<FlowSummary | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<FlowSummary | null>(null);
  const [duplicating, setDuplicating] = useState<FlowSummary | null>(null);
  // What deleting would break, said in the dialog: keywords that start the
  // flow (Rust refuses while one does) and campaigns whose replies start it.
  const keywords = useCommand("keywordsList", [account.id]).data ?? [];
  const campaigns = useCommand("campaignsList", [account.id], { enabled: deleting !== null }).data ?? [];
  const startedBy = deleting ? keywords.filter((k) => k.actions.start_flow === deleting.id) : [];
  const campaignsUsing = deleting ? campaigns.filter((c) => c.reply_flow_id === deleting.id) : [];
  const fileInput = useRef<HTMLInputElement>(null);
  const held = useUndoableDelete((e) => toast(errorText(e), "error"));
  const numberNames = useMemo(() => new Map(numbers.map((n) => [n.number.id, n.number.name])), [numbers]);
  const tagNames = useMemo(() => new Map(tags.map((x) => [x.id, x.name])), [tags]);

  async function pickImport(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    try {
      setImporting({ name: file.name.replace(/\.json$/i, ""), text: await file.text() });
    } catch {
      toast(t("flows.import.unreadable"), "error");
    }
  }

  async function setEnabled(f: FlowSummary, enabled: boolean) {
    setSwitching(f.id);
    try {
      await write("flowsSetEnabled", account.id, f.id, enabled);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setSwitching(null);
    }
  }

  async function exportFlow(f: FlowSummary) {
    try {
      const path = await write("flowsExport", account.id, f.id, null);
      if (path) toast(t("flows.exported", { path }));
    } catch (e) {
      toast(errorText(e), "error");
    }
  }

  if (open) return <FlowEditor id={open} onBack={() => setOpen(null)} />;

  const shown = (flows ?? []).filter((f) => !held.hidden.has(f.id));
  return (
    <div className="automation-tab">
      <div className="tab-head">
        <p className="muted">{t("flows.intro")}</p>
        <div className="head-actions">
          <button type="button" className="ghost" onClick={() => fileInput.current?.click()}>{t("flows.import")}</button>
          <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="flow-import-file" onChange={(e) => void pickImport(e)} />
          <button type="button" className="primary" onClick={() => setCreating(true)}>+ {t("flows.new")}</button>
        </div>
      </div>
      {flows !== null && shown.length === 0 && <EmptyState title={t("flows.empty")} body={t("flows.emptyBody")} />}
      {shown.length > 0 && (
        <ul className="campaign-list" aria-label={t("flows.title")}>
          {shown.map((f) => (
            <li key={f.id} className="flow-row" data-testid="flow-row">
              <div className="campaign-main">
                <button type="button" className="link" aria-label={t("flows.open", { name: f.name })} onClick={() => setOpen(f.id)}>
                  <strong>{f.name}</strong>
                </button>
                <FlowStatusPill flow={f} />
              </div>
              <div className="small">
                {f.triggers.length === 0
                  ? <span className="muted">{t("flows.noTriggers")}</span>
                  : <ul className="plain" data-testid="flow-triggers">{f.triggers.map((tr, i) => <li key={i}>{triggerSummary(t, tr, numberNames, tagNames)}</li>)}</ul>}
              </div>
              <div className="small muted">
                {f.published ? t("flows.lastPublished", { date: formatDate(f.published.published_at, lang) }) : t("flows.neverPublished")}
                {f.last_published_by && <> {t("canvas.publishedBy", { name: f.last_published_by })}</>}
                <br /><span data-testid="flow-counts">{t("flows.counts", { n: f.sessions_started, active: f.active_sessions })}</span>
              </div>
              <div className="row-actions">
                <label className="switch">
                  <input type="checkbox" role="switch" aria-label={t("flows.toggle", { name: f.name })} checked={f.enabled}
                    disabled={switching === f.id} onChange={(e) => void setEnabled(f, e.target.checked)} />
                  <span>{f.enabled ? t("flows.on") : t("flows.off")}</span>
                </label>
                <button type="button" className="ghost small" aria-label={t("flows.renameNamed", { name: f.name })} onClick={() => setRenaming(f)}>{t("flows.editor.rename")}</button>
                <button type="button" className="ghost small" aria-label={t("flows.duplicateNamed", { name: f.name })} onClick={() => setDuplicating(f)}>{t("flows.duplicate")}</button>
                <button type="button" className="ghost small" aria-label={t("flows.exportNamed", { name: f.name })} onClick={() => void exportFlow(f)}>{t("flows.export")}</button>
                <button type="button" className="ghost small danger" aria-label={t("flows.deleteNamed", { name: f.name })} onClick={() => setDeleting(f)}>{t("common.delete")}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {renaming && <RenameFlowDialog flow={renaming} onClose={() => setRenaming(null)} />}
      {duplicating && (
        <DuplicateDialog flow={duplicating} onClose={() => setDuplicating(null)} onDone={(id, name) => {
          setDuplicating(null);
          toast(t("flows.duplicated", { name }));
          setOpen(id);
        }} />
      )}
      {creating && (
        <NewFlowDialog onClose={() => setCreating(false)} onCreated={(id, name) => {
          setCreating(false);
          toast(t("flows.created", { name }));
          setOpen(id);
        }} />
      )}
      {importing && (
        <ImportDialog file={importing} onClose={() => setImporting(null)} onImported={(id, name) => {
          setImporting(null);
          toast(t("flows.imported", { name }));
          setOpen(id);
        }} />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("flows.deleteTitle")}
          confirmLabel={t("common.delete")}
          danger
          ready={startedBy.length === 0}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const f = deleting;
            setDeleting(null);
            // Hidden at once, sent to Rust when the Desfazer window ends; a
            // refusal (a keyword made to start it meanwhile) brings it back with the reason.
            held.remove(f.id, t("flows.deletedUndo", { name: f.name }), async () => {
              // Conversations in it were shown in the dialog: confirming ends them with the delete.
              await write("flowsDelete", account.id, f.id, f.active_sessions > 0).catch(alreadyGone("flow_unknown"));
            });
          }}
        >
          <p>{t("flows.deleteConfirm", { name: deleting.name })}</p>
          {deleting.active_sessions > 0 && <p className="notice small" data-testid="delete-active">{t("flows.deleteActive", { n: deleting.active_sessions })}</p>}
          {campaignsUsing.length > 0 && (
            <p className="notice small" data-testid="delete-campaigns">{t("flows.deleteCampaigns", { names: campaignsUsing.map((c) => `“${c.name}”`).join(", ") })}</p>
          )}
          {startedBy.map((k) => <p key={k.id} className="form-error" role="alert" data-testid="delete-keyword">{t("flows.deleteKeyword", { name: k.name })}</p>)}
        </ConfirmDialog>
      )}
    </div>
  );
}

/** A new flow: its name and what it starts from. */
function NewFlowDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string, name: string) => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [name, setName] = useState("");
  const [starter, setStarter] = useState<Starter["id"]>("menu");
  const fields = useCommand("fieldsList", [account.id]).data ?? null;
  const tags = useCommand("tagsList", [account.id]).data ?? null;
  const { submit, error, busy } = useSubmit(async () => {
    const chosen = STARTERS.find((s) => s.id === starter);
    // What the starter's blocks fill and add, made first when the account lacks it (a
    // flow naming a missing field or tag would not publish).
    const missingFields = (chosen?.fields ?? []).filter((f) => !(fields ?? []).some((x) => x.key === f.key));
    for (const f of missingFields) await write("fieldsCreate", account.id, { label: f.label, kind: f.kind, choices: [] });
    const missingTags = (chosen?.tags ?? []).filter((n) => !(tags ?? []).some((x) => x.name.toLocaleLowerCase("pt-BR") === n.toLocaleLowerCase("pt-BR")));
    for (const n of missingTags) await write("tagsCreate", account.id, { name: n, color: "#0f766e" });
    const created = await write("flowsCreate", account.id, name, chosen?.document ?? null);
    onCreated(created.id, created.name);
  });
  const nameError = error && ["name_empty", "name_too_long", "flow_duplicate"].includes(error.code) ? error.message : null;
  return (
    <Modal title={t("flows.new")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="flow-name" label={t("flows.name")} error={nameError}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset className="editor-section">
          <legend>{t("flows.startFrom")}</legend>
          {STARTERS.map((s) => (
            <label key={s.id} className="check starter">
              <input type="radio" name="flow-starter" checked={starter === s.id} onChange={() => setStarter(s.id)} />
              <span><strong>{t(s.label)}</strong><br /><span className="muted small">{t(s.hint)}</span></span>
            </label>
          ))}
        </fieldset>
        {error && !nameError && <p className="form-error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          {/* What the starter needs is compared with the account's fields and tags once they are read. */}
          <button type="submit" className="primary" disabled={busy || fields === null || tags === null}>{t("common.create")}</button>
        </div>
      </form>
    </Modal>
  );
}

/** A copy of a flow's draft under a new name: unpublished and without triggers (two flows never answer one word). */
function DuplicateDialog({ flow, onClose, onDone }: { flow: FlowSummary; onClose: () => void; onDone: (id: string, name: string) => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [name, setName] = useState(t("flows.copyName", { name: flow.name }).slice(0, 80));
  const { submit, error, busy } = useSubmit(async () => {
    const made = await write("flowsDuplicate", account.id, flow.id, name);
    onDone(made.id, made.name);
  });
  const nameError = error && ["name_empty", "name_too_long", "flow_duplicate"].includes(error.code) ? error.message : null;
  return (
    <Modal title={t("flows.duplicateTitle", { name: flow.name })} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">{t("flows.duplicateHint")}</p>
        <Field id="duplicate-name" label={t("flows.name")} error={nameError}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {error && !nameError && <p className="form-error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("flows.duplicate")}</button>
        </div>
      </form>
    </Modal>
  );
}

/** A picked `.json` file becomes a flow under the name chosen; a file Rust cannot read is refused naming its first wrong place. */
function ImportDialog({ file, onClose, onImported }: { file: { name: string; text: string }; onClose: () => void; onImported: (id: string, name: string) => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [name, setName] = useState(file.name);
  const { submit, error, busy } = useSubmit(async () => {
    const created = await write("flowsImport", account.id, name, file.text);
    onImported(created.id, created.name);
  });
  const nameError = error && ["name_empty", "name_too_long", "flow_duplicate"].includes(error.code) ? error.message : null;
  return (
    <Modal title={t("flows.importTitle")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">{t("flows.importHint")}</p>
        <Field id="import-name" label={t("flows.name")} error={nameError}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {error && !nameError && <p className="form-error" role="alert" data-testid="import-error">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("flows.importButton")}</button>
        </div>
      </form>
    </Modal>
  );
}
