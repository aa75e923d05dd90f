// The canvas: React Flow over the flow document. The document stays the one
// truth (undo keeps documents); React Flow's own node list only carries what
// it measures and selects, and a drag is committed to the document once, when
// it ends (one undo step per drag, not per frame).
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import {
  Background, Controls, MarkerType, MiniMap, ReactFlow, applyEdgeChanges, applyNodeChanges, useReactFlow,
  type Connection, type Edge as RFEdge, type EdgeChange, type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import type { FlowDocument } from "../../../ipc/call";
import { useI18n } from "../../../i18n";
import { FlowNode, type FlowNodeData, type FlowRFNode } from "./FlowNode";
import { addNode, connect, copy, moveNodes, paste, readClip, remove, type Clip, type NodeType } from "./graph";
import { autoLayout, type Size } from "./layout";
import type { NodeStatsView } from "./analytics";

const NODE_TYPES = { block: FlowNode };
/** "Show the whole flow": a small flow is not blown up past its real size. */
const FIT = { padding: 0.15, maxZoom: 1 };
// React Flow copies every prop into its store when its reference changes:
// props are kept stable, or a selection callback re-run per render loops.
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_KEYS = ["Shift", "Control", "Meta"];
const MINIMAP = { width: 120, height: 80 };
const MARKER = { type: MarkerType.ArrowClosed };
const LABEL_PADDING: [number, number] = [4, 2];
/** What the palette puts on a drag. */
export const BLOCK_MIME = "application/x-zapdesk-block";

/** The last blocks copied in this window: pasting works in another flow even where the system clipboard is closed to the app. */
let lastClip: Clip | null = null;

export interface Decorations {
  problems: Map<string, { errors: number; warnings: number }>;
  sim: { path: Set<string>; current: string | null; edges: Set<string> } | null;
  stats: Map<string, NodeStatsView> | null;
  edgeCounts: Map<string, number> | null;
}

export interface CanvasHandle {
  addAtCenter: (type: NodeType) => void;
  focusNode: (id: string) => void;
  layout: () => void;
  copySelection: () => void;
  pasteClip: () => void;
  fit: () => void;
}

interface Props {
  doc: FlowDocument;
  /** A change; `coalesce` names a run of the same change (one undo step). */
  onChange: (doc: FlowDocument, coalesce?: string) => void;
  readOnly: boolean;
  decorations: Decorations;
  flowNames: Map<string, string>;
  onSelect: (nodeIds: string[]) => void;
  onUndo: () => void;
  onRedo: () => void;
  onCopied: (n: number) => void;
}

export const FlowCanvas = forwardRef<CanvasHandle, Props>(function FlowCanvas(props, ref) {
  const { doc, onChange, readOnly, decorations, flowNames, onSelect, onUndo, onRedo, onCopied } = props;
  const { t } = useI18n();
  const flow = useReactFlow<FlowRFNode, RFEdge>();
  const [nodes, setNodes] = useState<FlowRFNode[]>([]);
  const [edges, setEdges] = useState<RFEdge[]>([]);
  const wrapper = useRef<HTMLDivElement>(null);
  const pastes = useRef(0);
  /** Blocks to select once the document that adds them is drawn (a block just added or pasted). */
  const toSelect = useRef<Set<string> | null>(null);

  // The document (and what is drawn over it) into React Flow's nodes, keeping
  // what React Flow knows of each (its measured size, selection, a drag under way).
  useEffect(() => {
    const connected = new Map<string, Set<string>>();
    for (const e of doc.edges) connected.set(e.from, (connected.get(e.from) ?? new Set()).add(e.handle));
    const select = toSelect.current;
    toSelect.current = null;
    setNodes((prev) => {
      const before = new Map(prev.map((n) => [n.id, n]));
      return doc.nodes.map((node): FlowRFNode => {
        const old = before.get(node.id);
        const problems = decorations.problems.get(node.id);
        const sim = decorations.sim ? (decorations.sim.current === node.id ? "current" : decorations.sim.path.has(node.id) ? "path" : null) : null;
        const stats = decorations.stats?.get(node.id) ?? (decorations.stats ? { entered: 0, stopped: 0, waiting: 0, stoppedHint: "" } : null);
        const linked = connected.get(node.id) ?? new Set<string>();
        // What the block draws besides its node: unchanged, the old data is kept, and
        // React Flow does not draw the block again (a drop re-drew all 300 blocks).
        const memo = [node.id === doc.start, problems?.errors ?? 0, problems?.warnings ?? 0, [...linked].join(","), sim,
          stats ? `${stats.entered}/${stats.stopped}/${stats.waiting}/${stats.stoppedHint}` : "", readOnly].join("|");
        const same = old !== undefined && old.data.node === node && old.data.memo === memo && old.data.flowNames === flowNames;
        const data: FlowNodeData = same ? old.data : {
          node, start: node.id === doc.start, errors: problems?.errors ?? 0, warnings: problems?.warnings ?? 0,
          connected: linked, flowNames, sim, stats, readOnly, memo,
        };
        const position = old?.dragging ? old.position : { x: node.position.x ?? 0, y: node.position.y ?? 0 };
        const selected = select ? select.has(node.id) : old?.selected;
        if (same && old.position.x === position.x && old.position.y === position.y && old.selected === selected
          && old.deletable === (!readOnly && node.id !== doc.start) && old.draggable === !readOnly) return old;
        return {
          ...old, id: node.id, type: "block", data, selected, position,
          deletable: !readOnly && node.id !== doc.start,
          draggable: !readOnly,
        };
      });
    });
    setEdges((prev) => {
      const before = new Map(prev.map((e) => [e.id, e]));
      return doc.edges.map((e): RFEdge => {
        const old = before.get(e.id);
        const onPath = decorations.sim?.edges.has(`${e.from}>${e.to}`) ?? false;
        const count = decorations.edgeCounts?.get(`${e.from}/${e.handle}`);
        const className = onPath ? "sim-path" : undefined;
        const label = decorations.edgeCounts ? String(count ?? 0) : undefined;
        // Unchanged lines are kept as they are: React Flow does not draw them again.
        if (old && old.source === e.from && old.sourceHandle === e.handle && old.target === e.to
          && old.className === className && old.label === label && old.deletable === !readOnly) return old;
        return {
          id: e.id, source: e.from, sourceHandle: e.handle, target: e.to, targetHandle: "in",
          selected: old?.selected ?? false, deletable: !readOnly,
          markerEnd: MARKER, className, label, labelBgPadding: LABEL_PADDING,
          data: { handle: e.handle },
        };
      });
    });
  }, [doc, decorations, flowNames, readOnly]);

  const onNodesChange = useCallback((changes: NodeChange<FlowRFNode>[]) => {
    // Removals go through onDelete (the document); the rest is React Flow's own.
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== "remove"), ns));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<RFEdge>[]) => {
    setEdges((es) => applyEdgeChanges(changes.filter((c) => c.type !== "remove"), es));
  }, []);

  const onSelectionChange = useCallback(({ nodes: ns }: { nodes: FlowRFNode[] }) => onSelect(ns.map((n) => n.id)), [onSelect]);

  const selectedIds = () => nodes.filter((n) => n.selected).map((n) => n.id);

  const onDragStop = useCallback((_: unknown, __: unknown, dragged: FlowRFNode[]) => {
    onChange(moveNodes(doc, new Map(dragged.map((n) => [n.id, n.position]))));
  }, [doc, onChange]);

  const onConnect = useCallback((c: Connection) => {
    if (c.sourceHandle) onChange(connect(doc, c.source, c.sourceHandle, c.target));
  }, [doc, onChange]);

  const onReconnect = useCallback((old: RFEdge, c: Connection) => {
    if (!c.sourceHandle) return;
    // The branch is the line's start: moved to another block's handle, the old branch is freed.
    const freed = old.source === c.source && old.sourceHandle === c.sourceHandle
      ? doc : remove(doc, new Set(), new Set([old.id]));
    onChange(connect(freed, c.source, c.sourceHandle, c.target));
  }, [doc, onChange]);

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: FlowRFNode[]; edges: RFEdge[] }) => {
    onChange(remove(doc, new Set(ns.map((n) => n.id)), new Set(es.map((e) => e.id))));
  }, [doc, onChange]);

  const place = (type: NodeType, at: { x: number; y: number }) => {
    const [next, id] = addNode(doc, type, at);
    toSelect.current = new Set([id]);
    onChange(next);
    onSelect([id]);
    // The new block in view (a free place may be below the visible part).
    void flow.setCenter(at.x + 120, at.y + 55, { zoom: flow.getZoom(), duration: 150 });
  };

  /** The middle of the view, or the nearest place below it that no block covers. */
  const center = () => {
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return { x: 0, y: 0 };
    const p = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    const size = { width: 240, height: 110 };
    const covered = (x: number, y: number) => nodes.some((n) => {
      const w = n.measured?.width ?? size.width;
      const h = n.measured?.height ?? size.height;
      return x < n.position.x + w + 20 && n.position.x < x + size.width + 20 && y < n.position.y + h + 20 && n.position.y < y + size.height + 20;
    });
    const start = { x: p.x - size.width / 2, y: p.y - size.height / 2 };
    for (let step = 0; step < 40; step += 1) {
      const y = start.y + step * 60;
      if (!covered(start.x, y)) return { x: start.x, y };
      const x = start.x + 280;
      if (!covered(x, y)) return { x, y };
    }
    return start;
  };

  const copySelection = () => {
    const clip = copy(doc, new Set(selectedIds()));
    if (!clip) return;
    lastClip = clip;
    pastes.current = 0;
    // The system clipboard too (another window, another desktop); not every webview allows it.
    void navigator.clipboard?.writeText(JSON.stringify(clip)).catch(() => {});
    onCopied(clip.nodes.length);
  };

  const pasteClip = (clip: Clip | null = lastClip) => {
    if (!clip || readOnly) return;
    pastes.current += 1;
    const [next, ids] = paste(doc, clip, { x: 40 * pastes.current, y: 40 * pastes.current });
    toSelect.current = new Set(ids);
    onChange(next);
    onSelect(ids);
  };

  const layout = () => {
    if (readOnly) return;
    const sizes = new Map<string, Size>();
    for (const n of nodes) if (n.measured?.width && n.measured.height) sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
    onChange(moveNodes(doc, autoLayout(doc, sizes)));
    requestAnimationFrame(() => void flow.fitView(FIT));
  };

  const focusNode = (id: string) => {
    const n = nodes.find((x) => x.id === id);
    if (!n) return;
    setNodes((ns) => ns.map((x) => ({ ...x, selected: x.id === id })));
    onSelect([id]);
    const w = n.measured?.width ?? 240;
    const h = n.measured?.height ?? 110;
    void flow.setCenter(n.position.x + w / 2, n.position.y + h / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 200 });
  };

  useImperativeHandle(ref, () => ({
    addAtCenter: (type) => place(type, center()),
    focusNode, layout, copySelection, pasteClip: () => pasteClip(), fit: () => void flow.fitView(FIT),
  }));

  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).closest("input, textarea, select")) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === "z" && !e.shiftKey) { e.preventDefault(); if (!readOnly) onUndo(); }
    else if (mod && (key === "y" || (key === "z" && e.shiftKey))) { e.preventDefault(); if (!readOnly) onRedo(); }
    else if (mod && key === "c") { e.preventDefault(); copySelection(); }
    else if (mod && key === "x" && !readOnly) {
      e.preventDefault();
      copySelection();
      onChange(remove(doc, new Set(selectedIds()), new Set()));
    } else if (mod && key === "v") { e.preventDefault(); pasteClip(); }
    else if (mod && key === "a") {
      e.preventDefault();
      setNodes((ns) => ns.map((n) => ({ ...n, selected: true })));
      onSelect(nodes.map((n) => n.id));
    } else if (!mod && key === "l" && !e.altKey) layout();
    else if (!mod && key === "f" && !e.altKey) void flow.fitView(FIT);
  };

  // React Flow moves the selected blocks with the arrow keys without a drag:
  // the places are committed when the key is let go (one undo step per nudge run).
  const onKeyUp = (e: React.KeyboardEvent) => {
    if (readOnly || !e.key.startsWith("Arrow") || (e.target as HTMLElement).closest("input, textarea, select")) return;
    const moved = nodes.filter((n) => n.selected);
    if (moved.length > 0) onChange(moveNodes(doc, new Map(moved.map((n) => [n.id, n.position]))), "nudge");
  };

  // Blocks copied on another desktop arrive as the clipboard's text.
  const onPaste = (e: React.ClipboardEvent) => {
    if ((e.target as HTMLElement).closest("input, textarea, select")) return;
    const clip = readClip(e.clipboardData.getData("text/plain"));
    if (!clip) return;
    e.preventDefault();
    lastClip = clip;
    pasteClip(clip);
  };

  const onDrop = (e: React.DragEvent) => {
    const type = e.dataTransfer.getData(BLOCK_MIME) as NodeType;
    if (!type || readOnly) return;
    e.preventDefault();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    place(type, { x: p.x - 120, y: p.y - 30 });
  };

  const a11y = useMemo(() => ({ "controls.zoomIn.ariaLabel": t("canvas.zoomIn"), "controls.zoomOut.ariaLabel": t("canvas.zoomOut"), "controls.fitView.ariaLabel": t("canvas.fit"), "controls.interactive.ariaLabel": t("canvas.lock"), "minimap.ariaLabel": t("canvas.minimap") }), [t]);

  return (
    <div ref={wrapper} className="flow-canvas" data-testid="flow-canvas" tabIndex={0} onKeyDown={onKeyDown} onKeyUp={onKeyUp} onPaste={onPaste}
      onDragOver={(e) => { if (e.dataTransfer.types.includes(BLOCK_MIME)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } }}
      onDrop={onDrop} aria-label={t("canvas.label")}>
      <ReactFlow<FlowRFNode, RFEdge>
        nodes={nodes} edges={edges} nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
        onNodeDragStop={onDragStop} onConnect={onConnect} onReconnect={readOnly ? undefined : onReconnect}
        onDelete={onDelete} deleteKeyCode={readOnly ? null : DELETE_KEYS}
        onSelectionChange={onSelectionChange}
        nodesConnectable={!readOnly} edgesReconnectable={!readOnly} elementsSelectable
        multiSelectionKeyCode={MULTI_KEYS} selectionKeyCode="Shift"
        onlyRenderVisibleElements={nodes.length > 80}
        fitView fitViewOptions={FIT} minZoom={0.1} maxZoom={2}
        ariaLabelConfig={a11y}>
        <Background gap={20} />
        <MiniMap pannable zoomable nodeStrokeWidth={3} className="flow-minimap" position="top-right" style={MINIMAP} />
        <Controls />
      </ReactFlow>
    </div>
  );
});
