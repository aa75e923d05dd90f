// The engine's block types: dragged onto the canvas, or clicked to add one
// in the middle of the view (the keyboard's way).
import { useI18n } from "../../../i18n";
import { NODE_TYPES, type NodeType } from "./graph";
import { TYPE_ICON, TYPE_LABEL } from "./labels";
import { BLOCK_MIME } from "./FlowCanvas";

export function Palette({ onAdd, disabled }: { onAdd: (type: NodeType) => void; disabled: boolean }) {
  const { t } = useI18n();
  return (
    <nav className="palette" aria-label={t("canvas.palette")} data-testid="palette">
      {NODE_TYPES.map((type) => (
        <button key={type} type="button" className="palette-item" draggable={!disabled} disabled={disabled}
          data-type={type} title={t(`canvas.typeHint.${type}`)} aria-label={t("canvas.add", { type: t(TYPE_LABEL[type]) })}
          onDragStart={(e) => { e.dataTransfer.setData(BLOCK_MIME, type); e.dataTransfer.effectAllowed = "copy"; }}
          onClick={() => onAdd(type)}>
          <span aria-hidden>{TYPE_ICON[type]}</span> {t(TYPE_LABEL[type])}
        </button>
      ))}
    </nav>
  );
}
