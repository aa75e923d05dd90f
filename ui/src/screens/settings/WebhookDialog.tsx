import { useEffect, useRef, useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { EventType, Webhook, WebhookFormat, WebhookInput } from "../../ipc/call";
import { useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { useUnsaved } from "../../components/unsaved";
import { useSubmit } from "../../components/useSubmit";
import { carries, EVENT_GROUPS, eventKey, FORMATS, ordered, SENSITIVE, SUBSCRIBABLE } from "./events";

interface Props {
  webhook: Webhook | null;
  onClose: () => void;
  /** The saved webhook, and its secret when it was just made. */
  onSaved: (webhook: Webhook, secret: string | null) => void;
}

/** A checkbox that can show "some" (the group's and "selecionar todos"). */
function AllBox({ label, all, some, onChange }: { label: string; all: boolean; some: boolean; onChange: (on: boolean) => void }) {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = some && !all;
  }, [all, some]);
  return (
    <label className="check strong">
      <input ref={box} type="checkbox" checked={all} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

/**
 * "Novo webhook" and its edit: the URL, the events grouped (Mensagens,
 * Contatos, …) with "selecionar todos" (never the number's QR code, chosen
 * alone), and the body's format — Evolution API's offers only the events it
 * has names for, and choosing it takes the others out, saying which. Rust's
 * refusal goes under the URL or the events it concerns. Escape or a click
 * beside it asks before dropping a change.
 */
export function WebhookDialog({ webhook, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { account } = useApp();
  const write = useWrite();
  const [opened] = useState<WebhookInput>(() =>
    webhook ? { url: webhook.url, events: ordered(webhook.events), format: webhook.format } : { url: "", events: [], format: "zapdesk" });
  const [input, setInput] = useState<WebhookInput>(opened);
  const [dismissing, setDismissing] = useState(false);
  // Events taken out when the format changed to one that cannot carry them.
  const [dropped, setDropped] = useState<EventType[]>([]);
  const dirty = JSON.stringify(input) !== JSON.stringify(opened);
  useUnsaved(dirty, t("webhooks.unsaved"));
  const dismiss = () => (dirty ? setDismissing(true) : onClose());

  // What the last save sent: its refusal is placed by it, not by what is typed since.
  const [sent, setSent] = useState<WebhookInput>(opened);
  const { submit, error, busy } = useSubmit(async () => {
    const sent = { ...input, url: input.url.trim() };
    setSent(sent);
    if (webhook) onSaved(await write("webhooksUpdate", account.id, webhook.id, sent), null);
    else {
      const created = await write("webhooksCreate", account.id, sent);
      onSaved(created.webhook, created.secret);
    }
  });
  // Rust gives one code for the address and the events: the refusal goes
  // under the one that is plainly wrong, and under the form when both are.
  const invalid = error?.code === "webhook_invalid";
  const noEvents = sent.events.length === 0;
  const urlLooksRight = /^https?:\/\/[^\s/?#]+/i.test(sent.url);
  const urlError = invalid && !noEvents ? error.message : null;
  const eventsError = invalid && noEvents && urlLooksRight ? error.message : null;
  const formError = error && (!invalid || (noEvents && !urlLooksRight)) ? error.message : null;

  const chosen = new Set(input.events);
  const setEvents = (events: Iterable<EventType>) => {
    setInput((i) => ({ ...i, events: ordered([...new Set(events)]) }));
    setDropped([]);
  };
  const setGroup = (events: readonly EventType[], on: boolean) =>
    setEvents(on ? [...input.events, ...events] : input.events.filter((e) => !events.includes(e)));
  // What "selecionar todos" and a group's box take: what the format carries, the QR code aside.
  const bulk = (events: readonly EventType[]) => events.filter((e) => !SENSITIVE.includes(e) && carries(input.format, e));
  const everything = bulk(SUBSCRIBABLE);

  function setFormat(format: WebhookFormat) {
    const out = input.events.filter((e) => !carries(format, e));
    setInput((i) => ({ ...i, format, events: i.events.filter((e) => carries(format, e)) }));
    setDropped(out);
  }

  return (
    <>
      <Modal title={t(webhook ? "webhooks.edit" : "webhooks.new")} onClose={dismiss} className="wide webhook-editor">
        <form className="form" onSubmit={submit} noValidate>
          <Field id="webhook-url" label={t("webhooks.url")} hint={t("webhooks.urlHint")} error={urlError}>
            {(id, desc) => <input id={id} aria-describedby={desc} autoFocus type="url" spellCheck={false} placeholder="https://"
              value={input.url} onChange={(e) => setInput((i) => ({ ...i, url: e.target.value }))} />}
          </Field>

          <fieldset className={eventsError ? "editor-section invalid" : "editor-section"} aria-label={t("webhooks.eventsLabel")}>
            <legend>{t("webhooks.eventsLabel")}</legend>
            <AllBox label={t("webhooks.selectAll")} all={everything.every((e) => chosen.has(e))} some={chosen.size > 0}
              onChange={(on) => setEvents(on ? [...input.events, ...everything] : [])} />
            <div className="event-groups">
              {EVENT_GROUPS.map(({ group, events }) => (
                <div key={group} className="event-group" role="group" aria-label={t(`webhooks.group.${group}`)}>
                  {bulk(events).length > 1
                    ? <AllBox label={t(`webhooks.group.${group}`)} all={bulk(events).every((e) => chosen.has(e))} some={events.some((e) => chosen.has(e))}
                        onChange={(on) => setGroup(on ? bulk(events) : events, on)} />
                    : <span className="group-label strong">{t(`webhooks.group.${group}`)}</span>}
                  {events.map((e) => (
                    <label key={e} className={carries(input.format, e) ? "check event-option" : "check event-option unavailable"}
                      title={carries(input.format, e) ? undefined : t("webhooks.notInEvolution")}>
                      <input type="checkbox" checked={chosen.has(e)} disabled={!carries(input.format, e)}
                        onChange={(x) => setGroup([e], x.target.checked)} />
                      {t(eventKey(e))}
                    </label>
                  ))}
                  {events.includes("number.qr") && <p className="field-hint event-option">{t("webhooks.qrHint")}</p>}
                </div>
              ))}
            </div>
            {input.format === "evolution" && <p className="field-hint">{t("webhooks.evolutionEvents")}</p>}
            {dropped.length > 0 && (
              <p className="notice small" data-testid="webhook-dropped">
                {t("webhooks.dropped", { events: dropped.map((e) => t(eventKey(e))).join(", ") })}
              </p>
            )}
            {eventsError && <p className="field-error" role="alert">{eventsError}</p>}
          </fieldset>

          <Field id="webhook-format" label={t("webhooks.formatLabel")} hint={t(`webhooks.formatHint.${input.format}`)}>
            {(id, desc) => (
              <select id={id} aria-describedby={desc} value={input.format}
                onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
                {FORMATS.map((f) => <option key={f} value={f}>{t(`webhooks.format.${f}`)}</option>)}
              </select>
            )}
          </Field>

          {formError && <p className="form-error" role="alert">{formError}</p>}
          <div className="actions">
            <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
            <button type="submit" className="primary" disabled={busy}>{t(webhook ? "common.save" : "common.create")}</button>
          </div>
        </form>
      </Modal>
      {dismissing && (
        <ConfirmDialog title={t("unsaved.title")} confirmLabel={t("unsaved.leave")} danger
          onClose={() => setDismissing(false)} onConfirm={async () => onClose()}>
          <p>{t("webhooks.unsaved")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
