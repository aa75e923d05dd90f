import { useMemo, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { ConversationSummary, SessionView } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";
import { logLineText, nodeKindText, startedByText, variableName, waitingText, type BotNames } from "./bot";

/** Log lines shown before "Mostrar todas". */
const LOG_SHOWN = 6;

/**
 * The bot in the contact panel: the conversation's running flow (its
 * version, the block it is on and what it waits for, what the contact
 * answered, who started it and when), the bot's latest log lines in words,
 * "Parar o bot" behind a confirmation and "Iniciar fluxo" with a picker of
 * published, enabled flows. Follows `changed` for flow_sessions through the
 * data layer.
 */
export function BotPanel({ conversation, summary }: { conversation: string; summary: ConversationSummary }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const session = useCommand("sessionsActive", [account.id, conversation]).data ?? null;
  const log = useCommand("sessionsLog", [account.id, conversation]).data ?? [];
  const flows = useCommand("flowsList", [account.id]).data ?? [];
  const keywords = useCommand("keywordsList", [account.id]).data ?? [];
  const tags = useCommand("tagsList", [account.id]).data ?? [];
  const users = useCommand("usersList", []).data ?? [];
  // Campaign names only when a session was started by a campaign's reply.
  const byCampaign = session?.started_by.by === "campaign" || log.some((l) => l.what === "started" && l.detail.includes("\"by\":\"campaign\""));
  const campaigns = useCommand("campaignsList", [account.id], { enabled: byCampaign }).data ?? [];
  const names: BotNames = useMemo(() => ({
    flows: new Map(flows.map((f) => [f.id, f.name])),
    keywords: new Map(keywords.map((k) => [k.id, k.name])),
    tags: new Map(tags.map((x) => [x.id, x.name])),
    users: new Map(users.map((u) => [u.id, u.name])),
    campaigns: new Map(campaigns.map((c) => [c.id, c.name])),
  }), [flows, keywords, tags, users, campaigns]);
  const [stopping, setStopping] = useState(false);
  const [starting, setStarting] = useState(false);
  const [allLog, setAllLog] = useState(false);

  const when = (ms: number) => new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" }).format(new Date(ms));
  const newestFirst = [...log].reverse();
  const shown = allLog ? newestFirst : newestFirst.slice(0, LOG_SHOWN);

  return (
    <section className="bot-panel" aria-label={t("bot.panel")} data-testid="bot-panel">
      <h3>{t("bot.panel")}</h3>
      {session ? <Running session={session} names={names} when={when} /> : <p className="muted small" data-testid="bot-idle">{t("bot.noSession")}</p>}
      <div className="row-actions">
        {session && <button type="button" className="ghost small danger" onClick={() => setStopping(true)}>{t("bot.stop")}</button>}
        <button type="button" className="ghost small" onClick={() => setStarting(true)}>{t("bot.start")}</button>
      </div>

      <h4>{t("bot.logTitle")}</h4>
      {log.length === 0
        ? <p className="muted small">{t("bot.logEmpty")}</p>
        : (
          <ol className="plain bot-log" data-testid="bot-log">
            {shown.map((line) => {
              const text = logLineText(t, line, names);
              return (
                <li key={line.seq} data-testid="bot-log-line">
                  <span className="muted small">{when(line.at)}</span> <strong>{text.what}</strong>
                  {text.detail && <span className="bot-log-detail">{text.detail}</span>}
                </li>
              );
            })}
          </ol>
        )}
      {log.length > LOG_SHOWN && (
        <button type="button" className="link small" onClick={() => setAllLog(!allLog)}>
          {allLog ? t("bot.logFewer") : t("bot.logAll", { n: log.length })}
        </button>
      )}

      {stopping && session && (
        <ConfirmDialog title={t("bot.stopTitle")} confirmLabel={t("bot.stop")} danger onClose={() => setStopping(false)}
          onConfirm={async () => {
            const was = await write("sessionsStop", account.id, conversation);
            setStopping(false);
            toast(was ? t("bot.stopped", { flow: session.flow_name }) : t("bot.nothingToStop"));
          }}>
          <p>{t("bot.stopConfirm", { flow: session.flow_name })}</p>
        </ConfirmDialog>
      )}
      {starting && <StartFlow conversation={conversation} summary={summary} session={session} onClose={() => setStarting(false)} />}
    </section>
  );
}

function Running({ session, names, when }: { session: SessionView; names: BotNames; when: (ms: number) => string }) {
  const { t } = useI18n();
  const kind = nodeKindText(t, session.node_kind);
  const vars = Object.entries(session.vars);
  return (
    <div data-testid="bot-session">
      <p>
        <strong data-testid="bot-flow">{session.flow_name}</strong>{" "}
        <span className="pill">{t("bot.version", { n: session.version_number })}</span>
      </p>
      <dl className="bot-facts">
        <dt>{t("bot.session.node")}</dt>
        <dd data-testid="bot-node">{kind ? t("bot.session.nodeKind", { node: session.node, kind }) : session.node}</dd>
        <dt>{t("bot.session.waiting")}</dt>
        <dd data-testid="bot-waiting">{waitingText(t, session.waiting, when)}</dd>
        <dt>{t("bot.session.started")}</dt>
        <dd data-testid="bot-started">{t("bot.session.startedBy", { by: startedByText(t, session.started_by, names), time: when(session.started_at) })}</dd>
      </dl>
      <h4>{t("bot.session.vars")}</h4>
      {vars.length === 0
        ? <p className="muted small">{t("bot.session.noVars")}</p>
        : (
          <dl className="bot-vars" data-testid="bot-vars">
            {vars.map(([key, value]) => (
              <div key={key}>
                <dt>{variableName(t, key)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        )}
    </div>
  );
}

/** "Iniciar fluxo": a published, enabled flow; Rust's refusal (opted out, automation off, …) stays in the dialog. */
function StartFlow({ conversation, summary, session, onClose }: {
  conversation: string;
  summary: ConversationSummary;
  session: SessionView | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const startable = (useCommand("flowsList", [account.id]).data ?? []).filter((f) => f.published !== null && f.enabled);
  const [flow, setFlow] = useState("");
  const chosen = startable.find((f) => f.id === flow) ?? null;
  const { submit, error, busy } = useSubmit(async () => {
    if (!chosen) return;
    await write("sessionsStart", account.id, conversation, chosen.id);
    onClose();
    toast(t("bot.started", { flow: chosen.name }));
  });
  const persons = summary.owner === "human";
  return (
    <Modal title={t("bot.startTitle")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {startable.length === 0
          ? <p className="notice" data-testid="bot-no-flows">{t("bot.noFlows")}</p>
          : (
            <Field id="bot-start-flow" label={t("bot.startFlow")} hint={t("bot.startHint")}>
              {(id, desc) => (
                <select id={id} aria-describedby={desc} autoFocus value={flow} onChange={(e) => setFlow(e.target.value)}>
                  <option value="">{t("bot.startPick")}</option>
                  {startable.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
                </select>
              )}
            </Field>
          )}
        {session && <p className="muted small">{t("bot.startReplaces", { flow: session.flow_name })}</p>}
        {persons && <p className="notice small" data-testid="bot-hands-back">{t("bot.startHandsBack")}</p>}
        {error && <p className="form-error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy || !chosen}>{t("bot.start")}</button>
        </div>
      </form>
    </Modal>
  );
}
