import { useCallback, useEffect, useState, type ReactNode } from "react";
import { useI18n } from "../i18n";
import { run } from "../data/commands";
import type { BrowserCheck } from "../ipc/bindings";

/**
 * The first-run check for the browser numbers run on: without a Chrome,
 * Chromium or Edge on this computer, a screen says so, what to install on
 * this system, and looks again on "Tentar de novo" (a browser found then is
 * used at once, and the numbers that were waiting for it start). The rest of
 * the app stays reachable ("Continuar sem navegador"): contacts and
 * campaigns do not need a browser, and starting a number says why it cannot.
 */
export function BrowserGate({ children }: { children: ReactNode }) {
  const [check, setCheck] = useState<BrowserCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [tried, setTried] = useState(false);
  const [skipped, setSkipped] = useState(false);

  const look = useCallback(async () => {
    setChecking(true);
    try {
      setCheck(await run("browserCheck", []));
    } catch {
      // A check that cannot run must not hide the app: starting a number
      // still says what is missing.
      setCheck(null);
    } finally {
      setChecking(false);
    }
  }, []);
  useEffect(() => { void look(); }, [look]);

  if (!check || check.found || skipped) return <>{children}</>;
  return (
    <BrowserMissing check={check} checking={checking} tried={tried}
      retry={() => { setTried(true); void look(); }} skip={() => setSkipped(true)} />
  );
}

function BrowserMissing({ check, checking, tried, retry, skip }: {
  check: BrowserCheck; checking: boolean; tried: boolean; retry: () => void; skip: () => void;
}) {
  const { t } = useI18n();
  const missing = check.missing;
  return (
    <div className="center-screen">
      <section className="welcome browser-missing" role="alert" aria-labelledby="browser-missing-title" data-testid="browser-missing">
        <h1 id="browser-missing-title">{t("browser.title")}</h1>
        <p>{t("browser.body")}</p>
        {missing?.reason === "chromium_path_missing"
          ? <p data-testid="browser-env">{t("browser.envMissing", { path: missing.path })}</p>
          : <p data-testid="browser-install">{t(`browser.install.${check.platform}`)}</p>}
        {missing?.reason === "none_installed" && missing.searched.length > 0 && (
          <details>
            <summary>{t("browser.searched")}</summary>
            <ul className="muted">{missing.searched.map((p) => <li key={p}><code>{p}</code></li>)}</ul>
          </details>
        )}
        {tried && !checking && <p className="muted" role="status">{t("browser.stillMissing")}</p>}
        <div className="actions">
          <button type="button" className="primary" onClick={retry} disabled={checking}>
            {checking ? t("browser.checking") : t("browser.retry")}
          </button>
          <button type="button" onClick={skip}>{t("browser.continue")}</button>
        </div>
        <p className="muted">{t("browser.continueHint")}</p>
      </section>
    </div>
  );
}
