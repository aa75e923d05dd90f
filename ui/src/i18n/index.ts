// Every user-facing string of the UI goes through `t`. Error texts come from
// Rust already translated (see ipc/call.ts); the rest lives here.
import { createContext, useContext } from "react";
import type { Lang } from "../ipc/bindings";
import { ptBR } from "./pt-BR";
import { en } from "./en";

export type MessageKey = keyof typeof ptBR;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const dictionaries: Record<Lang, Record<MessageKey, string>> = { "pt-BR": ptBR, en };

export const LANGUAGES: { lang: Lang; label: string }[] = [
  { lang: "pt-BR", label: "Português (Brasil)" },
  { lang: "en", label: "English" },
];

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, vars) => {
    const text = dict[key] ?? ptBR[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? String(vars[name]) : whole,
    );
  };
}

export interface I18n {
  lang: Lang;
  t: Translate;
}

export const I18nContext = createContext<I18n>({ lang: "pt-BR", t: translator("pt-BR") });

export function useI18n(): I18n {
  return useContext(I18nContext);
}
