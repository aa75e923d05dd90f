import { useState, type FormEvent } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Card, OwnerChange, PipelineMoved, User } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { Modal } from "../../components/Modal";
import { formatPhone } from "../../format";
import { centsToInput, parseBRL } from "./money";

/** The owner select's value for "leave the owner as it is" (no user id looks like it). */
const KEEP = "keep";

interface Props {
  /** null: a new card on `stage`. */
  card: Card | null;
  stage: string;
  users: User[];
  onMade: (moved: PipelineMoved) => void;
  onClose: () => void;
}

/** A new card for a contact found by name or phone, or an existing card's title, value and owner. */
export function CardDialog({ card, stage, users, onMade, onClose }: Props) {
  const { account } = useApp();
  const { t, lang } = useI18n();
  const write = useWrite();
  const [search, setSearch] = useState("");
  const [contact, setContact] = useState<{ id: string; label: string } | null>(
    card ? { id: card.contact_id, label: card.contact_name ?? formatPhone(card.contact_phone) } : null,
  );
  const [title, setTitle] = useState(card?.title ?? "");
  const [value, setValue] = useState(card ? centsToInput(card.value_cents, lang) : "");
  // An owner this desktop does not know as an operator (set on another
  // desktop) cannot be named here: it is offered as "keep", so editing the
  // title or value never wipes it.
  const elsewhere = card?.owner_email && !users.some((u) => u.email === card.owner_email) ? card.owner_email : null;
  const [owner, setOwner] = useState(
    elsewhere ? KEEP : users.find((u) => u.email === card?.owner_email)?.id ?? "",
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const found = useCommand("contactsList", [account.id, { filter: { search: search.trim() }, offset: 0, limit: 8 }],
    { enabled: !card && search.trim().length > 0, keepPrevious: true }).data?.items ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const cents = parseBRL(value, lang);
    if (!contact) return setError(t("pipeline.pickContact"));
    if (cents === null) return setError(t("pipeline.valueInvalid"));
    const change: OwnerChange = owner === KEEP ? { kind: "keep" } : owner ? { kind: "set", user: owner } : { kind: "clear" };
    const input = { contact_id: contact.id, title: title.trim() || null, value_cents: cents, owner: change };
    setBusy(true);
    try {
      if (card) await write("pipelineCardsUpdate", account.id, card.id, input);
      else onMade(await write("pipelineCardsCreate", account.id, stage, input));
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!card) return;
    try {
      await write("pipelineCardsDelete", account.id, card.id);
      onClose();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Modal title={card ? t("pipeline.editCard") : t("pipeline.newCard")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {contact ? (
          <p>
            {t("pipeline.contact")}: <strong data-testid="card-contact">{contact.label}</strong>{" "}
            {!card && <button type="button" className="ghost small" onClick={() => setContact(null)}>{t("pipeline.change")}</button>}
          </p>
        ) : (
          <label>
            {t("pipeline.findContact")}
            <input type="search" autoFocus value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("contacts.search")} />
            <ul className="pick-list" aria-label={t("pipeline.findContact")}>
              {found.map((c) => (
                <li key={c.id}>
                  <button type="button" className="ghost" onClick={() => setContact({ id: c.id, label: c.name ?? formatPhone(c.phone) })}>
                    {c.name ?? formatPhone(c.phone)} <span className="muted">{formatPhone(c.phone)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </label>
        )}
        <label>
          {t("pipeline.cardTitle")}
          <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t("pipeline.value")}
          <input value={value} inputMode="decimal" placeholder="0,00" onChange={(e) => setValue(e.target.value)} />
        </label>
        <label>
          {t("pipeline.owner")}
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">{t("pipeline.noOwner")}</option>
            {elsewhere && <option value={KEEP}>{t("pipeline.ownerElsewhere", { email: elsewhere })}</option>}
            {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="actions">
          {card && <button type="button" className="danger" onClick={remove}>{t("common.delete")}</button>}
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
        </div>
      </form>
    </Modal>
  );
}
