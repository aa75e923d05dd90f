import { useMemo, useState } from "react";
import { DndContext, PointerSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { Card, CardFilter, PipelineMoved, Stage } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { useCommand, useWrite } from "../data/commands";
import { EmptyState } from "../components/EmptyState";
import { CardDialog } from "./pipeline/CardDialog";
import { Column } from "./pipeline/Column";
import { StageEditor } from "./pipeline/StageEditor";

/**
 * The account's pipeline (Funil), as Botconversa's CRM board: a column per
 * stage with its count and total value, cards dragged between stages (or
 * moved with "Mover para…" from the keyboard), filters by owner, tag and
 * text, a card dialog and the stages' editor.
 */
export function Pipeline() {
  const { account, toast } = useApp();
  const { t, lang } = useI18n();
  const write = useWrite();
  const [owner, setOwner] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [text, setText] = useState("");
  const filter: CardFilter = useMemo(() => ({ owner, tag, text: text.trim() || null }), [owner, tag, text]);
  const stages = useCommand("pipelineStagesList", [account.id]).data;
  const cards = useCommand("pipelineCardsList", [account.id, filter], { keepPrevious: true }).data ?? [];
  const totals = useCommand("pipelineSummary", [account.id, filter], { keepPrevious: true }).data ?? [];
  const users = useCommand("usersList", []).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const [editing, setEditing] = useState<{ card: Card | null; stage: string } | null>(null);
  const [editorOpen, setEditorOpen] = useState(false);
  // Mouse drags start after a few pixels, so a click on a card's buttons stays a click.
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  const said = (moved: PipelineMoved, stage: Stage | undefined) => {
    const name = stage?.name ?? "";
    // Rust gives the refusal in both languages (the app crate does not know the window's).
    if (moved.flow.kind === "failed") toast(t("pipeline.flowFailed", { reason: lang === "en" ? moved.flow.en : moved.flow.pt_br }), "error");
    else if (moved.flow.kind === "no_conversation") toast(t("pipeline.flowNoConversation", { stage: name }), "error");
    else toast(t("pipeline.moved", { stage: name }));
  };

  const move = async (card: Card, stage: string, before: string | null) => {
    if (card.stage_id === stage && before === null && cards.filter((c) => c.stage_id === stage).at(-1)?.id === card.id) return;
    try {
      const moved = await write("pipelineCardsMove", account.id, card.id, { stage, before });
      said(moved, stages?.find((s) => s.id === stage));
    } catch (e) {
      toast(errorText(e), "error");
    }
  };

  const onDragEnd = (e: DragEndEvent) => {
    const card = cards.find((c) => c.id === e.active.id);
    const over = e.over ? String(e.over.id) : null;
    if (!card || !over) return;
    if (over.startsWith("stage:")) void move(card, over.slice(6), null);
    else if (over.startsWith("card:")) {
      const target = cards.find((c) => c.id === over.slice(5));
      if (target && target.id !== card.id) void move(card, target.stage_id, target.id);
    }
  };

  if (!stages) return <div className="center muted">{t("app.loading")}</div>;

  return (
    <div className="screen pipeline">
      <div className="screen-head">
        <h1>{t("pipeline.title")}</h1>
        <div className="head-actions">
          <button type="button" className="ghost" onClick={() => setEditorOpen(true)}>{t("pipeline.editStages")}</button>
        </div>
      </div>
      <div className="filter-bar pipeline-filters" role="search" aria-label={t("pipeline.filters")}>
        <input type="search" className="search" value={text} placeholder={t("pipeline.search")}
          aria-label={t("pipeline.search")} onChange={(e) => setText(e.target.value)} />
        <label>
          {t("pipeline.owner")}{" "}
          <select value={owner ?? ""} onChange={(e) => setOwner(e.target.value || null)}>
            <option value="">{t("pipeline.anyone")}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
        <label>
          {t("pipeline.tag")}{" "}
          <select value={tag ?? ""} onChange={(e) => setTag(e.target.value || null)}>
            <option value="">{t("pipeline.anyTag")}</option>
            {tags.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        </label>
      </div>
      {stages.length === 0 ? (
        <EmptyState title={t("pipeline.emptyTitle")} body={t("pipeline.emptyBody")}>
          <button type="button" className="primary" onClick={() => setEditorOpen(true)}>{t("pipeline.editStages")}</button>
        </EmptyState>
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd}>
          <div className="board" data-testid="pipeline-board">
            {stages.map((stage) => (
              <Column key={stage.id} stage={stage} stages={stages}
                cards={cards.filter((c) => c.stage_id === stage.id)}
                total={totals.find((x) => x.stage_id === stage.id)}
                onAdd={() => setEditing({ card: null, stage: stage.id })}
                onOpen={(card) => setEditing({ card, stage: card.stage_id })}
                onMove={(card, to) => void move(card, to, null)} />
            ))}
          </div>
        </DndContext>
      )}
      {editing && (
        <CardDialog card={editing.card} stage={editing.stage} users={users}
          onMade={(moved) => said(moved, stages.find((s) => s.id === moved.card.stage_id))}
          onClose={() => setEditing(null)} />
      )}
      {editorOpen && <StageEditor stages={stages} onClose={() => setEditorOpen(false)} />}
    </div>
  );
}
