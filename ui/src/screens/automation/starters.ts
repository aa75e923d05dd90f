// What a new flow can start from besides Rust's one-message starter
// (`flows::starter`, sent as `document: null`). Each is a complete document of
// schema 1 that `flow_check` passes without an error (every branch leads
// somewhere, no unknown field or tag, no loop without a wait), typed against
// the generated bindings so a change of the format fails `tsc` here. Texts are
// the account's to edit: they are in Portuguese whatever the UI's language,
// as the contacts who read them are Brazilian.
import type { Edge, FieldKind, FlowDocument, Node } from "../../ipc/call";
import type { MessageKey } from "../../i18n";

export interface Starter {
  id: "blank" | "menu" | "hours" | "lead" | "schedule" | "survey";
  /** The list's label and the line under it. */
  label: MessageKey;
  hint: MessageKey;
  /** null: Rust's own starter (one message). */
  document: FlowDocument | null;
  /** Custom fields its blocks fill (made when the account lacks them, before the flow). */
  fields?: { label: string; key: string; kind: FieldKind }[];
  /** Tags its blocks add (made when missing). */
  tags?: string[];
}

const at = (x: number, y = 0) => ({ x, y });
const edge = (id: string, from: string, handle: string, to: string): Edge => ({ id, from, handle, to });

const menuNodes: Node[] = [
  { id: "boas_vindas", position: at(0), type: "send", content: { kind: "text", text: "{Olá|Oi}! Aqui é o atendimento automático." }, typing_ms: 1200 },
  {
    id: "menu", position: at(300), type: "menu", question: "Como podemos ajudar?",
    options: [
      { id: "horarios", label: "Horários", synonyms: ["horário", "hora", "aberto"] },
      { id: "vendas", label: "Vendas", synonyms: ["comprar", "preço", "orçamento"] },
      { id: "suporte", label: "Suporte", synonyms: ["ajuda", "problema"] },
      { id: "pessoa", label: "Falar com uma pessoa", synonyms: ["humano", "pessoa"] },
    ],
    retry: "Não entendi. Responda com o número de uma das opções.", tries: 2,
  },
  { id: "horarios", position: at(620, -200), type: "send", content: { kind: "text", text: "Atendemos de segunda a sexta, das 8h às 18h, e aos sábados, das 8h às 12h." }, typing_ms: 1000 },
  { id: "fim", position: at(920, -200), type: "end" },
  { id: "vendas", position: at(620, -40), type: "handoff", assign: null, note: "Departamento: Vendas." },
  { id: "suporte", position: at(620, 100), type: "handoff", assign: null, note: "Departamento: Suporte." },
  { id: "pessoa", position: at(620, 240), type: "handoff", assign: null, note: "Pediu para falar com uma pessoa no menu." },
];

const send = (id: string, x: number, y: number, text: string): Node =>
  ({ id, position: at(x, y), type: "send", content: { kind: "text", text }, typing_ms: 1000 });

const leadNodes: Node[] = [
  send("boas_vindas", 0, 0, "{Olá|Oi}! Para te atender melhor, vou fazer três perguntas rápidas."),
  { id: "nome", position: at(300), type: "ask", question: "Qual é o seu nome completo?", answer: "text", field: "nome_completo", retry: "Pode me dizer seu nome?", tries: 2, timeout_minutes: null },
  { id: "email", position: at(600), type: "ask", question: "Obrigado, {{nome_completo}}! Qual é o seu e-mail?", answer: "email", field: "e_mail", retry: "Esse e-mail não parece certo. Pode conferir? (exemplo: nome@empresa.com.br)", tries: 2, timeout_minutes: null },
  {
    id: "interesse", position: at(900), type: "menu", question: "Qual é o seu interesse?",
    options: [
      { id: "comprar", label: "Comprar", synonyms: ["compra"] },
      { id: "orcamento", label: "Pedir um orçamento", synonyms: ["orçamento", "preço"] },
      { id: "conhecer", label: "Só conhecer", synonyms: ["conhecer", "informação"] },
    ],
    retry: "Responda com o número de uma das opções.", tries: 2,
  },
  { id: "compra", position: at(1200, -140), type: "set_field", field: "interesse", value: "Comprar" },
  { id: "orcamento", position: at(1200, 0), type: "set_field", field: "interesse", value: "Orçamento" },
  { id: "conhecer", position: at(1200, 140), type: "set_field", field: "interesse", value: "Conhecer" },
  { id: "etiqueta", position: at(1500), type: "tags", add: ["Lead"], remove: [] },
  send("obrigado", 1800, 0, "Obrigado, {{nome_completo}}! Uma pessoa da equipe vai falar com você em breve."),
  { id: "pessoa", position: at(2100), type: "handoff", assign: null, note: "Novo lead: {{nome_completo}}, {{e_mail}}, interesse: {{interesse}}." },
];

const scheduleNodes: Node[] = [
  { id: "data", position: at(0), type: "ask", question: "Para qual dia você quer agendar? Responda no formato dd/mm/aaaa.", answer: "date", field: "data_desejada", retry: "Não entendi a data. Escreva assim: 25/12/2026.", tries: 3, timeout_minutes: 1440 },
  {
    id: "confirma", position: at(320), type: "menu", question: "Confirmando: {{data_desejada}}. Está certo?",
    options: [
      { id: "sim", label: "Sim", synonyms: ["s", "isso", "confirmo", "certo"] },
      { id: "nao", label: "Não, quero outra data", synonyms: ["n", "nao", "outra"] },
    ],
    retry: "Responda 1 para confirmar ou 2 para escolher outra data.", tries: 2,
  },
  send("aguarde", 640, -80, "Perfeito! Uma pessoa da equipe vai confirmar o horário com você."),
  { id: "pessoa", position: at(940, -80), type: "handoff", assign: null, note: "Agendamento pedido para {{data_desejada}}." },
  { id: "ajuda", position: at(320, 200), type: "handoff", assign: null, note: "Não conseguiu informar a data do agendamento." },
  send("sem_resposta", 320, 340, "Tudo bem! Quando quiser agendar, é só mandar uma mensagem."),
  { id: "fim", position: at(640, 340), type: "end" },
];

const surveyNodes: Node[] = [
  { id: "nota", position: at(0), type: "ask", question: "De 0 a 10, quanto você recomendaria a gente para um amigo?", answer: "number", field: "nota_de_satisfacao", retry: "Responda só com um número de 0 a 10.", tries: 2, timeout_minutes: 2880 },
  {
    id: "promotor", position: at(320), type: "condition", combine: "all",
    rules: [{ subject: { kind: "field", key: "nota_de_satisfacao" }, operator: "greater", value: "8" }],
  },
  send("obrigado", 640, -80, "Que bom! Obrigado pela nota."),
  { id: "melhorar", position: at(640, 80), type: "ask", question: "Obrigado pela sinceridade. O que podemos melhorar?", answer: "text", field: "comentario", retry: "Pode escrever em poucas palavras?", tries: 1, timeout_minutes: 1440 },
  send("anotado", 960, 80, "Anotado! Vamos usar sua resposta para melhorar."),
  { id: "fim", position: at(1260), type: "end" },
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
        edge("e3", "menu", "option:vendas", "vendas"),
        edge("e4", "menu", "option:suporte", "suporte"),
        edge("e5", "menu", "option:pessoa", "pessoa"),
        edge("e6", "menu", "other", "pessoa"),
        edge("e7", "horarios", "next", "fim"),
      ],
    },
  },
  {
    id: "lead", label: "flows.starter.lead", hint: "flows.starter.leadHint",
    fields: [
      { label: "Nome completo", key: "nome_completo", kind: "text" },
      { label: "E-mail", key: "e_mail", kind: "text" },
      { label: "Interesse", key: "interesse", kind: "text" },
    ],
    tags: ["Lead"],
    document: {
      schema: 1, start: "boas_vindas", nodes: leadNodes,
      edges: [
        edge("e1", "boas_vindas", "next", "nome"),
        edge("e2", "nome", "next", "email"),
        edge("e3", "nome", "failed", "pessoa"),
        edge("e4", "email", "next", "interesse"),
        edge("e5", "email", "failed", "interesse"),
        edge("e6", "interesse", "option:comprar", "compra"),
        edge("e7", "interesse", "option:orcamento", "orcamento"),
        edge("e8", "interesse", "option:conhecer", "conhecer"),
        edge("e9", "interesse", "other", "pessoa"),
        edge("e10", "compra", "next", "etiqueta"),
        edge("e11", "orcamento", "next", "etiqueta"),
        edge("e12", "conhecer", "next", "etiqueta"),
        edge("e13", "etiqueta", "next", "obrigado"),
        edge("e14", "obrigado", "next", "pessoa"),
      ],
    },
  },
  {
    id: "schedule", label: "flows.starter.schedule", hint: "flows.starter.scheduleHint",
    fields: [{ label: "Data desejada", key: "data_desejada", kind: "date" }],
    document: {
      schema: 1, start: "data", nodes: scheduleNodes,
      edges: [
        edge("e1", "data", "next", "confirma"),
        edge("e2", "data", "failed", "ajuda"),
        edge("e3", "data", "timeout", "sem_resposta"),
        edge("e4", "confirma", "option:sim", "aguarde"),
        edge("e5", "confirma", "option:nao", "data"),
        edge("e6", "confirma", "other", "ajuda"),
        edge("e7", "aguarde", "next", "pessoa"),
        edge("e8", "sem_resposta", "next", "fim"),
      ],
    },
  },
  {
    id: "survey", label: "flows.starter.survey", hint: "flows.starter.surveyHint",
    fields: [
      { label: "Nota de satisfação", key: "nota_de_satisfacao", kind: "number" },
      { label: "Comentário", key: "comentario", kind: "text" },
    ],
    document: {
      schema: 1, start: "nota", nodes: surveyNodes,
      edges: [
        edge("e1", "nota", "next", "promotor"),
        edge("e2", "nota", "failed", "fim"),
        edge("e3", "nota", "timeout", "fim"),
        edge("e4", "promotor", "true", "obrigado"),
        edge("e5", "promotor", "false", "melhorar"),
        edge("e6", "obrigado", "next", "fim"),
        edge("e7", "melhorar", "next", "anotado"),
        edge("e8", "melhorar", "failed", "fim"),
        edge("e9", "melhorar", "timeout", "fim"),
        edge("e10", "anotado", "next", "fim"),
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
