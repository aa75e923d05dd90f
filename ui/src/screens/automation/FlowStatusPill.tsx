import { useI18n } from "../../i18n";
import type { FlowSummary } from "../../ipc/call";
import { flowStatus } from "./summary";

/** The pill of a flow's status: Desligado, Rascunho, Publicado vN (with unpublished changes). */
export function FlowStatusPill({ flow }: { flow: Pick<FlowSummary, "enabled" | "published" | "draft_changed"> }) {
  const { t } = useI18n();
  const status = flowStatus(flow);
  return (
    <span className={`pill flow-${status.kind}`} data-testid="flow-status">
      {status.kind === "off" && t("flows.status.off")}
      {status.kind === "draft" && t("flows.status.draft")}
      {status.kind === "published" && (status.changed ? t("flows.status.publishedChanged", { n: status.version }) : t("flows.status.published", { n: status.version }))}
    </span>
  );
}
