import { useEffect, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Contact, SendTo } from "../../ipc/call";
import { useCommand, useWrite } from "../../data/commands";
import { formatPhone } from "../../format";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useSubmit } from "../../components/useSubmit";

/** Search a moment after the operator stops typing. */
const SEARCH_MS = 250;
/** Few enough to pick from; typing more narrows them. */
const SHOWN = 8;

interface Props {
  /** Started from a contact (Contatos, a search result): only the number is asked. */
  contact?: Pick<Contact, "id" | "name" | "phone">;
  onClose: () => void;
  /** The conversation to open (the existing one on that number, or a new one). */
  onStarted: (conversation: string) => void;
}

/**
 * "Nova conversa": a contact (searched by name or phone) or a phone typed in
 * full, and the number to write from — by default the one the contact
 * already talks to. Nothing is sent: the thread opens for the operator to
 * write. Rust refuses an opted-out contact, a phone that is not one, or no
 * number to write from, and the reason shows here.
 */
export function NewConversationDialog({ contact, onClose, onStarted }: Props) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const [picked, setPicked] = useState<Pick<Contact, "id" | "name" | "phone"> | null>(contact ?? null);
  const [from, setFrom] = useState("");

  useEffect(() => {
    const id = setTimeout(() => setAsked(text.trim()), SEARCH_MS);
    return () => clearTimeout(id);
  }, [text]);
  const found = useCommand("contactsList", [account.id, { filter: { search: asked }, offset: 0, limit: SHOWN }], {
    enabled: !picked && asked !== "",
    keepPrevious: true,
  }).data;
  const matches = asked && !picked ? found?.items ?? [] : [];
  // Digits enough for a phone: offered as is, Rust reads it by the phone rules.
  const typedPhone = !picked && text.replace(/\D/g, "").length >= 8 ? text.trim() : null;

  const { submit, error, busy } = useSubmit(async () => {
    const to: SendTo | null = picked ? { contact: picked.id } : typedPhone ? { phone: typedPhone } : null;
    if (!to) return;
    const started = await write("inboxStart", account.id, to, from || null);
    onStarted(started.conversation);
  });
  const ready = picked !== null || typedPhone !== null;

  return (
    <Modal title={t("inbox.new.title")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate data-testid="new-conversation">
        {picked ? (
          <div className="picked" data-testid="new-conversation-contact">
            <strong>{picked.name ?? formatPhone(picked.phone)}</strong>
            {picked.name && <span className="muted"> · {formatPhone(picked.phone)}</span>}
            {!contact && (
              <button type="button" className="ghost small" onClick={() => setPicked(null)}>{t("inbox.new.change")}</button>
            )}
          </div>
        ) : (
          <Field id="new-conversation-search" label={t("inbox.new.who")} hint={t("inbox.new.whoHint")}>
            {(id, desc) => (
              <input id={id} aria-describedby={desc} autoFocus value={text} onChange={(e) => setText(e.target.value)} />
            )}
          </Field>
        )}
        {matches.length > 0 && (
          <ul className="pick-list" aria-label={t("inbox.new.matches")}>
            {matches.map((c) => (
              <li key={c.id}>
                <button type="button" className="ghost" data-testid="new-conversation-match" onClick={() => setPicked(c)}>
                  <strong>{c.name ?? formatPhone(c.phone)}</strong>
                  {c.name && <span className="muted"> · {formatPhone(c.phone)}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        {!picked && asked && matches.length === 0 && found && (
          <p className="muted" data-testid="new-conversation-none">
            {typedPhone ? t("inbox.new.newPhone", { phone: typedPhone }) : t("inbox.new.none")}
          </p>
        )}
        <Field id="new-conversation-number" label={t("inbox.new.number")}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={from} onChange={(e) => setFrom(e.target.value)}>
              <option value="">{t("inbox.new.usualNumber")}</option>
              {numbers.map((n) => (
                <option key={n.number.id} value={n.number.id}>
                  {n.number.name} · {t(`numbers.status.${n.status.state}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {error && <p className="error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy || !ready}>{t("inbox.new.start")}</button>
        </div>
      </form>
    </Modal>
  );
}
