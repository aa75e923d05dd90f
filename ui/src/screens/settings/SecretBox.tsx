import { useState } from "react";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { copyText } from "../../components/copyText";

interface Props {
  /** What is shown and copied (a token, a signing secret, a command). */
  text: string;
  /** Names the box and its copy button for screen readers and tests. */
  label: string;
  /** A block of text (a command) rather than one long word. */
  block?: boolean;
  testId?: string;
  onCopied?: () => void;
}

/** A value to copy exactly: shown whole in monospace, with a "Copiar" button. */
export function SecretBox({ text, label, block, testId, onCopied }: Props) {
  const { t } = useI18n();
  const { toast } = useApp();
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await copyText(text);
      setCopied(true);
      onCopied?.();
      toast(t("api.copied"));
    } catch {
      // The text stays on screen to be selected by hand.
      toast(t("api.copyFailed"), "error");
    }
  }

  return (
    <div className={block ? "secret-box block" : "secret-box"} role="group" aria-label={label}>
      {block
        ? <pre className="mono" data-testid={testId}>{text}</pre>
        : <code className="mono" data-testid={testId}>{text}</code>}
      <button type="button" className="ghost small" aria-label={t("api.copyNamed", { what: label })} onClick={() => void copy()}>
        {copied ? t("api.copiedShort") : t("api.copy")}
      </button>
    </div>
  );
}
