import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { AppContext, type AppContextValue } from "./context";
import { I18nContext, translator, useI18n, type MessageKey, type I18n } from "./i18n";
import { AppError, call, commands, type AppInfo, type Lang } from "./ipc/call";
import { errorText, toAppError } from "./ipc/errorText";
import { DataProvider } from "./data/DataProvider";
import { useCommand, useWrite } from "./data/commands";
import { AccountForm } from "./components/AccountForm";
import { AccountSwitcher } from "./components/AccountSwitcher";
import { SyncIndicator } from "./components/SyncIndicator";
import { UndoToast, useUndoOffers } from "./components/UndoToast";
import { UnsavedProvider, useLeave } from "./components/unsaved";
import { useUnread } from "./components/unread";
import { Campaigns } from "./screens/Campaigns";
import { Contacts } from "./screens/Contacts";
import { Dashboard } from "./screens/Dashboard";
import type { StepTarget } from "./screens/dashboard/FirstSteps";
import { Inbox } from "./screens/Inbox";
import { Numbers } from "./screens/Numbers";
import { Pipeline } from "./screens/Pipeline";
import { Settings } from "./screens/Settings";
import { BrowserGate } from "./screens/BrowserMissing";
import { useOpenFromNotification } from "./components/openFromNotification";

// Automação is the largest screen and the least visited: its code loads when it is opened.
const Automation = lazy(() => import("./screens/Automation").then((m) => ({ default: m.Automation })));

type Screen = "dashboard" | "inbox" | "contacts" | "pipeline" | "campaigns" | "flows" | "numbers" | "settings";
const SCREENS: Screen[] = ["dashboard", "inbox", "contacts", "pipeline", "campaigns", "flows", "numbers", "settings"];
const ICONS: Record<Screen, string> = {
  dashboard: "◧", inbox: "✉", contacts: "☺", pipeline: "▥", campaigns: "➚", flows: "⇄", numbers: "☎", settings: "⚙",
};
const CURRENT_KEY = "zapdesk.currentAccount";
const SCREEN_KEY = "zapdesk.screen";

interface Toast { id: number; text: string; kind: "ok" | "error" }

type Boot = { state: "loading" } | { state: "failed"; error: AppError } | { state: "ready"; info: AppInfo };

export function App() {
  const [lang, setLang] = useState<Lang>("pt-BR");
  const [toasts, setToasts] = useState<Toast[]>([]);
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  const undo = useUndoOffers();

  const toast = useCallback((text: string, kind: "ok" | "error" = "ok") => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list, { id, text, kind }]);
    setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), kind === "error" ? 8000 : 4000);
  }, []);
  const fail = useCallback((text: string) => toast(text, "error"), [toast]);

  return (
    <I18nContext.Provider value={i18n}>
      <DataProvider onError={fail}>
        <UnsavedProvider>
          <Body i18n={i18n} setLang={setLang} toast={toast} offerUndo={undo.offerUndo} />
        </UnsavedProvider>
      </DataProvider>
      <div className="toasts" aria-live="polite">
        {toasts.map((x) => <div key={x.id} className={`toast ${x.kind}`}>{x.text}</div>)}
      </div>
      <UndoToast offer={undo.offer} onUndo={undo.undo} />
    </I18nContext.Provider>
  );
}

interface BodyProps {
  i18n: I18n;
  setLang: (lang: Lang) => void;
  toast: AppContextValue["toast"];
  offerUndo: AppContextValue["offerUndo"];
}

/** Starts the store, then shows the welcome (no account yet) or the shell of the current account. */
function Body({ i18n, setLang, toast, offerUndo }: BodyProps) {
  const { t } = i18n;
  const client = useQueryClient();
  const write = useWrite();
  // Moving away from a screen with unsaved work asks first.
  const leave = useLeave();
  const [boot, setBoot] = useState<Boot>({ state: "loading" });
  const [currentId, setCurrentId] = useState<string | null>(() => localStorage.getItem(CURRENT_KEY));
  // Where the operator left off; the first run opens on the Painel, whose checklist says what to do first.
  const [screen, setScreen] = useState<Screen>(() => {
    const kept = localStorage.getItem(SCREEN_KEY) as Screen | null;
    return kept && SCREENS.includes(kept) ? kept : "dashboard";
  });
  useEffect(() => localStorage.setItem(SCREEN_KEY, screen), [screen]);
  // The accounts are asked once the store is open.
  const accounts = useCommand("accountsList", [false], { enabled: boot.state === "ready" }).data ?? null;

  useEffect(() => {
    (async () => {
      try {
        const info = await call(commands.appStart());
        setLang(info.language);
        document.documentElement.lang = info.language;
        setBoot({ state: "ready", info });
      } catch (e) {
        setBoot({ state: "failed", error: toAppError(e) });
      }
    })();
  }, [setLang]);

  const selectAccount = useCallback((id: string) => leave(() => {
    localStorage.setItem(CURRENT_KEY, id);
    setCurrentId(id);
  }), [leave]);
  const go = useCallback((next: Screen) => leave(() => setScreen(next)), [leave]);
  // A conversation started elsewhere (Contatos): Conversas opens it once.
  const [opening, setOpening] = useState<string | null>(null);
  const openConversation = useCallback((id: string) => leave(() => {
    setOpening(id);
    setScreen("inbox");
  }), [leave]);
  const openingTaken = useCallback(() => setOpening(null), []);
  // A desktop notification clicked: its account and conversation.
  useOpenFromNotification(boot.state === "ready" && accounts !== null, selectAccount, openConversation);
  // A first-run step: its screen, and on Configurações its panel (scrolled to by `#panel`).
  const goStep = useCallback((target: StepTarget) => leave(() => {
    setScreen(target.screen);
    if (target.panel) window.location.hash = target.panel;
  }), [leave]);

  const setLanguage = useCallback(async (next: Lang) => {
    try {
      await write("settingsSetLanguage", next);
      setLang(next);
      document.documentElement.lang = next;
      // Texts Rust wrote (refusals, reasons of parked changes) follow the language.
      void client.invalidateQueries();
    } catch (e) {
      toast(errorText(e), "error");
    }
  }, [toast, write, client, setLang]);

  const account = accounts?.find((a) => a.id === currentId) ?? accounts?.[0] ?? null;

  let body;
  if (boot.state === "loading" || (boot.state === "ready" && accounts === null)) {
    body = <div className="center-screen muted">{t("app.loading")}</div>;
  } else if (boot.state === "failed") {
    body = (
      <div className="center-screen">
        <div className="fatal" role="alert">
          <h1>{t("app.startFailed")}</h1>
          <p>{boot.error.message}</p>
        </div>
      </div>
    );
  } else if (!account) {
    body = (
      <div className="center-screen">
        <div className="welcome">
          <img src="/icon.png" alt="" width={72} height={72} />
          <h1>{t("welcome.title")}</h1>
          <p className="muted">{t("welcome.body")}</p>
          <AccountForm
            submitLabel={t("common.create")}
            nameMax={boot.info.limits.account_name}
            onSubmit={async (input) => {
              const created = await write("accountsCreate", input);
              selectAccount(created.id);
              toast(t("account.created", { name: created.name }));
            }}
          />
        </div>
      </div>
    );
  } else {
    const ctx: AppContextValue = {
      info: boot.info, account, accounts: accounts ?? [], selectAccount, setLanguage, toast, offerUndo,
      openConversation, opening, openingTaken,
    };
    body = (
      <AppContext.Provider value={ctx}>
        <div className="shell">
          <Sidebar account={account.id} screen={screen} go={go} />
          <div className="main">
            <div className="topbar">
              <SyncIndicator onOpen={() => leave(() => {
                setScreen("settings");
                // The panel scrolls itself into view on `#sync` (on mount or on change).
                if (window.location.hash === "#sync") document.getElementById("sync")?.scrollIntoView({ block: "start" });
                else window.location.hash = "sync";
              })} />
              <AccountSwitcher />
            </div>
            <main key={account.id}>
              {screen === "dashboard" && <Dashboard go={goStep} />}
              {screen === "contacts" && <Contacts />}
              {screen === "pipeline" && <Pipeline />}
              {screen === "settings" && <Settings />}
              {screen === "inbox" && <Inbox />}
              {screen === "numbers" && <Numbers />}
              {screen === "campaigns" && <Campaigns />}
              {screen === "flows" && (
                <Suspense fallback={<div className="center muted">{t("app.loading")}</div>}><Automation /></Suspense>
              )}
            </main>
          </div>
        </div>
      </AppContext.Provider>
    );
  }

  // Without a browser for the numbers, the first-run screen says so first.
  return boot.state === "ready" ? <BrowserGate>{body}</BrowserGate> : body;
}

/** The menu, with the unread badge on Conversas (and the count in the window title) on every screen. */
function Sidebar({ account, screen, go }: { account: string; screen: Screen; go: (next: Screen) => void }) {
  const { t } = useI18n();
  const unread = useUnread(account);
  return (
    <nav className="sidebar" aria-label="ZapDesk">
      <div className="brand"><img src="/icon.png" alt="" width={28} height={28} /> ZapDesk</div>
      {SCREENS.map((s) => (
        <button key={s} type="button" className={s === screen ? "nav active" : "nav"}
          aria-current={s === screen ? "page" : undefined} onClick={() => s !== screen && go(s)}>
          <span className="nav-icon" aria-hidden="true">{ICONS[s]}</span>
          {t(`nav.${s}` as MessageKey)}
          {s === "inbox" && unread > 0 && (
            <span className="nav-badge" data-testid="nav-unread" title={unread === 1 ? t("nav.unreadOne") : t("nav.unread", { count: unread })}>{unread}</span>
          )}
        </button>
      ))}
    </nav>
  );
}
