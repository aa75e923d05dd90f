import { useEffect, useRef, useState } from "react";
import { newActionId } from "../../actionId";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { NumberView } from "../../ipc/call";
import { errorText } from "../../ipc/errorText";
import { useWrite } from "../../data/commands";

interface Props {
  message: string;
  numbers: NumberView[] | null;
  /** The contact the preview shows: the test is rendered with their values. */
  previewId: string;
}

type Outcome = { ok: string } | { error: string } | null;

/**
 * The editor's "send a test" row: the message as it stands, rendered for one
 * phone and sent from one connected number, before the campaign exists. Rust
 * refuses an unknown variable, a number not connected or a bad phone; the
 * refusal (or the success) shows under the row.
 */
export function TestSend({ message, numbers, previewId }: Props) {
  const { t } = useI18n();
  const { account } = useApp();
  const [phone, setPhone] = useState("");
  const [number, setNumber] = useState("");
  const write = useWrite();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  // A connected number is the one that can send now; the person may change it.
  useEffect(() => {
    if (numbers && !number) setNumber(numbers.find((n) => n.status.state === "connected")?.number.id ?? "");
  }, [numbers, number]);

  // One id per press of the button: clicked twice before the answer, the
  // backend queues one test; a new id once it was queued.
  const action = useRef(newActionId());

  async function send() {
    setBusy(true);
    setOutcome(null);
    try {
      await write("campaignsTestSend", account.id, action.current, message, number, phone, previewId || null);
      action.current = newActionId();
      setOutcome({ ok: t("campaigns.test.sent", { phone: phone.trim() }) });
    } catch (e) {
      setOutcome({ error: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="editor-section test-send">
      <legend>{t("campaigns.test")}</legend>
      <div className="test-send-row">
        <input type="tel" aria-label={t("campaigns.test.phone")} placeholder="(11) 91234-5678" value={phone}
          onChange={(e) => setPhone(e.target.value)} />
        <select aria-label={t("campaigns.test.number")} value={number} onChange={(e) => setNumber(e.target.value)}>
          <option value="">{t("campaigns.test.pickNumber")}</option>
          {numbers?.map(({ number: n, status }) => (
            <option key={n.id} value={n.id}>{status.state === "connected" ? n.name : `${n.name} (${t("campaigns.editor.offline")})`}</option>
          ))}
        </select>
        <button type="button" className="ghost" disabled={busy || !phone.trim() || !number || !message.trim()} onClick={() => void send()}>
          {t("campaigns.test.send")}
        </button>
      </div>
      {outcome === null && <p className="field-hint">{t("campaigns.test.hint")}</p>}
      {outcome !== null && "ok" in outcome && <p className="field-ok" role="status" data-testid="test-send-result">{outcome.ok}</p>}
      {outcome !== null && "error" in outcome && <p className="field-error" role="alert" data-testid="test-send-result">{outcome.error}</p>}
    </fieldset>
  );
}
