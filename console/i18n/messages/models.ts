/**
 * Strings of the models pages (owner: creport). Keys start with 'models.'; `zhCN` must have every key
 * of `en` (the typecheck says which is missing). See common.ts for the value forms. The report's
 * own strings (charts, tables) are evaluation/report-html/messages.ts, shared with `model show --html`.
 */
export const en = {
  'models.title': 'Models',
  'models.nav': 'Models',
  'models.report.title': 'Model report',
  'models.none': 'No model yet: start a training job.',
  'models.count': { one: '{count} model', other: '{count} models' },
  'models.col.version': 'Version',
  'models.col.kind': 'Kind',
  'models.col.purpose': 'Purpose',
  'models.col.created': 'Trained',
  'models.col.alignment': 'Alignment',
  'models.col.sites': 'Sites',
  'models.col.auc': 'Validation AUC',
  'models.col.report': 'Report',
  'models.open': 'Open the report',
  'models.download': 'Download the report as one HTML file',
  'models.downloadNote': 'The file opens offline and holds what this page shows: send it only to those allowed to read this model\'s report.',
  'models.noReport': 'This model has no evaluation report (only the label holder\'s job writes one).',
  'models.unreadable': 'The stored evaluation report of this model cannot be read: {message}',
  'models.back': 'All models',
} as const;

export const zhCN: Record<keyof typeof en, string> = {
  'models.title': '模型',
  'models.nav': '模型',
  'models.report.title': '模型报告',
  'models.none': '尚无模型：请先发起一次训练任务。',
  'models.count': '{count} 个模型',
  'models.col.version': '版本',
  'models.col.kind': '类型',
  'models.col.purpose': '用途',
  'models.col.created': '训练时间',
  'models.col.alignment': '对齐',
  'models.col.sites': '参与方',
  'models.col.auc': '验证集 AUC',
  'models.col.report': '报告',
  'models.open': '打开报告',
  'models.download': '下载报告（单个 HTML 文件）',
  'models.downloadNote': '该文件可离线打开，内容与本页相同：只发送给有权阅读该模型报告的人。',
  'models.noReport': '该模型没有评估报告（只有标签持有方的训练任务会生成报告）。',
  'models.unreadable': '该模型存储的评估报告无法读取：{message}',
  'models.back': '全部模型',
};
