import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { AppError, call, commands, type Contact, type ContactInput } from "../ipc/call";
import { EmptyState } from "../components/EmptyState";
import { Field } from "../components/Field";
import { Modal } from "../components/Modal";
import { VirtualList } from "../components/VirtualList";
import { pagesFor, type Window } from "../components/virtual";
import { formatPhone, initials } from "../format";
import { useSubmit } from "../components/useSubmit";

const PAGE = 100;
const ROW_HEIGHT = 56;

/** The current account's contacts: a virtualized list loaded page by page, search, create, edit, delete. */
export function Contacts() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, Contact>>(new Map());
  const [editing, setEditing] = useState<Contact | "new" | null>(null);
  // Bumped on every change so loaded pages are thrown away and fetched again.
  const [generation, setGeneration] = useState(0);
  const loaded = useRef(new Set<number>());

  // Debounce typing so each keystroke does not query the store.
  useEffect(() => {
    const id = setTimeout(() => setQuery(search.trim()), 200);
    return () => clearTimeout(id);
  }, [search]);

  const loadPage = useCallback(
    async (offset: number) => {
      if (loaded.current.has(offset)) return;
      loaded.current.add(offset);
      try {
        const page = await call(commands.contactsList(account.id, { search: query || null, offset, limit: PAGE }));
        setTotal(page.total);
        setRows((prev) => {
          const next = new Map(prev);
          page.items.forEach((c, i) => next.set(offset + i, c));
          return next;
        });
      } catch (e) {
        loaded.current.delete(offset);
        toast(e instanceof AppError ? e.message : String(e), "error");
      }
    },
    [account.id, query, toast],
  );

  useEffect(() => {
    loaded.current = new Set();
    setRows(new Map());
    setTotal(null);
    void loadPage(0);
  }, [loadPage, generation]);

  const onWindow = useCallback((win: Window) => pagesFor(win, PAGE).forEach((p) => void loadPage(p)), [loadPage]);

  async function toggleOptOut(c: Contact) {
    try {
      await call(commands.contactsSetOptOut(account.id, c.id, c.opted_out_at === null));
      setGeneration((g) => g + 1);
    } catch (e) {
      toast(e instanceof AppError ? e.message : String(e), "error");
    }
  }

  async function remove(c: Contact) {
    const name = c.name ?? formatPhone(c.phone);
    if (!window.confirm(t("contacts.deleteConfirm", { name }))) return;
    try {
      await call(commands.contactsDelete(account.id, c.id));
      toast(t("contacts.deleted"));
      setGeneration((g) => g + 1);
    } catch (e) {
      toast(e instanceof AppError ? e.message : String(e), "error");
    }
  }

  const countText = total === null ? "" : total === 1 ? t("contacts.countOne") : t("contacts.count", { count: total.toLocaleString(lang) });

  return (
    <section className="screen contacts">
      <header className="screen-head">
        <div>
          <h1>{t("contacts.title")}</h1>
          <p className="muted" data-testid="contacts-count">{countText}</p>
        </div>
        <div className="head-actions">
          <input type="search" className="search" placeholder={t("contacts.search")} aria-label={t("contacts.search")}
            value={search} onChange={(e) => setSearch(e.target.value)} />
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            + {t("contacts.new")}
          </button>
        </div>
      </header>
      {total === 0 && !query && (
        <EmptyState title={t("contacts.empty")} body={t("contacts.emptyBody")}>
          <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("contacts.new")}</button>
        </EmptyState>
      )}
      {total === 0 && query && <p className="muted center">{t("contacts.noMatch", { query })}</p>}
      {total !== null && total > 0 && (
        <VirtualList
          key={`${account.id}|${query}|${generation}`}
          label={t("contacts.title")}
          total={total}
          rowHeight={ROW_HEIGHT}
          onWindow={onWindow}
          row={(i) => {
            const c = rows.get(i);
            if (!c) return <div className="contact-row placeholder" />;
            return (
              <div className="contact-row" data-testid="contact-row">
                <span className="avatar" aria-hidden="true">{initials(c.name, c.phone)}</span>
                <span className="contact-name">
                  {c.name ?? <em className="muted">{t("contacts.noName")}</em>}
                  {c.opted_out_at !== null && <span className="badge opted-out" title={t("contacts.optedOutHint")} data-testid="opted-out">{t("contacts.optedOut")}</span>}
                </span>
                <span className="contact-phone">{formatPhone(c.phone)}</span>
                <span className="row-actions">
                  <button type="button" className="ghost small" onClick={() => void toggleOptOut(c)}>{t(c.opted_out_at === null ? "contacts.optOut" : "contacts.optIn")}</button>
                  <button type="button" className="ghost small" onClick={() => setEditing(c)}>{t("common.edit")}</button>
                  <button type="button" className="ghost small danger" onClick={() => void remove(c)}>{t("common.delete")}</button>
                </span>
              </div>
            );
          }}
        />
      )}
      {editing && (
        <ContactDialog
          contact={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(created) => {
            toast(t(created ? "contacts.created" : "contacts.saved"));
            setEditing(null);
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </section>
  );
}

function ContactDialog({ contact, onClose, onSaved }: { contact: Contact | null; onClose: () => void; onSaved: (created: boolean) => void }) {
  const { t } = useI18n();
  const { account } = useApp();
  const [input, setInput] = useState<ContactInput>({ phone: contact?.phone ?? "", name: contact?.name ?? "" });
  const { submit, error, busy } = useSubmit(async () => {
    if (contact) await call(commands.contactsUpdate(account.id, contact.id, input));
    else await call(commands.contactsCreate(account.id, input));
    onSaved(!contact);
  });

  const phoneError = error && ["phone_invalid", "phone_duplicate"].includes(error.code) ? error.message : null;
  const nameError = error && ["name_empty", "name_too_long"].includes(error.code) ? error.message : null;
  const otherError = error && !phoneError && !nameError ? error.message : null;

  return (
    <Modal title={t(contact ? "contacts.edit" : "contacts.new")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="contact-phone" label={t("contacts.phone")} hint={t("contacts.phoneHint")} error={phoneError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} autoFocus inputMode="tel" value={input.phone}
              onChange={(e) => setInput({ ...input, phone: e.target.value })} />
          )}
        </Field>
        <Field id="contact-name" label={t("contacts.name")} error={nameError}>
          {(id, desc) => (
            <input id={id} aria-describedby={desc} value={input.name ?? ""}
              onChange={(e) => setInput({ ...input, name: e.target.value })} />
          )}
        </Field>
        {otherError && <p className="form-error" role="alert">{otherError}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t(contact ? "common.save" : "common.create")}</button>
        </div>
      </form>
    </Modal>
  );
}
