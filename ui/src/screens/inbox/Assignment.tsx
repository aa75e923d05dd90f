import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import { useCommand, useWrite } from "../../data/commands";
import { formatPhone } from "../../format";
import { Modal } from "../../components/Modal";

/**
 * Fair assignment in the inbox (issue 18, item 6): "Disponível / Ausente"
 * for the operator at this desktop (in every account they were given: the
 * desktops that run the numbers read it), and the account's queue of chats
 * waiting for a person, oldest first.
 */
export function AssignmentBar({ onOpen }: { onOpen: (conversation: string) => void }) {
  const { t, lang } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const status = useCommand("assignmentAvailability", []).data ?? null;
  const queue = useCommand("assignmentQueue", [account.id]).data ?? [];
  const [showQueue, setShowQueue] = useState(false);
  const since = (ms: number) => new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" }).format(new Date(ms));
  const toggle = () => {
    if (!status) return;
    void write("assignmentSetAvailable", !status.available).catch((e) => toast(errorText(e), "error"));
  };

  return (
    <div className="assignment-bar">
      {status?.operator && (
        <button type="button" className={status.available ? "small available" : "small ghost away"} data-testid="availability"
          aria-pressed={status.available} title={t("assign.availableHint")} onClick={toggle}>
          {status.available ? t("assign.available") : t("assign.away")}
        </button>
      )}
      <button type="button" className="ghost small" data-testid="queue-count" aria-expanded={showQueue} onClick={() => setShowQueue((s) => !s)}>
        {t("assign.queue", { count: queue.length })}
      </button>
      {showQueue && (
        <ul className="queue-list" aria-label={t("assign.queueTitle")} data-testid="queue">
          {queue.length === 0 && <li className="muted">{t("assign.queueEmpty")}</li>}
          {queue.map((w) => (
            <li key={w.conversation_id}>
              <button type="button" className="link" onClick={() => onOpen(w.conversation_id)}>
                {w.contact_name ?? formatPhone(w.contact_phone)}
              </button>
              <span className="muted"> · {w.instance_name} · {t("assign.waitingSince", { time: since(w.waiting_since) })}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The operators who may see the current account, as Rust checks
 * (`assignment::operator_in`): owners and admins, and agents given it.
 * Removed operators are not team members. The transfer dialog and the
 * thread's assignee select both list these.
 */
export function useAccountOperators() {
  const { account } = useApp();
  const members = useCommand("teamView", []).data?.members ?? [];
  return members.filter((m) => m.role !== "agent" || m.accounts.includes(account.id));
}

/** "Transferir": to another operator or number of the account, with a note kept in the thread. */
export function TransferDialog({ conversation, instance, onClose, onMoved }: {
  conversation: string;
  instance: string;
  onClose: () => void;
  onMoved: (conversation: string) => void;
}) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const users = useAccountOperators();
  const numbers = useCommand("numbersList", [account.id]).data ?? [];
  const [operator, setOperator] = useState("");
  const [number, setNumber] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!operator && !number) {
      setError(t("assign.transferPick"));
      return;
    }
    try {
      const moved = await write("inboxTransfer", account.id, conversation, {
        operator: operator || null,
        instance: number || null,
        note,
      });
      toast(t("assign.transferred"));
      onMoved(moved);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <Modal title={t("assign.transferTitle")} onClose={onClose}>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <label>
          {t("assign.transferOperator")}
          <select aria-label={t("assign.transferOperator")} value={operator} onChange={(e) => setOperator(e.target.value)}>
            <option value="">{t("assign.transferKeep")}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
        <label>
          {t("assign.transferNumber")}
          <select aria-label={t("assign.transferNumber")} value={number} onChange={(e) => setNumber(e.target.value)}>
            <option value="">{t("assign.transferSameNumber")}</option>
            {numbers.filter((n) => n.number.id !== instance).map((n) => <option key={n.number.id} value={n.number.id}>{n.number.name}</option>)}
          </select>
        </label>
        <label>
          {t("assign.transferNote")}
          <textarea aria-label={t("assign.transferNote")} value={note} rows={3} onChange={(e) => setNote(e.target.value)} />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary">{t("assign.transfer")}</button>
        </div>
      </form>
    </Modal>
  );
}
