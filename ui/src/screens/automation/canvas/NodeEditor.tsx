// The side panel of the selected block: its fields, where each of its
// branches leads (a select per branch: the keyboard's way to connect, and
// the same edge a drag on the canvas makes), its problems, and delete.
import type { FlowDocument, FlowFinding, NodeKind } from "../../../ipc/call";
import { useI18n } from "../../../i18n";
import { connect, disconnect, edgeOf, handlesOf, remove, setStart, updateNode } from "./graph";
import { handleLabel, TYPE_ICON, TYPE_LABEL } from "./labels";
import { NodeFields, type Lookups } from "./NodeFields";

interface Props {
  doc: FlowDocument;
  nodeId: string;
  findings: FlowFinding[];
  lookups: Lookups;
  readOnly: boolean;
  /** A change; `coalesce` names what was typed, so a word typed is one undo step, not one per key. */
  onChange: (doc: FlowDocument, coalesce?: string) => void;
  onClose: () => void;
}

export function NodeEditor({ doc, nodeId, findings, lookups, readOnly, onChange, onClose }: Props) {
  const { t } = useI18n();
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const set = (kind: NodeKind, field: string) => onChange(updateNode(doc, node.id, kind), `${node.id}:${field}`);
  const handles = handlesOf(node);
  const mine = findings.filter((f) => f.node === node.id);
  return (
    <aside className="node-editor panel" aria-label={t("canvas.editorLabel", { id: node.id })} data-testid="node-editor">
      <div className="panel-head">
        <h3><span aria-hidden>{TYPE_ICON[node.type]}</span> {t(TYPE_LABEL[node.type])} <span className="mono muted">{node.id}</span></h3>
        <button type="button" className="ghost small" aria-label={t("canvas.closeEditor")} onClick={onClose}>×</button>
      </div>
      {doc.start === node.id
        ? <p className="pill start">{t("canvas.isStart")}</p>
        : !readOnly && <button type="button" className="ghost small" onClick={() => onChange(setStart(doc, node.id))}>{t("canvas.makeStart")}</button>}
      {mine.length > 0 && (
        <ul className="plain findings" data-testid="node-findings">
          {mine.map((f, i) => (
            <li key={i} className={f.severity === "error" ? "finding error" : "finding warning"}>
              <span className="pill">{t(f.severity === "error" ? "flows.editor.error" : "flows.editor.warning")}</span> {f.message}
            </li>
          ))}
        </ul>
      )}
      <div className="form node-fields">
        <NodeFields node={node} set={set} lookups={lookups} readOnly={readOnly} />
      </div>
      {handles.length > 0 && (
        <fieldset className="branches" disabled={readOnly}>
          <legend>{t("canvas.branches")}</legend>
          {handles.map((h) => {
            const label = handleLabel(t, node, h);
            return (
              <div key={h} className="branch-row">
                <label htmlFor={`branch-${node.id}-${h}`}>{label}</label>
                <select id={`branch-${node.id}-${h}`} aria-label={t("canvas.branchTo", { branch: label })}
                  value={edgeOf(doc, node.id, h)?.to ?? ""}
                  onChange={(e) => onChange(e.target.value ? connect(doc, node.id, h, e.target.value) : disconnect(doc, node.id, h))}>
                  <option value="">{t("canvas.branchNowhere")}</option>
                  {doc.nodes.map((n) => <option key={n.id} value={n.id}>{n.id} · {t(TYPE_LABEL[n.type])}</option>)}
                </select>
              </div>
            );
          })}
        </fieldset>
      )}
      {!readOnly && node.id !== doc.start && (
        <div className="actions">
          <button type="button" className="ghost danger small" onClick={() => { onChange(remove(doc, new Set([node.id]), new Set())); onClose(); }}>
            {t("canvas.deleteBlock")}
          </button>
        </div>
      )}
    </aside>
  );
}
