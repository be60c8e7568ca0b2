/**
 * Strings of the auditor pages (owner: caudit). Keys start with 'auditor.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'auditor.dashboard.title': 'Auditor dashboard',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'auditor.dashboard.title': '审计总览',
};
