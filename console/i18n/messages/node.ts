/**
 * Strings of the node pages (owner: cnode). Keys start with 'node.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms.
 */
export const en = {
  'node.dashboard.title': 'Data node dashboard',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'node.dashboard.title': '数据节点总览',
};
