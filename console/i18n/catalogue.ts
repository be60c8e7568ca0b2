/**
 * The console's message catalogue in English and Simplified Chinese, merged from one file per
 * page owner (messages/*.ts) so that six people can add strings without editing one file.
 * Keys are prefixed by their file's name and never collide; tests/console/i18n.test.ts checks
 * that no key is defined twice and that every key has both languages.
 */
import * as common from './messages/common.js';
import * as coordinator from './messages/coordinator.js';
import * as models from './messages/models.js';
import * as node from './messages/node.js';
import * as bank from './messages/bank.js';
import * as auditor from './messages/auditor.js';
import * as enterprise from './messages/enterprise.js';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: string | undefined): value is Lang {
  return value === 'zh-CN' || value === 'en';
}

/** The message files, by name: a key of file F starts with `F.` (common may also use `login.`, `lang.`, `error.`, `errors.`). */
export const MESSAGE_FILES = { common, coordinator, models, node, bank, auditor, enterprise } as const;

export const en = {
  ...common.en, ...coordinator.en, ...models.en, ...node.en, ...bank.en, ...auditor.en, ...enterprise.en,
} as const;

export type MessageKey = keyof typeof en;
export type Message = string | { readonly one: string; readonly other: string };

export const zhCN: Record<MessageKey, string> = {
  ...common.zhCN, ...coordinator.zhCN, ...models.zhCN, ...node.zhCN, ...bank.zhCN, ...auditor.zhCN, ...enterprise.zhCN,
};

export const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, Message>>>> = { en, 'zh-CN': zhCN };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
