import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import type { InstanceKind, NumberAction, NumberView, Status } from "../ipc/call";
import { errorText } from "../ipc/errorText";
import { commandKey, useCommand, useWrite } from "../data/commands";
import { EmptyState } from "../components/EmptyState";
import { Field } from "../components/Field";
import { Modal } from "../components/Modal";
import { useFleetEvents } from "../live";
import { formatPhone } from "../format";
import { useSubmit } from "../components/useSubmit";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { RemoveNumberDialog } from "./numbers/RemoveNumberDialog";

/** How often the numbers are asked again while one runs on another desktop. */
const ELSEWHERE_MS = 10_000;

/** The account's WhatsApp numbers with live status, QR pairing and the Sandbox's simulations. */
export function Numbers() {
  const { t } = useI18n();
  const { account } = useApp();
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  // Which desktop runs a shared number changes on the server without a
  // local write (a lease taken or released): look again while one runs elsewhere.
  const numbers = useCommand("numbersList", [account.id], {
    refetchInterval: (list) => (list?.some((n) => Boolean(n.runs_elsewhere)) ? ELSEWHERE_MS : false),
  }).data ?? null;

  // The live status (a QR code, connecting…) comes with the fleet event and
  // shows at once; the stored rows (a phone once connected) come with `changed`.
  useFleetEvents((event) => {
    if (event.kind !== "number" || event.account !== account.id) return;
    client.setQueryData<NumberView[]>(commandKey("numbersList", [account.id]), (list) =>
      list?.map((n) => (n.number.id === event.instance ? { ...n, status: event.status } : n)));
  });

  return (
    <section className="screen numbers">
      <header className="screen-head">
        <div>
          <h1>{t("numbers.title")}</h1>
          <p className="muted">{t("numbers.subtitle")}</p>
        </div>
        <button type="button" className="primary" onClick={() => setAdding(true)}>+ {t("numbers.add")}</button>
      </header>
      {numbers?.length === 0 && (
        <EmptyState title={t("numbers.empty")} body={t("numbers.emptyBody")}>
          <button type="button" className="primary" onClick={() => setAdding(true)}>+ {t("numbers.add")}</button>
        </EmptyState>
      )}
      <div className="number-grid">
        {numbers?.map((n) => <NumberCard key={n.number.id} view={n} />)}
      </div>
      {adding && <AddNumber onClose={() => setAdding(false)} onAdded={() => setAdding(false)} />}
    </section>
  );
}

/** Which browser this computer runs its numbers on (the same for all of them). */
function BrowserLine() {
  const { t } = useI18n();
  const check = useCommand("browserCheck", []).data;
  if (!check) return null;
  return (
    <p className="muted small" data-testid="number-browser">
      {check.found
        ? t("numbers.browser", { name: check.found.name, version: check.found.version ?? "" }).trim()
        : t("numbers.browserNone")}
    </p>
  );
}

function StatusPill({ status }: { status: Status }) {
  const { t } = useI18n();
  const detail = status.state === "disconnected" || status.state === "failed" ? ` — ${status.reason}` : "";
  return <span className={`pill ${status.state}`} data-testid="number-status">{t(`numbers.status.${status.state}`)}{detail}</span>;
}

function NumberCard({ view }: { view: NumberView }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const { number, status } = view;
  const [busy, setBusy] = useState(false);
  // Logging out and removing ask first (neither can be undone).
  const [asking, setAsking] = useState<"logout" | "remove" | null>(null);
  const running = status.state !== "stopped";
  const sandbox = number.kind === "sandbox";

  async function act(action: NumberAction) {
    setBusy(true);
    try {
      await write("numbersAct", account.id, number.id, action);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  async function simulateScan() {
    try {
      await write("numbersSimulate", account.id, number.id, { kind: "scan" });
    } catch (e) {
      toast(errorText(e), "error");
    }
  }

  return (
    <article className="number-card" data-testid="number-card" aria-label={number.name}>
      <header>
        <div>
          <h2>{number.name}</h2>
          <span className={`badge ${number.kind}`}>{t(`numbers.badge.${number.kind}`)}</span>
        </div>
        {view.runs_elsewhere && !running
          ? <span className="pill elsewhere" data-testid="number-status">{t("numbers.status.elsewhere")}</span>
          : <StatusPill status={status} />}
      </header>
      {view.runs_elsewhere && !running && (
        <p className="muted" data-testid="runs-elsewhere">{t("numbers.runsElsewhere", { name: view.runs_elsewhere })}</p>
      )}
      {status.state === "connected" && number.phone && (
        <p className="muted">{t("numbers.connectedAs", { phone: formatPhone(number.phone) })}</p>
      )}
      {status.state === "awaiting_qr" && (
        <div className="qr">
          <img src={status.qr} alt="QR code" width={220} height={220} data-testid="qr" />
          <p className="muted">{t("numbers.qrHelp")}</p>
          {sandbox
            ? <button type="button" className="primary" onClick={() => void simulateScan()}>{t("numbers.simulateScan")}</button>
            : <PairByCode id={number.id} />}
        </div>
      )}
      {sandbox && status.state === "connected" && <SimulateMessage id={number.id} />}
      {!view.runs_elsewhere && <BrowserLine />}
      <div className="row-actions">
        {!running && <button type="button" className="primary small" disabled={busy || Boolean(view.runs_elsewhere)} onClick={() => void act("start")}>{t("numbers.start")}</button>}
        {running && <button type="button" className="ghost small" disabled={busy} onClick={() => void act("stop")}>{t("numbers.stop")}</button>}
        {running && <button type="button" className="ghost small" disabled={busy} onClick={() => void act("restart")}>{t("numbers.restart")}</button>}
        <button type="button" className="ghost small" disabled={busy} onClick={() => setAsking("logout")}>{t("numbers.logout")}</button>
        <button type="button" className="ghost small danger" disabled={busy} onClick={() => setAsking("remove")}>{t("numbers.remove")}</button>
      </div>
      {asking === "logout" && (
        <ConfirmDialog title={t("numbers.logoutTitle")} confirmLabel={t("numbers.logout")} danger onClose={() => setAsking(null)}
          onConfirm={async () => {
            setAsking(null);
            await act("logout");
          }}>
          <p>{t("numbers.logoutConfirm", { name: number.name })}</p>
        </ConfirmDialog>
      )}
      {asking === "remove" && (
        <RemoveNumberDialog number={number} onClose={() => setAsking(null)}
          onConfirm={async () => {
            setAsking(null);
            await act("remove");
          }} />
      )}
    </article>
  );
}

function PairByCode({ id }: { id: string }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const write = useWrite();
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      setCode(await write("numbersPairingCode", account.id, id, phone));
    } catch (err) {
      toast(errorText(err), "error");
    }
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <input aria-label={t("numbers.pairPhone")} placeholder={t("numbers.pairPhone")} inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
      <button type="submit" className="ghost small">{t("numbers.pairByCode")}</button>
      {code && <strong className="pair-code">{t("numbers.pairCode", { code })}</strong>}
    </form>
  );
}

function SimulateMessage({ id }: { id: string }) {
  const { t } = useI18n();
  const { account, toast } = useApp();
  const [from, setFrom] = useState("(11) 98765-4321");
  const [name, setName] = useState("Maria Souza");
  const [text, setText] = useState("Olá! Vocês abrem no sábado?");
  const write = useWrite();
  const { submit, error } = useSubmit(async () => {
    await write("numbersSimulate", account.id, id, { kind: "message", from, name: name || null, text });
    toast(t("numbers.simSent", { from }));
  });
  return (
    <form className="simulate form" onSubmit={submit} aria-label={t("numbers.simulateMessage")}>
      <h3>{t("numbers.simulateMessage")}</h3>
      <div className="row2">
        <Field id={`sim-from-${id}`} label={t("numbers.simFrom")} error={error?.code === "phone_invalid" ? error.message : null}>
          {(fid, desc) => <input id={fid} aria-describedby={desc} value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field id={`sim-name-${id}`} label={t("numbers.simName")}>
          {(fid) => <input id={fid} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <Field id={`sim-text-${id}`} label={t("numbers.simText")}>
        {(fid) => <input id={fid} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      {error && error.code !== "phone_invalid" && <p className="form-error" role="alert">{error.message}</p>}
      <div className="actions"><button type="submit" className="ghost small">{t("numbers.simSend")}</button></div>
    </form>
  );
}

function AddNumber({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const { t } = useI18n();
  const { account, toast, info } = useApp();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<InstanceKind>("sandbox");
  const write = useWrite();
  const { submit, error } = useSubmit(async () => {
    const created = await write("numbersCreate", account.id, { name, kind });
    await write("numbersAct", account.id, created.id, "start");
    toast(t("numbers.added", { name: created.name }));
    onAdded();
  });
  const nameError = error && ["name_empty", "name_too_long"].includes(error.code) ? error.message : null;
  return (
    <Modal title={t("numbers.add")} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="number-name" label={t("numbers.name")} error={nameError}>
          {(id, desc) => <input id={id} aria-describedby={desc} autoFocus maxLength={info.limits.number_name} placeholder={t("numbers.namePlaceholder")} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset className="kinds">
          <legend>{t("numbers.kind")}</legend>
          {(["sandbox", "whatsapp"] as const).map((k) => (
            <label key={k} className="check">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(`numbers.kind.${k}`)}
            </label>
          ))}
          <p className="field-hint">{t(`numbers.kindHint.${kind}`)}</p>
        </fieldset>
        {error && !nameError && <p className="form-error" role="alert">{error.message}</p>}
        <div className="actions">
          <button type="button" className="ghost" onClick={onClose}>{t("common.cancel")}</button>
          <button type="submit" className="primary">{t("common.create")}</button>
        </div>
      </form>
    </Modal>
  );
}
