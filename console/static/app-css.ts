/**
 * The console's one stylesheet. No web font is fetched: the font stack names the fonts the
 * operating systems already have for Chinese (PingFang on macOS, Microsoft YaHei on Windows,
 * Noto Sans CJK on Linux). Pages use semantic elements and a few classes: .card, .grid,
 * .status-ok/.status-warn/.status-bad, .muted, .mono, table.data, .notice, .error-box.
 */
export const APP_CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f5f7fa; --card: #fff; --accent: #1f5fbf;
  --ok: #1e7b34; --warn: #a86400; --bad: #b3261e; --red: #c62828; --yellow: #b58900; --blue: #1565c0; }
* { box-sizing: border-box; }
html { font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", Roboto, sans-serif;
  font-size: 15px; color: var(--fg); background: var(--bg); line-height: 1.5; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
header.top { background: #17223b; color: #fff; padding: 0 20px; display: flex; align-items: center; gap: 16px; flex-wrap: wrap; min-height: 52px; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: 600; font-size: 16px; white-space: nowrap; }
header.top .party { color: #b8c4dc; font-size: 13px; max-width: 11em; line-height: 1.3; }
nav.main { display: flex; gap: 4px; flex-wrap: wrap; flex: 1; }
nav.main a { padding: 14px 8px; border-bottom: 3px solid transparent; font-size: 14px; white-space: nowrap; }
nav.main a[aria-current=page] { border-bottom-color: #7fb0ff; }
nav.main a:hover { background: rgba(255,255,255,.08); }
.user { display: flex; align-items: center; gap: 10px; font-size: 13px; color: #d5dcea; }
.user > span { max-width: 11em; line-height: 1.3; }
.user form { margin: 0; display: inline-flex; gap: 4px; align-items: center; }
.user select, .user button { font-size: 12px; padding: 2px 6px; }
header.top .user button { background: transparent; color: #fff; border: 1px solid #8090b0; border-radius: 4px; cursor: pointer; }
main { flex: 1; padding: 24px 20px 40px; max-width: 1240px; width: 100%; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 16px; font-weight: 600; }
h2 { font-size: 17px; margin: 24px 0 10px; font-weight: 600; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 16px; }
.figure { font-size: 26px; font-weight: 600; }
.figure-label { color: var(--muted); font-size: 13px; }
.muted { color: var(--muted); }
.mono, code { font-family: "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: 13px; }
pre { background: #f0f2f6; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table.data { border-collapse: collapse; width: 100%; background: var(--card); font-size: 14px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 7px 10px; text-align: left; vertical-align: top; }
table.data th { background: #eef1f6; font-weight: 600; white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-ok { color: var(--ok); font-weight: 600; }
.status-warn { color: var(--warn); font-weight: 600; }
.status-bad { color: var(--bad); font-weight: 600; }
.level-red { color: var(--red); font-weight: 600; } .level-yellow { color: var(--yellow); font-weight: 600; } .level-blue { color: var(--blue); font-weight: 600; }
.notice { background: #eaf2ff; border: 1px solid #b8d0f5; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.error-box { background: #fdecea; border: 1px solid #f1b5ae; padding: 14px 18px; border-radius: 8px; }
.error-box dt { font-weight: 600; margin-top: 6px; }
.error-box dd { margin: 2px 0 6px 0; }
form.stack { display: flex; flex-direction: column; gap: 12px; max-width: 420px; }
form.stack label { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
form.inline { display: flex; gap: 10px; align-items: flex-end; flex-wrap: wrap; }
input[type=text], input[type=password], input[type=number], input[type=date], select, textarea {
  font: inherit; padding: 7px 9px; border: 1px solid #b9c1cf; border-radius: 5px; background: #fff; }
button, input[type=submit] { font: inherit; padding: 7px 16px; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .6; cursor: default; }
progress { width: 100%; height: 14px; }
.login { max-width: 420px; margin: 60px auto; }
img.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
details summary { cursor: pointer; color: var(--accent); }
footer { color: var(--muted); font-size: 12px; padding: 12px 20px; text-align: center; }
.pager { display: flex; gap: 12px; margin: 12px 0; }
.report-pair { display: flex; flex-wrap: wrap; gap: 16px; }
.report-chart { flex: 1 1 560px; max-width: 650px; margin: 8px 0; }
.report-chart figcaption { font-weight: bold; margin: 4px 0; }
`;
