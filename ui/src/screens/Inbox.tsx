import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useApp } from "../context";
import { useI18n, type Translate } from "../i18n";
import { AppError, call, commands, type ConversationSummary, type Message, type NumberView } from "../ipc/call";
import { EmptyState } from "../components/EmptyState";
import { useFleetEvents } from "../live";
import { formatPhone, initials } from "../format";

/** What a message shows as text: its body, or a label for media without a caption. */
function preview(t: Translate, kind: Message["kind"] | null, body: string | null): string {
  if (!kind || kind === "text") return body ?? "";
  const label = t(`inbox.kind.${kind}`);
  return kind === "location" || kind === "contact" || !body ? label : `${label} · ${body}`;
}

const TICKS: Record<string, string> = { pending: "🕓", sending: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓", failed: "⚠" };

/**
 * The account's conversations across its numbers, a thread, and a composer
 * that queues replies in the durable outbox. (The full inbox — assignment,
 * filters, search, attachments — is issue 4; this is its first slice.)
 */
export function Inbox() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const [numbers, setNumbers] = useState<NumberView[]>([]);
  const [only, setOnly] = useState<string>("");
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [thread, setThread] = useState<Message[]>([]);
  const [draft, setDraft] = useState("");
  const bottom = useRef<HTMLDivElement>(null);
  const fail = useCallback((e: unknown) => toast(e instanceof AppError ? e.message : String(e), "error"), [toast]);

  const loadList = useCallback(async () => {
    try {
      setList(await call(commands.inboxList(account.id, only || null)));
    } catch (e) {
      fail(e);
    }
  }, [account.id, only, fail]);

  const loadThread = useCallback(async (id: string) => {
    try {
      setThread(await call(commands.inboxThread(account.id, id, null)));
    } catch (e) {
      fail(e);
    }
  }, [account.id, fail]);

  useEffect(() => {
    void loadList();
    call(commands.numbersList(account.id)).then(setNumbers, fail);
  }, [loadList, account.id, fail]);

  useEffect(() => {
    if (!open) return;
    void loadThread(open);
    call(commands.inboxMarkRead(account.id, open)).then(() => loadList(), fail);
  }, [open, account.id, loadThread, loadList, fail]);

  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: "end" });
  }, [thread]);

  useFleetEvents((event) => {
    if (event.kind !== "conversation" || event.account !== account.id) return;
    void loadList();
    if (event.conversation === open) {
      void loadThread(open);
      if (event.new_message) void call(commands.inboxMarkRead(account.id, open)).catch(fail);
    }
  });

  async function send() {
    const text = draft.trim();
    if (!open || !text) return;
    try {
      const now = await call(commands.inboxReply(account.id, open, text));
      setDraft("");
      if (!now) toast(t("inbox.queued"));
      await loadThread(open);
      await loadList();
    } catch (e) {
      fail(e);
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  }

  const current = list?.find((c) => c.id === open) ?? null;
  const time = (ms: number | null) => (ms ? new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(new Date(ms)) : "");

  return (
    <section className="screen inbox">
      <div className="chat-list">
        <header>
          <h1>{t("inbox.title")}</h1>
          <select aria-label={t("inbox.allNumbers")} value={only} onChange={(e) => setOnly(e.target.value)}>
            <option value="">{t("inbox.allNumbers")}</option>
            {numbers.map((n) => <option key={n.number.id} value={n.number.id}>{n.number.name}</option>)}
          </select>
        </header>
        {list?.length === 0 && <EmptyState title={t("inbox.empty")} body={t("inbox.emptyBody")} />}
        <ul>
          {list?.map((c) => (
            <li key={c.id}>
              <button type="button" className={c.id === open ? "chat active" : "chat"} data-testid="chat" onClick={() => setOpen(c.id)}>
                <span className="avatar" aria-hidden="true">{initials(c.contact_name, c.contact_phone)}</span>
                <span className="chat-main">
                  <span className="chat-top">
                    <strong>{c.contact_name ?? formatPhone(c.contact_phone)}</strong>
                    <span className="muted small">{time(c.last_message_at)}</span>
                  </span>
                  <span className="chat-bottom">
                    <span className="chat-preview">
                      {c.last_direction === "outbound" ? `${t("inbox.you")}: ` : ""}
                      {preview(t, c.last_kind, c.last_body)}
                    </span>
                    {c.unread_count > 0 && <span className="unread" data-testid="unread">{c.unread_count}</span>}
                  </span>
                  <span className="muted small">{t("inbox.via", { number: c.instance_name })}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="thread">
        {!current && <p className="muted center">{t("inbox.pick")}</p>}
        {current && (
          <>
            <header className="thread-head">
              <strong>{current.contact_name ?? formatPhone(current.contact_phone)}</strong>
              <span className="muted">{formatPhone(current.contact_phone)} · {t("inbox.via", { number: current.instance_name })}</span>
            </header>
            <div className="bubbles" role="log" aria-label={t("inbox.title")}>
              {thread.map((m) => (
                <div key={m.id} className={`bubble ${m.direction}`} data-testid="bubble">
                  <span className="bubble-text">{preview(t, m.kind, m.body)}</span>
                  {m.media_error === "too_large" && <em className="muted small"> ({t("inbox.mediaTooLarge")})</em>}
                  <span className="bubble-meta">
                    {time(m.sent_at ?? m.created_at)}
                    {m.direction === "outbound" && (
                      <span className={`tick ${m.status}`} title={m.status === "failed" ? t("inbox.status.failed", { reason: m.error ?? "" }) : t(`inbox.status.${m.status === "received" ? "sent" : m.status}`)}
                        data-testid="tick" data-status={m.status}>
                        {TICKS[m.status] ?? ""}
                      </span>
                    )}
                  </span>
                </div>
              ))}
              <div ref={bottom} />
            </div>
            <div className="composer">
              <textarea aria-label={t("inbox.placeholder")} placeholder={t("inbox.placeholder")} rows={2} value={draft}
                onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} />
              <button type="button" className="primary" disabled={!draft.trim()} onClick={() => void send()}>{t("inbox.send")}</button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
