/**
 * Strings of the enterprise pages (owner: caudit). Keys start with 'enterprise.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'enterprise.dashboard.title': 'Enterprise portal',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'enterprise.dashboard.title': '企业门户',
};
