import { useState } from "react";
import { useQueries } from "@tanstack/react-query";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { ContactFilter, Segment } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { commandQuery, useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { alreadyGone, useUndoableDelete } from "../../components/useUndoableDelete";
import { isEmptyFilter, sameFilter } from "./filter";
import { SegmentDialog } from "./SegmentDialog";

interface Props {
  /** The filter on screen (what "save" and "update" store). */
  filter: ContactFilter;
  current: Segment | null;
  /** A segment was chosen (its filter goes into the panel), or "all contacts" (null). */
  onPick: (segment: Segment | null) => void;
}

/** Saved segments with their live counts: pick one, save the filter as one, update or delete it. */
export function SegmentPicker({ filter, current, onPick }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const segments = useCommand("segmentsList", [account.id]).data ?? [];
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const held = useUndoableDelete((e) => toast(errorText(e), "error"));

  // Each segment's count, kept current with the contacts. A segment whose
  // filter no longer works (a field was deleted) shows no count.
  const countQueries = useQueries({
    queries: segments.map((s) => commandQuery("contactsCount", [account.id, s.filter], { inline: true })),
  });
  const counts = new Map<string, number>();
  countQueries.forEach((q, i) => {
    const s = segments[i];
    if (s && q.data !== undefined) counts.set(s.id, q.data);
  });

  const changed = current !== null && !sameFilter(current.filter, filter);
  const label = (s: Segment) => {
    const n = counts.get(s.id);
    return n === undefined ? s.name : `${s.name} (${n.toLocaleString(lang)})`;
  };

  async function update() {
    if (!current) return;
    setBusy(true);
    try {
      const saved = await write("segmentsUpdate", account.id, current.id, { name: current.name, filter });
      toast(t("segments.updated", { name: saved.name }));
      onPick(saved);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="segment-picker">
      <select aria-label={t("segments.label")} value={current?.id ?? ""}
        onChange={(e) => onPick(segments.find((s) => s.id === e.target.value) ?? null)}>
        <option value="">{t("segments.all")}</option>
        {segments.filter((s) => !held.hidden.has(s.id)).map((s) => <option key={s.id} value={s.id}>{label(s)}</option>)}
      </select>
      {changed && <span className="badge changed">{t("segments.changed")}</span>}
      {changed && <button type="button" className="ghost small" disabled={busy} onClick={() => void update()}>{t("segments.update")}</button>}
      {!isEmptyFilter(filter) && (current === null || changed) && (
        <button type="button" className="ghost small" onClick={() => setSaving(true)}>{t("segments.save")}</button>
      )}
      {current && <button type="button" className="ghost small danger" onClick={() => setDeleting(true)}>{t("segments.delete")}</button>}
      {saving && (
        <SegmentDialog
          filter={filter}
          onClose={() => setSaving(false)}
          onSaved={async (s) => {
            setSaving(false);
            toast(t("segments.saved", { name: s.name }));
            onPick(s);
          }}
        />
      )}
      {deleting && current && (
        <ConfirmDialog
          title={t("segments.deleteTitle")}
          confirmLabel={t("segments.delete")}
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const s = current;
            setDeleting(false);
            onPick(null);
            // Hidden at once, sent to Rust when the Desfazer window ends.
            held.remove(s.id, t("segments.deletedUndo", { name: s.name }), async () => {
              await write("segmentsDelete", account.id, s.id).catch(alreadyGone("segment_unknown"));
            });
          }}
        >
          <p>{t("segments.deleteConfirm", { name: current.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
