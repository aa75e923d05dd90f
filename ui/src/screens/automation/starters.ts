// What a new flow can start from besides Rust's one-message starter
// (`flows::starter`, sent as `document: null`). Each is a complete document of
// schema 1 that `flow_check` passes without an error (every branch leads
// somewhere, no unknown field or tag, no loop without a wait), typed against
// the generated bindings so a change of the format fails `tsc` here. Texts are
// the account's to edit: they are in Portuguese whatever the UI's language,
// as the contacts who read them are Brazilian.
import type { Edge, FlowDocument, Node } from "../../ipc/call";
import type { MessageKey } from "../../i18n";

export interface Starter {
  id: "blank" | "menu" | "hours";
  /** The list's label and the line under it. */
  label: MessageKey;
  hint: MessageKey;
  /** null: Rust's own starter (one message). */
  document: FlowDocument | null;
}

const at = (x: number, y = 0) => ({ x, y });
const edge = (id: string, from: string, handle: string, to: string): Edge => ({ id, from, handle, to });

const menuNodes: Node[] = [
  { id: "boas_vindas", position: at(0), type: "send", content: { kind: "text", text: "{Olá|Oi}! Aqui é o atendimento automático." }, typing_ms: 1200 },
  {
    id: "menu", position: at(260), type: "menu", question: "Como podemos ajudar?",
    options: [
      { id: "horarios", label: "Horários", synonyms: ["horário", "hora", "aberto"] },
      { id: "pessoa", label: "Falar com uma pessoa", synonyms: ["humano", "pessoa"] },
    ],
    retry: "Não entendi. Responda com o número de uma das opções.", tries: 2,
  },
  { id: "horarios", position: at(520, -80), type: "send", content: { kind: "text", text: "Atendemos de segunda a sexta, das 8h às 18h, e aos sábados, das 8h às 12h." }, typing_ms: 1000 },
  { id: "fim", position: at(780, -80), type: "end" },
  { id: "pessoa", position: at(520, 80), type: "handoff", assign: null, note: "Pediu para falar com uma pessoa no menu." },
];

const hoursNodes: Node[] = [
  {
    id: "aberto", position: at(0), type: "condition", combine: "all",
    rules: [
      { subject: { kind: "weekday" }, operator: "less", value: "6" },
      { subject: { kind: "time_of_day" }, operator: "greater", value: "07:59" },
      { subject: { kind: "time_of_day" }, operator: "less", value: "18:00" },
    ],
  },
  { id: "dentro", position: at(260, -80), type: "send", content: { kind: "text", text: "Recebemos sua mensagem! Uma pessoa da equipe já vai responder." }, typing_ms: 1000 },
  { id: "pessoa", position: at(520, -80), type: "handoff", assign: null, note: "Mensagem recebida no horário de atendimento." },
  { id: "fora", position: at(260, 80), type: "send", content: { kind: "text", text: "Estamos fora do horário de atendimento (segunda a sexta, das 8h às 18h). Responderemos assim que abrirmos." }, typing_ms: 1000 },
  { id: "fim", position: at(520, 80), type: "end" },
];

export const STARTERS: Starter[] = [
  { id: "blank", label: "flows.starter.blank", hint: "flows.starter.blankHint", document: null },
  {
    id: "menu", label: "flows.starter.menu", hint: "flows.starter.menuHint",
    document: {
      schema: 1, start: "boas_vindas", nodes: menuNodes,
      edges: [
        edge("e1", "boas_vindas", "next", "menu"),
        edge("e2", "menu", "option:horarios", "horarios"),
        edge("e3", "menu", "option:pessoa", "pessoa"),
        edge("e4", "menu", "other", "pessoa"),
        edge("e5", "horarios", "next", "fim"),
      ],
    },
  },
  {
    id: "hours", label: "flows.starter.hours", hint: "flows.starter.hoursHint",
    document: {
      schema: 1, start: "aberto", nodes: hoursNodes,
      edges: [
        edge("e1", "aberto", "true", "dentro"),
        edge("e2", "dentro", "next", "pessoa"),
        edge("e3", "aberto", "false", "fora"),
        edge("e4", "fora", "next", "fim"),
      ],
    },
  },
];
