/**
 * Strings of the coordinator pages (owner: ccoord). Keys start with 'coordinator.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'coordinator.dashboard.title': 'Coordinator dashboard',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'coordinator.dashboard.title': '协调方总览',
};
