import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from "react";
import { useApp } from "../../context";
import { useI18n, type MessageKey, type Translate } from "../../i18n";
import type { ConversationStatus, Message, Note } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useCommandPages, useWrite } from "../../data/commands";
import { formatDate, formatPhone } from "../../format";
import { dayKey, parseVcard, preview, quickMatches, textLength } from "./text";
import { newActionId } from "../../actionId";
import { ContactTags } from "../Tags";
import { BotPanel } from "./BotPanel";
import { VoiceRecorder, type VoiceRecording } from "./VoiceRecorder";
import { TransferDialog, useAccountOperators } from "./Assignment";
import { botActive, botLabel, NO_NAMES, type BotNames } from "./bot";

const TICKS: Record<string, string> = { pending: "🕓", sending: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓", failed: "⚠" };
/** The page size of inbox_thread: a shorter page is the oldest one. */
const PAGE = 100;
const EMOJI = ["😀", "😂", "😊", "😍", "👍", "🙏", "👏", "🎉", "❤️", "🔥", "✅", "❌", "📦", "💰", "📍", "⏰"];

type Item = { at: number; message: Message; note?: undefined } | { at: number; note: Note; message?: undefined };

/** One conversation: its header with the work on it, the timeline, the composer and the contact. */
// The reasons ZapDesk gives a failed send itself, in words; WhatsApp's own
// (a refusal of wa-js) are shown as they came.
const FAIL_REASONS: Record<string, MessageKey> = {
  not_on_whatsapp: "inbox.failReason.notOnWhatsapp",
  WhatsApp: "inbox.failReason.whatsapp",
  bot_stopped: "inbox.failReason.botStopped",
  bot_opted_out: "inbox.failReason.botOptedOut",
};

function failReason(t: Translate, error: string | null | undefined): string {
  const key = error ? FAIL_REASONS[error] : undefined;
  return key ? t(key) : error ?? "";
}

export function Thread({ conversation, jumpTo, onOpen }: {
  conversation: string;
  jumpTo: string | null;
  onOpen: (id: string) => void;
}) {
  const { t, lang } = useI18n();
  const { account, toast, info } = useApp();
  const write = useWrite();
  const panel = useCommand("inboxContact", [account.id, conversation]).data ?? null;
  // Newest page first; each next page is the one before the oldest message shown.
  const thread = useCommandPages("inboxThread", [account.id, conversation, null], (last) =>
    last.length === PAGE && last[0] ? [account.id, conversation, last[0].created_at] : undefined);
  const messages: Message[] = thread.data ? [...thread.data.pages].reverse().flat() : [];
  const older = thread.hasNextPage;
  const notes = useCommand("inboxNotes", [account.id, conversation]).data ?? [];
  // The assignee select lists who may see the account, as the transfer dialog.
  const users = useAccountOperators();
  const replies = useCommand("quickRepliesList", [account.id]).data ?? [];
  const stored = useCommand("inboxDraft", [account.id, conversation]);
  const [draft, setDraft] = useState("");
  const [noteMode, setNoteMode] = useState(false);
  const [emoji, setEmoji] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  /** The send being asked (reply, note or file): see `newActionId`. */
  const action = useRef(newActionId());
  const bottom = useRef<HTMLDivElement>(null);
  const fail = useCallback((e: unknown) => toast(errorText(e), "error"), [toast]);
  const summary = panel?.conversations.find((c) => c.id === conversation) ?? null;
  const [transferring, setTransferring] = useState(false);
  // The flows and keywords a bot message names, by id.
  const flows = useCommand("flowsList", [account.id]).data;
  const keywords = useCommand("keywordsList", [account.id]).data;
  // Switched off, nothing of the bot answers whatever its keywords and flows.
  const botSettings = useCommand("automationSettingsGet", [account.id]).data;
  const botNames: BotNames = useMemo(() => ({
    ...NO_NAMES,
    flows: new Map((flows ?? []).map((f) => [f.id, f.name])),
    keywords: new Map((keywords ?? []).map((k) => [k.id, k.name])),
  }), [flows, keywords]);

  // The stored draft fills the composer once, from a read made now (not a
  // cached one); later reads (after each save) do not overwrite the typing.
  const seeded = useRef(false);
  useEffect(() => {
    if (seeded.current || !stored.isFetchedAfterMount || stored.isFetching || stored.data === undefined) return;
    seeded.current = true;
    setDraft(stored.data ?? "");
  }, [stored.isFetchedAfterMount, stored.isFetching, stored.data]);

  // Keep the draft as it is typed, so closing the app loses nothing.
  useEffect(() => {
    const id = setTimeout(() => void write("inboxSaveDraft", account.id, conversation, draft).catch(() => {}), 400);
    return () => clearTimeout(id);
  }, [draft, account.id, conversation, write]);

  // Opening the conversation reads it, and so does a message arriving while it is open.
  const newest = messages[messages.length - 1]?.id;
  const readUpTo = thread.isSuccess ? newest ?? "" : null;
  useEffect(() => {
    if (readUpTo !== null) void write("inboxMarkRead", account.id, conversation).catch(fail);
  }, [readUpTo, account.id, conversation, write, fail]);

  // Scroll to the message a search jumped to, or to the newest when one
  // arrives (not when older ones are loaded above).
  useEffect(() => {
    if (jumpTo) document.getElementById(`m-${jumpTo}`)?.scrollIntoView?.({ block: "center" });
    else bottom.current?.scrollIntoView?.({ block: "end" });
  }, [newest, notes.length, jumpTo]);

  function loadOlder() {
    if (older && !thread.isFetchingNextPage) void thread.fetchNextPage();
  }

  async function act(run: () => Promise<unknown>) {
    try {
      await run();
    } catch (e) {
      fail(e);
    }
  }

  // WhatsApp's text limit (Rust refuses above it): counted before sending, not after.
  const max = info.limits.message_text;
  const length = textLength(draft);
  const over = length > max;

  async function send() {
    const text = draft.trim();
    if (!text || over) return;
    // The same id for every ask of this one press (a double click): queued once.
    const id = action.current;
    try {
      if (noteMode) {
        await write("inboxAddNote", account.id, conversation, id, text);
      } else {
        const now = await write("inboxReply", account.id, conversation, id, text);
        if (!now) toast(t("inbox.queued"));
      }
      if (action.current === id) action.current = newActionId();
      setDraft("");
      await write("inboxSaveDraft", account.id, conversation, "");
    } catch (e) {
      fail(e);
    }
  }

  const matches = quickMatches(draft, replies);

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if ((e.key === "Enter" || e.key === "Tab") && matches.length > 0 && matches[0]) {
      e.preventDefault();
      setDraft(matches[0].body);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  }

  async function attach(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    const data = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    const id = action.current;
    try {
      const now = await write("inboxSendFile", account.id, conversation, id, {
        name: file.name, mime: file.type || "application/octet-stream", data, caption: draft.trim() || null,
      });
      if (action.current === id) action.current = newActionId();
      setDraft("");
      if (!now) toast(t("inbox.queued"));
    } catch (err) {
      fail(err);
    }
  }

  // A voice message, queued as a file is (see VoiceRecorder); true once queued.
  // An id of its own, not the composer's: a text still on its way under
  // that id would make the outbox take the voice note for it and drop it.
  async function sendVoice(recording: VoiceRecording): Promise<boolean> {
    try {
      const now = await write("inboxSendVoice", account.id, conversation, newActionId(), recording);
      if (!now) toast(t("inbox.queued"));
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  }

  const items: Item[] = [
    ...messages.map((m) => ({ at: m.sent_at ?? m.created_at, message: m })),
    ...notes.map((n) => ({ at: n.created_at, note: n })),
  ].sort((a, b) => a.at - b.at);
  const time = (ms: number) => new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(new Date(ms));
  let lastDay = "";

  return (
    <div className="thread-wrap">
      <div className="thread">
        {summary && panel && (
          <header className="thread-head">
            <div>
              <strong>{panel.contact.name ?? formatPhone(panel.contact.phone)}</strong>
              <span className="muted"> {formatPhone(panel.contact.phone)} · {t("inbox.via", { number: summary.instance_name })}</span>
            </div>
            <div className="thread-actions">
              {summary.owner === "bot" && botActive(botSettings, flows, keywords) === false
                ? <span className="badge owner-none" data-testid="owner" title={t("inbox.owner.noBotHint")}>{t("inbox.owner.noBot")}</span>
                : <span className={`badge owner-${summary.owner}`} data-testid="owner">{t(`inbox.owner.${summary.owner}`)}</span>}
              {summary.owner === "bot"
                ? <button type="button" className="ghost small" onClick={() => void act(() => write("inboxSetOwner", account.id, conversation, "human"))}>{t("inbox.takeOver")}</button>
                : <button type="button" className="ghost small" onClick={() => void act(() => write("inboxSetOwner", account.id, conversation, "bot"))}>{t("inbox.handBack")}</button>}
              <select aria-label={t("inbox.assignee")} value={summary.assignee_id ?? ""}
                onChange={(e) => void act(() => write("inboxAssign", account.id, conversation, e.target.value || null))}>
                <option value="">{t("inbox.unassigned")}</option>
                {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                {/* Someone removed from the team, or no longer given this account, still names the chats they have. */}
                {summary.assignee_id && !users.some((u) => u.id === summary.assignee_id) &&
                  <option value={summary.assignee_id} disabled>{summary.assignee_name ?? ""}</option>}
              </select>
              <button type="button" className="ghost small" onClick={() => setTransferring(true)}>{t("assign.transfer")}</button>
              <select aria-label={t("inbox.statusFilter")} value={summary.status}
                onChange={(e) => void act(() => write("inboxSetStatus", account.id, conversation, e.target.value as ConversationStatus))}>
                <option value="open">{t("inbox.conv.open")}</option>
                <option value="pending">{t("inbox.conv.pending")}</option>
                <option value="resolved">{t("inbox.conv.resolved")}</option>
              </select>
            </div>
          </header>
        )}
        {transferring && summary && (
          <TransferDialog conversation={conversation} instance={summary.instance_id} onClose={() => setTransferring(false)}
            onMoved={(moved) => { setTransferring(false); if (moved !== conversation) onOpen(moved); }} />
        )}
        <div className="bubbles" role="log" aria-label={t("inbox.title")}
          onScroll={(e) => { if (older && e.currentTarget.scrollTop === 0 && messages.length > 0) loadOlder(); }}>
          {older && messages.length > 0 && <button type="button" className="ghost small older" onClick={loadOlder}>{t("inbox.older")}</button>}
          {items.map((item) => {
            const day = dayKey(item.at);
            const separator = day !== lastDay ? <div className="day" key={`d-${day}`}>{formatDate(item.at, lang)}</div> : null;
            lastDay = day;
            if (item.note) {
              return [separator, (
                <div key={item.note.id} className="bubble note" data-testid="note">
                  <span className="note-label">{t("inbox.note")}{item.note.author_name ? ` · ${item.note.author_name}` : ""}</span>
                  <span className="bubble-text">{item.note.body}</span>
                  <span className="bubble-meta">{time(item.at)}</span>
                </div>
              )];
            }
            const m = item.message;
            const bot = botLabel(t, m, botNames, flows !== undefined && keywords !== undefined);
            return [separator, (
              <div key={m.id} id={`m-${m.id}`} className={`bubble ${m.direction}${bot ? " bot" : ""}${m.id === jumpTo ? " jumped" : ""}`} data-testid="bubble">
                {bot && <span className="bot-label" data-testid="bot-label">{bot}</span>}
                <Body message={m} />
                <span className="bubble-meta">
                  {time(item.at)}
                  {m.direction === "outbound" && (
                    <span className={`tick ${m.status}`} data-testid="tick" data-status={m.status}
                      title={m.status === "failed" ? t("inbox.status.failed", { reason: failReason(t, m.error) }) : t(`inbox.status.${m.status === "received" ? "sent" : m.status}`)}>
                      {TICKS[m.status] ?? ""}
                    </span>
                  )}
                </span>
                {m.status === "failed" && <span className="fail-reason">{t("inbox.status.failed", { reason: failReason(t, m.error) })}</span>}
              </div>
            )];
          })}
          <div ref={bottom} />
        </div>
        <div className={noteMode ? "composer note-mode" : "composer"}>
          {matches.length > 0 && (
            <ul className="quick" role="listbox" aria-label={t("inbox.quickReplies")}>
              {matches.map((r) => (
                <li key={r.id}><button type="button" onClick={() => setDraft(r.body)}><strong>/{r.shortcut}</strong> {r.body}</button></li>
              ))}
            </ul>
          )}
          {emoji && (
            <div className="emoji" role="listbox" aria-label={t("inbox.emoji")}>
              {EMOJI.map((e) => <button key={e} type="button" onClick={() => { setDraft((d) => d + e); setEmoji(false); }}>{e}</button>)}
            </div>
          )}
          <div className="composer-modes">
            <button type="button" className={noteMode ? "tab" : "tab active"} onClick={() => setNoteMode(false)}>{t("inbox.modeReply")}</button>
            <button type="button" className={noteMode ? "tab active" : "tab"} onClick={() => setNoteMode(true)}>{t("inbox.modeNote")}</button>
          </div>
          <div className="composer-row">
            <button type="button" className="ghost small" aria-label={t("inbox.emoji")} onClick={() => setEmoji(!emoji)}>😊</button>
            {!noteMode && <button type="button" className="ghost small" aria-label={t("inbox.attach")} onClick={() => fileInput.current?.click()}>
              <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true"><path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l9.2-9.2a3.7 3.7 0 015.2 5.2l-9.2 9.2a1.8 1.8 0 01-2.6-2.6l8.5-8.5" /></svg>
            </button>}
            {!noteMode && <VoiceRecorder key={conversation} onSend={sendVoice} />}
            <input ref={fileInput} type="file" hidden data-testid="file" onChange={(e) => void attach(e)} />
            <textarea aria-label={t("inbox.placeholder")} placeholder={noteMode ? t("inbox.notePlaceholder") : t("inbox.placeholder")} rows={2} value={draft}
              onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} />
            <button type="button" className="primary" disabled={!draft.trim() || over} onClick={() => void send()}>{noteMode ? t("inbox.addNote") : t("inbox.send")}</button>
          </div>
          <div className={over ? "composer-count over" : "composer-count"} data-testid="composer-count" aria-live="polite">
            {over
              ? t("inbox.tooLong", { max: max.toLocaleString(lang), over: (length - max).toLocaleString(lang) })
              : t("inbox.count", { count: length.toLocaleString(lang), max: max.toLocaleString(lang) })}
          </div>
        </div>
      </div>
      {panel && (
        <aside className="contact-panel" aria-label={t("inbox.contact")}>
          <h2>{panel.contact.name ?? t("contacts.noName")}</h2>
          <p className="muted">{formatPhone(panel.contact.phone)}</p>
          {panel.contact.opted_out_at !== null && (
            <p>
              <span className="badge opted-out" data-testid="opted-out">{t("contacts.optedOut")}</span>{" "}
              <span className="muted small">{t("contacts.optedOutHint")}</span>{" "}
              <button type="button" className="ghost small" onClick={() => void act(() => write("contactsSetOptOut", account.id, panel.contact.id, false))}>{t("contacts.optIn")}</button>
            </p>
          )}
          <ContactTags key={panel.contact.id} contact={panel.contact.id} />
          <p className="muted small">{t("inbox.tagsSoon")}</p>
          {summary && <BotPanel key={conversation} conversation={conversation} summary={summary} />}
          <h3>{t("inbox.conversations")}</h3>
          <ul>
            {panel.conversations.map((c) => (
              <li key={c.id}>
                <button type="button" className={c.id === conversation ? "link active" : "link"} onClick={() => onOpen(c.id)}>
                  {t("inbox.via", { number: c.instance_name })} · {t(`inbox.conv.${c.status}`)}
                </button>
              </li>
            ))}
          </ul>
        </aside>
      )}
    </div>
  );
}

/** What a message shows: text, an image, an audio player, a document to save, a place or a contact card. */
function Body({ message: m }: { message: Message }) {
  const { t } = useI18n();
  const { account } = useApp();
  const hasFile = m.media_path !== null && ["image", "audio", "document"].includes(m.kind);
  // A file that cannot be read shows as its kind, without a toast per bubble.
  const url = useCommand("inboxMedia", [account.id, m.id], { enabled: hasFile, inline: true }).data ?? null;

  if (m.kind === "location") {
    const [lat, lng] = m.body.split(",");
    return <span className="bubble-text">{t("inbox.kind.location")}: {lat}, {lng}</span>;
  }
  if (m.kind === "contact") {
    const card = parseVcard(m.body);
    return <span className="bubble-text">{t("inbox.kind.contact")}: {card.name ?? ""} {card.phone ?? ""}</span>;
  }
  return (
    <>
      {m.kind === "image" && url && <img className="media" src={url} alt={m.body || t("inbox.kind.image")} />}
      {m.kind === "audio" && url && <audio controls src={url} data-testid="audio" />}
      {m.kind === "document" && url && <a className="doc" href={url} download={m.media_name ?? "arquivo"}>📄 {m.media_name ?? t("inbox.kind.document")}</a>}
      {m.media_error === "too_large" && <em className="muted small">{preview(t, m.kind, null)} ({t("inbox.mediaTooLarge")})</em>}
      {m.body && <span className="bubble-text">{m.kind === "text" ? m.body : m.body}</span>}
      {!m.body && !url && !m.media_error && m.kind !== "text" && <span className="bubble-text">{preview(t, m.kind, null)}</span>}
    </>
  );
}
