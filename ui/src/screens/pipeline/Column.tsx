import { useState } from "react";
import { useDraggable, useDroppable } from "@dnd-kit/core";
import { useI18n } from "../../i18n";
import type { Card, Stage, StageTotal } from "../../ipc/call";
import { formatPhone } from "../../format";
import { cardDrop, stageDrop } from "./drop";
import { formatBRL } from "./money";

interface Props {
  stage: Stage;
  stages: Stage[];
  cards: Card[];
  total: StageTotal | undefined;
  onAdd: () => void;
  onOpen: (card: Card) => void;
  onMove: (card: Card, stage: string) => void;
}

/** One stage: its count and total value, its cards, a drop target for cards dragged here. */
export function Column({ stage, stages, cards, total, onAdd, onOpen, onMove }: Props) {
  const { t, lang } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: stageDrop(stage.id) });
  const count = total?.cards ?? cards.length;
  return (
    <section ref={setNodeRef} className={isOver ? "board-column over" : "board-column"}
      aria-label={stage.name} data-testid="pipeline-column" data-stage={stage.id}>
      <header style={{ borderTopColor: stage.color }}>
        <h2>{stage.name}</h2>
        <p className="muted" data-testid="column-totals">
          <span data-testid="column-count">{count === 1 ? t("pipeline.oneCard") : t("pipeline.cards", { count })}</span>
          {" · "}
          <span data-testid="column-value">{formatBRL(total?.value_cents ?? 0, lang)}</span>
        </p>
      </header>
      <ul className="board-cards">
        {cards.map((card) => (
          <CardView key={card.id} card={card} stages={stages} onOpen={() => onOpen(card)} onMove={(to) => onMove(card, to)} />
        ))}
      </ul>
      <button type="button" className="ghost small" onClick={onAdd}>{t("pipeline.addCard")}</button>
    </section>
  );
}

function CardView({ card, stages, onOpen, onMove }: { card: Card; stages: Stage[]; onOpen: () => void; onMove: (stage: string) => void }) {
  const { t, lang } = useI18n();
  const drag = useDraggable({ id: card.id });
  const drop = useDroppable({ id: cardDrop(card.id) });
  const [menu, setMenu] = useState(false);
  const name = card.contact_name ?? formatPhone(card.contact_phone);
  const style = drag.transform ? { transform: `translate(${drag.transform.x}px, ${drag.transform.y}px)`, zIndex: 10 } : undefined;
  return (
    <li ref={drop.setNodeRef} className={drop.isOver ? "board-slot over" : "board-slot"}>
      <article ref={drag.setNodeRef} style={style} {...drag.attributes} {...drag.listeners}
        className={drag.isDragging ? "board-card dragging" : "board-card"} data-testid="pipeline-card" aria-label={name}>
        <strong>{name}</strong>
        {card.title && <span className="card-title">{card.title}</span>}
        <span data-testid="card-value">{formatBRL(card.value_cents, lang)}</span>
        <span className="muted">{card.owner_name ?? card.owner_email ?? t("pipeline.noOwner")}</span>
        <div className="card-actions" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
          <button type="button" className="ghost small" onClick={onOpen}>{t("common.edit")}</button>
          <button type="button" className="ghost small" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)}>
            {t("pipeline.moveTo")}
          </button>
          {menu && (
            <div role="menu" className="menu" aria-label={t("pipeline.moveTo")}>
              {stages.filter((s) => s.id !== card.stage_id).map((s) => (
                <button key={s.id} type="button" role="menuitem" onClick={() => { setMenu(false); onMove(s.id); }}>{s.name}</button>
              ))}
            </div>
          )}
        </div>
      </article>
    </li>
  );
}
