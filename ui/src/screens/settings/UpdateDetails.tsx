import { useEffect, useState } from "react";
import { listen } from "@tauri-apps/api/event";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { errorText } from "../../ipc/errorText";
import type { UpdateState } from "../../ipc/bindings";
import { commandKey, useCommand, useWrite } from "../../data/commands";

/**
 * Settings → Sobre → Atualizações (issue 19, item 4): the update's state as
 * Rust keeps it (src-tauri/src/updates.rs, crates/app/src/update.rs), fed by
 * the `update` event while a check or a download runs. Off in development
 * builds and in builds without the release config.
 */
export function UpdateDetails() {
  const { t } = useI18n();
  const { toast } = useApp();
  const client = useQueryClient();
  const write = useWrite();
  const state = useCommand("updateStatus", []).data ?? null;
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void listen<UpdateState>("update", (e) => {
      client.setQueryData(commandKey("updateStatus", []), e.payload);
    }).then((unlisten) => {
      if (cancelled) unlisten();
      else stop = unlisten;
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [client]);

  async function act(command: "updateCheck" | "updateInstall" | "appRestart") {
    setBusy(true);
    try {
      const next = await write(command);
      if (next) client.setQueryData(commandKey("updateStatus", []), next);
    } catch (e) {
      toast(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  if (!state) return null;
  let text: string;
  let button: { label: string; command: "updateCheck" | "updateInstall" | "appRestart" } | null = null;
  switch (state.state) {
    case "off":
      text = t(
        state.reason === "development_build"
          ? "update.offDevelopment"
          : state.reason === "not_installed"
            ? "update.offNotInstalled"
            : "update.offNotConfigured",
      );
      break;
    case "idle":
      text = t("update.idle");
      button = { label: t("update.check"), command: "updateCheck" };
      break;
    case "checking":
      text = t("update.checking");
      break;
    case "up_to_date":
      text = t("update.upToDate", { version: state.version });
      button = { label: t("update.check"), command: "updateCheck" };
      break;
    case "available":
      text = t("update.available", { version: state.version });
      button = { label: t("update.install"), command: "updateInstall" };
      break;
    case "downloading":
      text =
        state.percent === null
          ? t("update.downloadingBytes", { version: state.version, mb: (state.downloaded / 1048576).toFixed(1) })
          : t("update.downloadingPercent", { version: state.version, percent: state.percent });
      break;
    case "ready":
      text = t("update.ready", { version: state.version });
      button = { label: t("update.restart"), command: "appRestart" };
      break;
    case "failed":
      text = state.message;
      button = { label: t("update.checkAgain"), command: "updateCheck" };
      break;
  }

  return (
    <div className="update-details" data-testid="update-details">
      <h3>{t("update.title")}</h3>
      <p className={state.state === "failed" ? "form-error" : "muted"} role={state.state === "failed" ? "alert" : undefined}>
        {text}
      </p>
      {state.state === "available" && state.notes && <p className="muted" style={{ whiteSpace: "pre-wrap" }}>{state.notes}</p>}
      {state.state === "downloading" && state.percent !== null && <progress max={100} value={state.percent} />}
      {button && (
        <button type="button" disabled={busy} onClick={() => void act(button.command)}>
          {button.label}
        </button>
      )}
    </div>
  );
}
