import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { Delivery, Webhook } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { DeliveryLog } from "./DeliveryLog";
import { eventKey } from "./events";
import { SecretBox } from "./SecretBox";
import { WebhookDialog } from "./WebhookDialog";

interface Shown { title: string; secret: string; note: string }

// Rust records why a webhook is off as a word: ZapDesk turned it off after a
// day of failures ("failing"), or a person did ("manual").
const BY_HAND = "manual";
const REASON_WORDS = ["failing", BY_HAND];

/** Off because ZapDesk gave up on it (not because someone switched it off). */
function offAutomatically(w: Webhook): boolean {
  return !w.enabled && w.disabled_at !== null && w.disabled_reason !== BY_HAND;
}

/** A reason worth showing as it is: a sentence, not one of Rust's words. */
function reasonText(w: Webhook): string | null {
  return w.disabled_reason === null || REASON_WORDS.includes(w.disabled_reason) ? null : w.disabled_reason;
}

/**
 * Settings → Webhooks, for the current account: each webhook with its events,
 * format and on/off switch, the warning of one failing or turned off
 * automatically, its secret (shown on request, or a new one), a test event,
 * and the delivery log of the one selected.
 */
export function WebhooksPanel() {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const webhooks = useCommand("webhooksList", [account.id]).data ?? null;
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The webhook being deleted: its log leaves the screen first, so the
  // refetch that follows the delete does not ask for a log that is gone.
  const [gone, setGone] = useState<string | null>(null);
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
  // The log follows the one picked, else the first (a deleted one falls back too).
  const listed = webhooks?.filter((w) => w.id !== gone) ?? [];
  const selected = listed.find((w) => w.id === picked) ?? listed[0] ?? null;
  // Webhooks made separately on each computer before webhooks synced: after
  // the update they all hold everywhere, and the receiver gets each event
  // once per copy (docs/webhooks.md). How many of the account's share a URL.
  const sameUrl = new Map<string, number>();
  for (const w of listed) sameUrl.set(w.url, (sameUrl.get(w.url) ?? 0) + 1);

  /** Runs one action of a row, its button disabled meanwhile, a refusal as a toast. */
  async function act(w: Webhook, what: string, action: () => Promise<void>) {
    setBusy(`${w.id}:${what}`);
    try {
      await action();
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(null);
    }
  }
  const isBusy = (w: Webhook, what: string) => busy === `${w.id}:${what}`;

  const setEnabled = (w: Webhook, enabled: boolean) => act(w, "switch", async () => {
    await write("webhooksSetEnabled", account.id, w.id, enabled);
  });
  const showSecret = (w: Webhook) => act(w, "secret", async () => {
    const secret = await write("webhooksSecret", account.id, w.id);
    setShown({ title: t("webhooks.secretTitle"), secret, note: t("webhooks.secretHint") });
  });
  const sendTest = (w: Webhook) => act(w, "test", async () => {
    const d = await write("webhooksTest", account.id, w.id);
    setPicked(w.id);
    toast(testText(d), d.status === "failed" ? "error" : "ok");
  });

  function testText(d: Delivery): string {
    if (d.status === "delivered") return t("webhooks.testDelivered", { code: d.last_status_code ?? "—", ms: d.last_duration_ms ?? "—" });
    if (d.status === "failed") return t("webhooks.testFailed", { error: d.last_error ?? "" });
    return t("webhooks.testQueued");
  }

  return (
    <div className="panel webhooks-panel" id="webhooks" role="region" aria-label={t("webhooks.title")}>
      <div className="panel-head">
        <h2>{t("webhooks.title")}</h2>
        <button type="button" className="primary" onClick={() => setEditing("new")}>+ {t("webhooks.new")}</button>
      </div>
      <p className="muted">{t("webhooks.intro", { account: account.name })}</p>
      {webhooks?.length === 0 && <p className="muted small" data-testid="webhooks-empty">{t("webhooks.empty")}</p>}
      {webhooks && webhooks.length > 0 && (
        <ul className="webhook-list">
          {webhooks.map((w) => (
            <li key={w.id} data-testid="webhook-row" className={w.id === selected?.id ? "selected" : ""}>
              <div className="webhook-line">
                <div className="webhook-main">
                  <span className="mono webhook-url">{w.url}</span>
                  <span className="muted small" title={w.events.map((e) => t(eventKey(e))).join(", ")}>
                    {t(w.events.length === 1 ? "webhooks.eventsOne" : "webhooks.events", { n: w.events.length })}
                    {" · "}
                    {t(`webhooks.format.${w.format}`)}
                  </span>
                </div>
                <label className="switch">
                  <input type="checkbox" role="switch" aria-label={t("webhooks.toggle", { url: w.url })} checked={w.enabled}
                    disabled={isBusy(w, "switch")} onChange={(e) => void setEnabled(w, e.target.checked)} />
                  <span>{w.enabled ? t("webhooks.on") : t("webhooks.off")}</span>
                </label>
              </div>
              {offAutomatically(w) && w.disabled_at !== null && (
                <div className="notice danger" role="alert" data-testid="webhook-disabled">
                  <p className="strong">{t("webhooks.disabledAuto", { date: when.format(new Date(w.disabled_at)) })}</p>
                  {reasonText(w) && <p>{reasonText(w)}</p>}
                  <p className="small">{t("webhooks.disabledHint")}</p>
                </div>
              )}
              {(sameUrl.get(w.url) ?? 0) > 1 && (
                <p className="notice" role="status" data-testid="webhook-duplicate">
                  {t("webhooks.duplicate", { n: sameUrl.get(w.url) ?? 0 })}
                </p>
              )}
              {w.enabled && w.failing_since !== null && (
                <p className="notice" role="alert" data-testid="webhook-failing">
                  {t("webhooks.failing", { date: when.format(new Date(w.failing_since)) })}
                </p>
              )}
              <div className="row-actions wrap">
                <button type="button" className="ghost small" aria-pressed={w.id === selected?.id} onClick={() => setPicked(w.id)}>
                  {t("webhooks.showLog")}
                </button>
                <button type="button" className="ghost small" disabled={isBusy(w, "test")} onClick={() => void sendTest(w)}>
                  {t("webhooks.sendTest")}
                </button>
                <button type="button" className="ghost small" disabled={isBusy(w, "secret")} onClick={() => void showSecret(w)}>
                  {t("webhooks.showSecret")}
                </button>
                <button type="button" className="ghost small" onClick={() => setRotating(w)}>{t("webhooks.rotate")}</button>
                <button type="button" className="ghost small" aria-label={t("webhooks.editNamed", { url: w.url })} onClick={() => setEditing(w)}>
                  {t("common.edit")}
                </button>
                <button type="button" className="ghost small danger" aria-label={t("webhooks.deleteNamed", { url: w.url })} onClick={() => setDeleting(w)}>
                  {t("common.delete")}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      {selected && <DeliveryLog key={selected.id} webhook={selected} />}

      {editing && (
        <WebhookDialog
          webhook={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(w, secret) => {
            setEditing(null);
            setPicked(w.id);
            if (secret !== null) setShown({ title: t("webhooks.createdTitle"), secret, note: t("webhooks.createdHint") });
            else toast(t("webhooks.saved"));
          }}
        />
      )}
      {shown && (
        <Modal title={shown.title} onClose={() => setShown(null)} className="wide">
          <div className="form">
            <p className="field-hint">{shown.note}</p>
            <SecretBox text={shown.secret} label={t("webhooks.secretLabel")} testId="webhook-secret" />
            <div className="actions">
              <button type="button" className="primary" onClick={() => setShown(null)}>{t("api.done")}</button>
            </div>
          </div>
        </Modal>
      )}
      {rotating && (
        <ConfirmDialog title={t("webhooks.rotateTitle")} confirmLabel={t("webhooks.rotate")} danger
          onClose={() => setRotating(null)}
          onConfirm={async () => {
            const secret = await write("webhooksRotateSecret", account.id, rotating.id);
            setRotating(null);
            setShown({ title: t("webhooks.rotatedTitle"), secret, note: t("webhooks.rotatedHint") });
          }}>
          <p>{t("webhooks.rotateConfirm", { url: rotating.url })}</p>
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog title={t("webhooks.deleteTitle")} confirmLabel={t("common.delete")} danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            setGone(deleting.id);
            try {
              await write("webhooksDelete", account.id, deleting.id);
            } catch (e) {
              setGone(null);
              throw e;
            }
            toast(t("webhooks.deleted", { url: deleting.url }));
            setDeleting(null);
          }}>
          <p>{t("webhooks.deleteConfirm", { url: deleting.url })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
