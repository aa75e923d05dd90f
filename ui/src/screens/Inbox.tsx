import { useEffect, useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { ConversationStatus, InboxFilter } from "../ipc/call";
import { EmptyState } from "../components/EmptyState";
import { VirtualList } from "../components/VirtualList";
import { useCommand, useCommandPages } from "../data/commands";
import { formatPhone, initials } from "../format";
import { highlightParts, preview } from "./inbox/text";
import { Thread } from "./inbox/Thread";
import { AssignmentBar } from "./inbox/Assignment";
import { botActive } from "./inbox/bot";
import { NewConversationDialog } from "./inbox/NewConversationDialog";

type Who = "all" | "mine" | "unassigned";
const ROW = 76;
/** The page size of inbox_list: a shorter page is the last one. */
const PAGE = 100;
/** Search a moment after the operator stops typing. */
const SEARCH_MS = 250;

/**
 * Where operators spend their day: every conversation of the account's
 * numbers, filtered by whose and in which state, searchable, each opening
 * into a thread with the contact beside it.
 */
export function Inbox() {
  const { t, lang } = useI18n();
  const { account } = useApp();
  const [instance, setInstance] = useState("");
  const [who, setWho] = useState<Who>("all");
  // "campaigns": the conversations a campaign opened that nobody answered
  // yet, which every other view leaves out.
  const [status, setStatus] = useState<ConversationStatus | "" | "campaigns">("open");
  const { opening, openingTaken } = useApp();
  const [open, setOpen] = useState<string | null>(opening);
  // "Nova conversa": from the header, or for a contact found with no conversation yet.
  const [starting, setStarting] = useState<{ contact?: { id: string; name: string | null; phone: string } } | null>(null);
  const [jumpTo, setJumpTo] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  // A conversation started from Contatos opens here.
  useEffect(() => {
    if (opening) {
      setOpen(opening);
      setJumpTo(null);
      openingTaken();
    }
  }, [opening, openingTaken]);
  const [asked, setAsked] = useState("");
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  // "Bot" on a line only once the account has a bot that could answer.
  const flows = useCommand("flowsList", [account.id]).data;
  const keywords = useCommand("keywordsList", [account.id]).data;
  // Switched off, nothing of the bot answers whatever its keywords and flows.
  const botSettings = useCommand("automationSettingsGet", [account.id]).data;
  const hasBot = botActive(botSettings, flows, keywords) === true;

  // Pages after the last row's cursor; any change refetches the loaded pages
  // (a new message brings its conversation to the top).
  const filter: InboxFilter = {
    instance: instance || null, who, status: status === "campaigns" ? null : status || null, campaigns: status === "campaigns", after: null,
  };
  const list = useCommandPages("inboxList", [account.id, filter], (last) => {
    const end = last[last.length - 1];
    if (last.length < PAGE || !end || end.last_message_at === null) return undefined;
    return [account.id, { ...filter, after: { last_message_at: end.last_message_at, id: end.id } }];
  });
  const rows = list.data?.pages.flat() ?? null;
  const more = list.hasNextPage;
  const loadMore = () => {
    if (more && !list.isFetchingNextPage) void list.fetchNextPage();
  };

  // Search as the operator types, a moment after they stop.
  useEffect(() => {
    const text = search.trim();
    if (!text) {
      setAsked("");
      return;
    }
    const id = setTimeout(() => setAsked(text), SEARCH_MS);
    return () => clearTimeout(id);
  }, [search]);
  const searched = useCommand("inboxSearch", [account.id, asked], { enabled: asked !== "", keepPrevious: true });
  const results = search.trim() && asked ? searched.data ?? null : null;

  const time = (ms: number | null) => (ms ? new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(new Date(ms)) : "");
  const total = (rows?.length ?? 0) + (more && rows?.length ? 1 : 0);

  return (
    <section className="screen inbox">
      <div className="chat-list">
        <header>
          <div className="chat-list-head">
            <h1>{t("inbox.title")}</h1>
            <button type="button" className="primary small" onClick={() => setStarting({})}>{t("inbox.new.open")}</button>
          </div>
          <AssignmentBar onOpen={(id) => { setOpen(id); setJumpTo(null); }} />
          <input type="search" className="search" placeholder={t("inbox.search")} aria-label={t("inbox.search")} value={search} onChange={(e) => setSearch(e.target.value)} />
          <div className="tabs" role="tablist" aria-label={t("inbox.who")}>
            {(["all", "mine", "unassigned"] as const).map((w) => (
              <button key={w} type="button" role="tab" aria-selected={who === w} className={who === w ? "tab active" : "tab"} onClick={() => setWho(w)}>
                {t(`inbox.who.${w}`)}
              </button>
            ))}
          </div>
          <div className="row2">
            <select aria-label={t("inbox.statusFilter")} value={status} onChange={(e) => setStatus(e.target.value as ConversationStatus | "" | "campaigns")}>
              <option value="open">{t("inbox.conv.open")}</option>
              <option value="pending">{t("inbox.conv.pending")}</option>
              <option value="resolved">{t("inbox.conv.resolved")}</option>
              <option value="">{t("inbox.conv.any")}</option>
              <option value="campaigns">{t("inbox.conv.campaigns")}</option>
            </select>
            <select aria-label={t("inbox.allNumbers")} value={instance} onChange={(e) => setInstance(e.target.value)}>
              <option value="">{t("inbox.allNumbers")}</option>
              {numbers.map((n) => <option key={n.number.id} value={n.number.id}>{n.number.name}</option>)}
            </select>
          </div>
        </header>
        {results ? (
          <div className="search-results" aria-label={t("inbox.results")}>
            {results.contacts.length === 0 && results.messages.length === 0 && results.notes.length === 0 && (
              <p className="muted center" data-testid="search-empty">{t("inbox.noResults", { text: search.trim() })}</p>
            )}
            {results.contacts.length > 0 && <h2 className="search-group">{t("inbox.results.contacts")}</h2>}
            {results.contacts.map((c) => (
              <button key={c.contact_id} type="button" className="chat hit" data-testid="search-contact"
                onClick={() => {
                  if (c.conversation_id) { setOpen(c.conversation_id); setJumpTo(null); setSearch(""); }
                  else setStarting({ contact: { id: c.contact_id, name: c.name, phone: c.phone } });
                }}>
                <span className="chat-main">
                  <strong>{c.name ?? formatPhone(c.phone)}</strong>
                  <span className="chat-preview">
                    {c.name ? formatPhone(c.phone) : ""}
                    {!c.conversation_id && <span className="muted"> · {t("inbox.results.noConversation")}</span>}
                  </span>
                </span>
              </button>
            ))}
            {results.messages.length > 0 && <h2 className="search-group">{t("inbox.results.messages")}</h2>}
            {results.messages.map((hit) => (
              <button key={hit.message_id} type="button" className="chat hit" data-testid="search-hit"
                onClick={() => { setOpen(hit.conversation_id); setJumpTo(hit.message_id); setSearch(""); }}>
                <span className="chat-main">
                  <strong>{hit.contact_name ?? formatPhone(hit.contact_phone)}</strong>
                  <span className="chat-preview">
                    {highlightParts(hit.snippet).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                  </span>
                </span>
              </button>
            ))}
            {results.notes.length > 0 && <h2 className="search-group">{t("inbox.results.notes")}</h2>}
            {results.notes.map((note) => (
              <button key={note.note_id} type="button" className="chat hit" data-testid="search-note"
                onClick={() => { setOpen(note.conversation_id); setJumpTo(null); setSearch(""); }}>
                <span className="chat-main">
                  <strong>{note.contact_name ?? formatPhone(note.contact_phone)}</strong>
                  <span className="chat-preview">
                    {highlightParts(note.snippet).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                  </span>
                </span>
              </button>
            ))}
          </div>
        ) : (
          <>
            {rows?.length === 0 && <EmptyState title={t("inbox.empty")} body={who === "mine" ? t("inbox.emptyMine") : t("inbox.emptyBody")} />}
            {rows && rows.length > 0 && (
              <VirtualList total={total} rowHeight={ROW} label={t("inbox.title")} rowKey={(i) => rows[i]?.id}
                onWindow={(win) => { if (win.end >= (rows?.length ?? 0)) loadMore(); }}
                row={(i) => {
                  const c = rows[i];
                  if (!c) return <div className="chat placeholder" />;
                  return (
                    <button type="button" className={c.id === open ? "chat active" : "chat"} data-testid="chat" onClick={() => { setOpen(c.id); setJumpTo(null); }}>
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
                        <span className="muted small">
                          {t("inbox.via", { number: c.instance_name })}
                          {c.assignee_name ? ` · ${c.assignee_name}` : ""}
                          {c.owner === "bot" && hasBot ? ` · ${t("inbox.owner.bot")}` : ""}
                        </span>
                      </span>
                    </button>
                  );
                }}
              />
            )}
          </>
        )}
      </div>
      {starting && (
        <NewConversationDialog contact={starting.contact} onClose={() => setStarting(null)}
          onStarted={(conversation) => { setStarting(null); setSearch(""); setOpen(conversation); setJumpTo(null); }} />
      )}
      {open ? (
        <Thread key={open} conversation={open} jumpTo={jumpTo} onOpen={(id) => { setOpen(id); setJumpTo(null); }} />
      ) : (
        <div className="thread"><p className="muted center">{t("inbox.pick")}</p></div>
      )}
    </section>
  );
}
