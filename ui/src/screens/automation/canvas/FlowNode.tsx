// One block on the canvas: its type, id and content, one handle per branch
// (each beside its label, so a menu option is connected from its own row),
// its problems, and — when shown — the simulator's path and the analytics.
import { memo, useEffect, useRef } from "react";
import { Handle, Position, useUpdateNodeInternals, type Node as RFNode, type NodeProps } from "@xyflow/react";
import type { Node } from "../../../ipc/call";
import { useI18n } from "../../../i18n";
import { handlesOf } from "./graph";
import { handleLabel, nodeSummary, TYPE_ICON, TYPE_LABEL } from "./labels";
import type { NodeStatsView } from "./analytics";

export interface FlowNodeData extends Record<string, unknown> {
  node: Node;
  start: boolean;
  errors: number;
  warnings: number;
  /** Handles that already lead somewhere (drawn filled; a new line from one replaces its old one). */
  connected: Set<string>;
  flowNames: Map<string, string>;
  /** The simulator: on the path taken, or where the session is now. */
  sim: "path" | "current" | null;
  stats: NodeStatsView | null;
  readOnly: boolean;
  /** All of the above but the node, as one string: unchanged, the block is not drawn again. */
  memo: string;
}

export type FlowRFNode = RFNode<FlowNodeData, "block">;

function FlowNodeView({ id, data, selected }: NodeProps<FlowRFNode>) {
  const { t } = useI18n();
  const { node } = data;
  const handles = handlesOf(node);
  // React Flow measures handles once: tell it when the branches change.
  const update = useUpdateNodeInternals();
  const key = handles.join("|");
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    update(id);
  }, [key, id, update]);

  const classes = ["flow-node", `type-${node.type}`];
  if (selected) classes.push("selected");
  if (data.errors > 0) classes.push("has-errors");
  if (data.sim) classes.push(`sim-${data.sim}`);
  return (
    <div className={classes.join(" ")} data-testid="canvas-node" data-node-id={id} aria-label={t("canvas.nodeLabel", { type: t(TYPE_LABEL[node.type]), id })}>
      {/* The start block takes lines too: "back to the menu" loops to it. */}
      <Handle type="target" position={Position.Left} id="in" className="flow-handle in" isConnectable={!data.readOnly} />
      <header>
        <span className="flow-node-icon" aria-hidden>{TYPE_ICON[node.type]}</span>
        <span className="flow-node-type">{t(TYPE_LABEL[node.type])}</span>
        <span className="flow-node-id mono">{id}</span>
        {data.start && <span className="pill start" data-testid="node-start">{t("canvas.start")}</span>}
      </header>
      <p className="flow-node-body">{nodeSummary(t, node, data.flowNames)}</p>
      {(data.errors > 0 || data.warnings > 0) && (
        <p className="flow-node-problems" data-testid="node-problems">
          {data.errors > 0 && <span className="pill danger">{t("canvas.errors", { n: data.errors })}</span>}
          {data.warnings > 0 && <span className="pill warn">{t("canvas.warnings", { n: data.warnings })}</span>}
        </p>
      )}
      {data.stats && (
        <p className="flow-node-stats" data-testid="node-stats">
          <span title={t("canvas.stats.enteredHint")}>{t("canvas.stats.entered", { n: data.stats.entered })}</span>
          {data.stats.stopped > 0 && <span className="stopped" title={data.stats.stoppedHint}>{t("canvas.stats.stopped", { n: data.stats.stopped })}</span>}
          {data.stats.waiting > 0 && <span>{t("canvas.stats.waiting", { n: data.stats.waiting })}</span>}
        </p>
      )}
      {handles.length > 0 && (
        <ul className="flow-node-branches">
          {handles.map((h) => (
            <li key={h} data-testid="node-branch" data-handle={h}>
              <span>{handleLabel(t, node, h)}</span>
              <Handle type="source" position={Position.Right} id={h}
                className={data.connected.has(h) ? "flow-handle out connected" : "flow-handle out"}
                isConnectable={!data.readOnly} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const FlowNode = memo(FlowNodeView);
