/**
 * Strings of the bank pages (owner: cbank). Keys start with 'bank.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'bank.dashboard.title': 'Bank dashboard',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'bank.dashboard.title': '银行总览',
};
