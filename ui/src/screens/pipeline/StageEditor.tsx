import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Stage, StageInput } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { Modal } from "../../components/Modal";

/**
 * The stages: add, rename, recolour, reorder (↑ ↓), what entering each does
 * (a tag, a flow), and delete — a stage with cards asks where they go.
 */
export function StageEditor({ stages, onClose }: { stages: Stage[]; onClose: () => void }) {
  const { account } = useApp();
  const { t } = useI18n();
  const write = useWrite();
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const flows = useCommand("flowsList", [account.id]).data ?? [];
  const counts = useCommand("pipelineSummary", [account.id, null]).data ?? [];
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Stage | null>(null);
  const [target, setTarget] = useState("");

  const attempt = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
  const inputOf = (s: Stage, change: Partial<StageInput>): StageInput => ({
    name: s.name, color: s.color, add_tag_id: s.add_tag_id, start_flow_id: s.start_flow_id, ...change,
  });
  const update = (s: Stage, change: Partial<StageInput>) =>
    attempt(() => write("pipelineStagesUpdate", account.id, s.id, inputOf(s, change)));
  const swap = (i: number, j: number) => {
    const order = stages.map((s) => s.id);
    [order[i], order[j]] = [order[j]!, order[i]!];
    return attempt(() => write("pipelineStagesReorder", account.id, order));
  };
  const cardsOf = (s: Stage) => counts.find((c) => c.stage_id === s.id)?.cards ?? 0;

  return (
    <Modal title={t("pipeline.stagesTitle")} onClose={onClose} className="wide">
      <ol className="stage-list">
        {stages.map((s, i) => (
          <li key={s.id} data-testid="stage-row">
            <input aria-label={t("pipeline.stageName")} defaultValue={s.name} maxLength={40}
              onBlur={(e) => e.target.value !== s.name && void update(s, { name: e.target.value })} />
            <input type="color" aria-label={t("pipeline.stageColor")} defaultValue={s.color}
              onBlur={(e) => e.target.value !== s.color && void update(s, { color: e.target.value })} />
            <button type="button" className="ghost small" aria-label={t("pipeline.moveLeft", { name: s.name })}
              disabled={i === 0} onClick={() => void swap(i, i - 1)}>↑</button>
            <button type="button" className="ghost small" aria-label={t("pipeline.moveRight", { name: s.name })}
              disabled={i === stages.length - 1} onClick={() => void swap(i, i + 1)}>↓</button>
            <label>
              {t("pipeline.onEnterTag")}{" "}
              <select value={s.add_tag_id ?? ""} onChange={(e) => void update(s, { add_tag_id: e.target.value || null })}>
                <option value="">{t("pipeline.nothing")}</option>
                {tags.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
              </select>
            </label>
            <label>
              {t("pipeline.onEnterFlow")}{" "}
              <select value={s.start_flow_id ?? ""} onChange={(e) => void update(s, { start_flow_id: e.target.value || null })}>
                <option value="">{t("pipeline.nothing")}</option>
                {flows.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
              </select>
            </label>
            <button type="button" className="danger small" onClick={() => { setDeleting(s); setTarget(""); }}>{t("common.delete")}</button>
          </li>
        ))}
      </ol>
      <form className="form inline" onSubmit={async (e) => {
        e.preventDefault();
        const ok = await attempt(() => write("pipelineStagesCreate", account.id, { name, color: "#0f766e", add_tag_id: null, start_flow_id: null }));
        if (ok) setName("");
      }}>
        <input aria-label={t("pipeline.newStage")} placeholder={t("pipeline.newStage")} value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary">{t("pipeline.addStage")}</button>
      </form>
      {deleting && (
        <div className="confirm-box" role="group" aria-label={t("pipeline.deleteStage", { name: deleting.name })}>
          <p>{cardsOf(deleting) > 0
            ? t("pipeline.deleteWithCards", { name: deleting.name, count: cardsOf(deleting) })
            : t("pipeline.deleteEmpty", { name: deleting.name })}</p>
          {cardsOf(deleting) > 0 && (
            <label>
              {t("pipeline.moveCardsTo")}{" "}
              <select value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">—</option>
                {stages.filter((s) => s.id !== deleting.id).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </label>
          )}
          <button type="button" className="ghost" onClick={() => setDeleting(null)}>{t("common.cancel")}</button>
          <button type="button" className="danger-solid" disabled={cardsOf(deleting) > 0 && !target}
            onClick={async () => {
              if (await attempt(() => write("pipelineStagesDelete", account.id, deleting.id, target || null))) setDeleting(null);
            }}>{t("common.delete")}</button>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>{t("common.close")}</button>
      </div>
    </Modal>
  );
}
