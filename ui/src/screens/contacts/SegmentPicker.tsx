import { useCallback, useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { AppError, call, commands, type ContactFilter, type Segment } from "../../ipc/call";
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
  /** Bumped when contacts change, so the counts follow. */
  generation: number;
}

/** Saved segments with their live counts: pick one, save the filter as one, update or delete it. */
export function SegmentPicker({ filter, current, onPick, generation }: Props) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const [segments, setSegments] = useState<Segment[]>([]);
  const [counts, setCounts] = useState<Map<string, number>>(new Map());
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const held = useUndoableDelete((e) => toast(e instanceof AppError ? e.message : String(e), "error"));

  const load = useCallback(async () => {
    const list = await call(commands.segmentsList(account.id));
    setSegments(list);
    return list;
  }, [account.id]);

  useEffect(() => {
    load().catch((e) => toast(e instanceof AppError ? e.message : String(e), "error"));
  }, [load, toast]);

  // Each segment's count, again whenever contacts change. A segment whose
  // filter no longer works (a field was deleted) shows no count.
  useEffect(() => {
    let live = true;
    void Promise.allSettled(segments.map((s) => call(commands.contactsCount(account.id, s.filter)))).then((results) => {
      if (!live) return;
      const next = new Map<string, number>();
      results.forEach((r, i) => {
        const s = segments[i];
        if (s && r.status === "fulfilled") next.set(s.id, r.value);
      });
      setCounts(next);
    });
    return () => {
      live = false;
    };
  }, [segments, account.id, generation]);

  const changed = current !== null && !sameFilter(current.filter, filter);
  const label = (s: Segment) => {
    const n = counts.get(s.id);
    return n === undefined ? s.name : `${s.name} (${n.toLocaleString(lang)})`;
  };

  async function update() {
    if (!current) return;
    setBusy(true);
    try {
      const saved = await call(commands.segmentsUpdate(account.id, current.id, { name: current.name, filter }));
      toast(t("segments.updated", { name: saved.name }));
      await load();
      onPick(saved);
    } catch (e) {
      toast(e instanceof AppError ? e.message : String(e), "error");
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
            await load();
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
              await call(commands.segmentsDelete(account.id, s.id)).catch(alreadyGone("segment_unknown"));
              await load();
            });
          }}
        >
          <p>{t("segments.deleteConfirm", { name: current.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
