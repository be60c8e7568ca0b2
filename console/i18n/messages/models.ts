/**
 * Strings of the models pages (owner: creport). Keys start with 'models.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'models.title': 'Models',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'models.title': '模型',
};
