import { useState } from "react";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { useWrite } from "../data/commands";
import { AccountForm } from "./AccountForm";
import { Modal } from "./Modal";

/** Always visible at the top: which client's data the screens show, and a way to add one. */
export function AccountSwitcher() {
  const { t } = useI18n();
  const { info, account, accounts, selectAccount, toast } = useApp();
  const write = useWrite();
  const [creating, setCreating] = useState(false);

  return (
    <div className="switcher">
      <label htmlFor="account-switcher" className="switcher-label">{t("switcher.label")}</label>
      <select id="account-switcher" value={account.id} onChange={(e) => selectAccount(e.target.value)}>
        {accounts.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        {account.archived_at !== null && <option value={account.id}>{account.name} ({t("account.archived")})</option>}
      </select>
      <button type="button" className="ghost" onClick={() => setCreating(true)}>+ {t("switcher.new")}</button>
      {creating && (
        <Modal title={t("account.new")} onClose={() => setCreating(false)}>
          <AccountForm
            submitLabel={t("common.create")}
            nameMax={info.limits.account_name}
            onCancel={() => setCreating(false)}
            onSubmit={async (input) => {
              const created = await write("accountsCreate", input);
              selectAccount(created.id);
              setCreating(false);
              toast(t("account.created", { name: created.name }));
            }}
          />
        </Modal>
      )}
    </div>
  );
}
