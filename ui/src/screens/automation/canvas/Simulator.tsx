// "Simular": a conversation with the draft on the canvas (or a published
// version) played by Rust with the real engine in a throwaway store — no
// WhatsApp, no number. Delays and time limits wait until "Avançar"; HTTP and
// AI blocks are really called unless skipped. The path taken is drawn on the
// canvas (onPath).
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { FlowDocument, SimEvent, SimView, VersionSummary } from "../../../ipc/call";
import { useApp } from "../../../context";
import { useI18n, type Translate } from "../../../i18n";
import { errorText } from "../../../ipc/errorText";
import { run } from "../../../data/commands";
import { formatDate } from "../../../format";
import { minutesText } from "./labels";
import { endReasonText, logLineText, NO_NAMES, type BotNames } from "../../inbox/bot";

interface Props {
  flowId: string;
  /** Flow names, for a "go to flow" in the log. */
  flowNames: ReadonlyMap<string, string>;
  doc: FlowDocument;
  versions: VersionSummary[];
  onPath: (path: string[], current: string | null) => void;
}

export function Simulator({ flowId, flowNames, doc, versions, onPath }: Props) {
  const { t, lang } = useI18n();
  const { account } = useApp();
  /** "draft", or a published version's id (two versions may share a number). */
  const [source, setSource] = useState<string>("draft");
  const [skipCalls, setSkipCalls] = useState(false);
  const [view, setView] = useState<SimView | null>(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = useRef<string | null>(null);
  // The log's words are the contact panel's (inbox/bot.ts), with the account's flow names.
  const names: BotNames = { ...NO_NAMES, flows: flowNames };
  const log = useRef<HTMLOListElement>(null);

  // A simulation's throwaway store is closed with the panel, also one whose
  // opening answers after the panel has gone.
  const alive = useRef(true);
  useEffect(() => () => {
    alive.current = false;
    if (open.current) void run("flowsSimulateClose", [open.current]).catch(() => {});
    onPath([], null);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const show = (v: SimView) => {
    if (!alive.current) {
      void run("flowsSimulateClose", [v.id]).catch(() => {});
      return;
    }
    setView(v);
    open.current = v.id;
    onPath(v.path, v.state.kind === "ended" || v.state.kind === "none" ? null : v.node);
    requestAnimationFrame(() => log.current?.lastElementChild?.scrollIntoView?.({ block: "end" }));
  };

  const act = async (what: () => Promise<SimView>) => {
    setBusy(true);
    setError(null);
    try {
      show(await what());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const begin = () => act(async () => {
    if (open.current) {
      const old = open.current;
      open.current = null;
      await run("flowsSimulateClose", [old]).catch(() => {});
    }
    const src = source === "draft" ? { kind: "document" as const, document: doc } : { kind: "version_id" as const, id: source };
    return run("flowsSimulateOpen", [account.id, flowId, src, skipCalls]);
  });

  const send = (e: FormEvent) => {
    e.preventDefault();
    const said = text.trim();
    if (!said || !view) return;
    setText("");
    void act(() => run("flowsSimulateWrite", [view.id, said]));
  };

  const state = view?.state ?? null;
  const waitLabel = state?.kind === "waiting_timer"
    ? t("sim.advanceTimer", { d: untilText(t, state.at - (view?.clock ?? state.at)) })
    : state?.kind === "waiting_reply" && state.timeout_at !== null
      ? t("sim.advanceTimeout", { d: untilText(t, state.timeout_at - (view?.clock ?? state.timeout_at)) })
      : null;

  return (
    <section className="simulator" aria-label={t("sim.title")} data-testid="simulator">
      <div className="sim-setup">
        <select aria-label={t("sim.source")} value={source} disabled={busy} onChange={(e) => setSource(e.target.value)}>
          <option value="draft">{t("sim.sourceDraft")}</option>
          {versions.map((v) => <option key={v.id} value={v.id}>{t("sim.sourceVersion", { n: v.number, date: formatDate(v.published_at, lang) })}</option>)}
        </select>
        <label className="check"><input type="checkbox" checked={skipCalls} disabled={busy} onChange={(e) => setSkipCalls(e.target.checked)} />{t("sim.skipCalls")}</label>
        <button type="button" className="primary small" disabled={busy} onClick={() => void begin()}>
          {view ? t("sim.restart") : t("sim.start")}
        </button>
      </div>
      {error && <p className="form-error" role="alert" data-testid="sim-error">{error}</p>}
      {!view && !error && <p className="muted small">{t("sim.intro")}</p>}
      {view && (
        <>
          <ol className="sim-log plain" ref={log} data-testid="sim-log">
            {view.events.map((ev, i) => <EventLine key={i} ev={ev} t={t} names={names} />)}
          </ol>
          <p className="muted small" data-testid="sim-state">{stateText(t, view, names)}</p>
          {waitLabel && (
            <button type="button" className="ghost small" disabled={busy} onClick={() => void act(() => run("flowsSimulateAdvance", [view.id]))}>
              {waitLabel}
            </button>
          )}
          <form className="sim-input" onSubmit={send}>
            <input aria-label={t("sim.message")} placeholder={t("sim.messagePlaceholder")} value={text} disabled={busy || state?.kind === "ended"}
              onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="primary small" disabled={busy || !text.trim() || state?.kind === "ended"}>{t("sim.send")}</button>
          </form>
          <dl className="sim-values" data-testid="sim-values">
            <dt>{t("sim.vars")}</dt>
            <dd>{pairs(view.vars) || t("sim.none")}</dd>
            <dt>{t("sim.fields")}</dt>
            <dd>{pairs(view.fields) || t("sim.none")}</dd>
            <dt>{t("sim.tags")}</dt>
            <dd>{view.tags.join(", ") || t("sim.none")}</dd>
          </dl>
        </>
      )}
    </section>
  );
}

function pairs(map: Partial<Record<string, string>>): string {
  return Object.entries(map).map(([k, v]) => `${k} = ${v ?? ""}`).join(" · ");
}

function untilText(t: Translate, ms: number): string {
  return minutesText(t, Math.max(1, Math.ceil(ms / 60_000)));
}

function stateText(t: Translate, view: SimView, names: BotNames): string {
  switch (view.state.kind) {
    case "waiting_reply": return t("sim.waitingReply", { node: view.node ?? "" });
    case "waiting_timer": return t("sim.waitingTimer", { node: view.node ?? "" });
    case "waiting_call": return t("sim.waitingCall", { node: view.node ?? "" });
    case "ended": return t("sim.ended", { reason: endReasonText(t, view.state.reason, names) });
    case "none": return t("sim.noSession");
  }
}

function EventLine({ ev, t, names }: { ev: SimEvent; t: Translate; names: BotNames }) {
  const said = (what: string, detail: string) => logLineText(t, { what, detail }, names);
  switch (ev.kind) {
    case "contact": return <li className="bubble contact" data-testid="sim-contact">{ev.text}</li>;
    case "bot": return <li className="bubble bot" data-testid="sim-bot">{ev.file ? `${t("canvas.summary.file")}: ${ev.file}\n` : ""}{ev.text}</li>;
    case "path": return <li className="sim-note" data-testid="sim-path">{t("sim.path", { nodes: ev.nodes.join(" → ") })}</li>;
    case "waited": return <li className="sim-note">{t(ev.reply ? "sim.waitedReply" : "sim.waited", { d: untilText(t, ev.ms) })}</li>;
    case "call": return <li className="sim-note">{t("sim.call", { detail: said("call", ev.detail).detail })}</li>;
    case "ended": return <li className="sim-note" data-testid="sim-ended">{ev.flow_name ? t("sim.wentTo", { name: ev.flow_name }) : t("sim.ended", { reason: endReasonText(t, ev.reason, names) })}</li>;
    case "handoff": return <li className="sim-note">{t("sim.handoff", { note: ev.note })}</li>;
    case "note": {
      const line = said(ev.what, ev.detail);
      return <li className="sim-note">{line.what}: {line.detail}</li>;
    }
    case "stopped": return <li className="sim-note">{t("sim.stopped", { n: ev.waits })}</li>;
  }
}
