import { useApp } from "../../context";
import { useI18n, type MessageKey } from "../../i18n";
import { useCommand } from "../../data/commands";

type Series = "queued" | "sent" | "replied";
const SERIES: [Series, MessageKey][] = [
  ["queued", "campaigns.timeline.queued"],
  ["sent", "campaigns.timeline.sent"],
  ["replied", "campaigns.timeline.replied"],
];
/** More hours than this would make bars too thin to read; the table keeps them all. */
const CHART_HOURS = 48;
const BAR = 6;
const GAP = 1;
const GROUP = SERIES.length * (BAR + GAP) + 6;
const HEIGHT = 120;
const LEFT = 32;
const BOTTOM = 30;

interface Props {
  campaignId: string;
}

/**
 * A campaign per hour as an inline SVG bar chart (three bars an hour), with
 * the same figures in a table under a `<details>` for screen readers and
 * for anyone who prefers numbers. Hours and counts in the person's locale.
 */
export function TimelineChart({ campaignId }: Props) {
  const { t, lang } = useI18n();
  const { account } = useApp();
  // Kept current by `changed` on recipients and messages; a failed read shows an empty chart.
  const timeline = useCommand("campaignsTimeline", [account.id, campaignId], { inline: true });
  const buckets = timeline.data ?? (timeline.error ? [] : null);

  if (buckets === null) return null;
  const hourLabel = (ms: number) => new Date(ms).toLocaleString(lang, { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  const shown = buckets.slice(-CHART_HOURS);
  const max = Math.max(1, ...shown.flatMap((b) => [b.queued, b.sent, b.replied]));
  const width = LEFT + shown.length * GROUP + 4;
  // Label every hour when few, else about eight labels along the axis.
  const every = Math.max(1, Math.ceil(shown.length / 8));

  return (
    <section className="panel campaign-timeline" aria-label={t("campaigns.timeline")}>
      <h2>{t("campaigns.timeline")}</h2>
      {buckets.length === 0 ? (
        <p className="muted small" data-testid="timeline-empty">{t("campaigns.timeline.empty")}</p>
      ) : (
        <>
          <div className="timeline-legend" aria-hidden="true">
            {SERIES.map(([key, label]) => <span key={key} className={`legend-${key}`}>{t(label)}</span>)}
          </div>
          <div className="timeline-scroll">
            <svg role="img" aria-label={t("campaigns.timeline.chart")} width={width} height={HEIGHT + BOTTOM} viewBox={`0 0 ${width} ${HEIGHT + BOTTOM}`}>
              <line x1={LEFT} y1={HEIGHT} x2={width} y2={HEIGHT} className="axis" />
              <text x={LEFT - 4} y={10} textAnchor="end" className="axis-label">{max.toLocaleString(lang)}</text>
              <text x={LEFT - 4} y={HEIGHT} textAnchor="end" className="axis-label">{(0).toLocaleString(lang)}</text>
              {shown.map((b, i) => {
                const x0 = LEFT + 4 + i * GROUP;
                return (
                  <g key={b.hour}>
                    {SERIES.map(([key, label], s) => {
                      const h = Math.round((b[key] / max) * (HEIGHT - 12));
                      return (
                        <rect key={key} data-testid="timeline-bar" data-series={key} data-value={b[key]}
                          className={`bar-${key}`} x={x0 + s * (BAR + GAP)} y={HEIGHT - h} width={BAR} height={h}>
                          <title>{`${hourLabel(b.hour)} · ${t(label)}: ${b[key].toLocaleString(lang)}`}</title>
                        </rect>
                      );
                    })}
                    {i % every === 0 && (
                      <text x={x0} y={HEIGHT + 14} className="axis-label" data-testid="timeline-hour">{hourLabel(b.hour)}</text>
                    )}
                  </g>
                );
              })}
            </svg>
          </div>
          {buckets.length > CHART_HOURS && <p className="muted small">{t("campaigns.timeline.recent", { count: CHART_HOURS })}</p>}
          <details>
            <summary>{t("campaigns.timeline.table")}</summary>
            <table className="timeline-table">
              <caption className="muted small">{t("campaigns.timeline.chart")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("campaigns.timeline.hour")}</th>
                  {SERIES.map(([key, label]) => <th key={key} scope="col">{t(label)}</th>)}
                </tr>
              </thead>
              <tbody>
                {buckets.map((b) => (
                  <tr key={b.hour}>
                    <th scope="row">{hourLabel(b.hour)}</th>
                    {SERIES.map(([key]) => <td key={key}>{b[key].toLocaleString(lang)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
