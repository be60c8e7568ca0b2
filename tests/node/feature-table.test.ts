/**
 * Feature tables as real exports have them (docs/feature-tables.md): missing cells kept as
 * missing, labels 0/1, 0.0/1.0 or true/false, integer and categorical columns declared or
 * inferred, delimiters and encodings detected or named with a hint when they look wrong, and a
 * file sent twice refused once by its hash. Every rejection leaves the store as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../schema/credit-code.js';
import { FedcreditError } from '../../lib/errors.js';
import { ingestFile } from '../../node/ingest.js';
import type { IngestOptions } from '../../node/ingest-report.js';
import { checkLabel, isMissingCell } from '../../node/column-check.js';
import { detectDelimiter } from '../../node/csv-reader.js';
import { MAX_CATEGORICAL_LEVELS } from '../../node/table-columns.js';
import { NodeStore } from '../../site/store.js';

const code = (n: number) => {
  const first17 = `91350100M${String(n).padStart(8, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};
const [A, B, C, D] = [code(1), code(2), code(3), code(4)];

let dir: string;
let store: NodeStore;
let files = 0;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-table-'));
  store = await NodeStore.open(path.join(dir, 'node'), 'bank');
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeFile(content: string | Buffer, name = `t${files++}.csv`): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
const csv = (lines: string[]) => writeFile(`${lines.join('\n')}\n`);
const table = (o: IngestOptions = {}): IngestOptions => ({ kind: 'features', ...o });
const vector = async (id: string) => Array.from((await store.featureVector(id))!);

async function rejected(file: string, options: IngestOptions): Promise<string> {
  const err = await ingestFile(store, file, options).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FedcreditError);
  expect(await store.getMeta()).toEqual({ site: 'bank' }); // all or nothing
  return (err as Error).message;
}

describe('missing cells', () => {
  it('are kept as missing (NaN), whichever way the export writes them, and counted in the catalogue', async () => {
    const file = csv([
      'id,y,x0,x1',
      `${A},1,,0.5`,
      `${B},0,NA,1.5`,
      `${C},0, nan ,NULL`,
      `${D},1,4,Null`,
    ]);
    await ingestFile(store, file, table({ labelColumn: 'y' }));
    expect(await vector(A)).toEqual([NaN, 0.5]);
    expect(await vector(B)).toEqual([NaN, 1.5]);
    expect(await vector(C)).toEqual([NaN, NaN]);
    expect(await vector(D)).toEqual([4, NaN]);
    const meta = await store.getMeta();
    expect(meta.catalogue!.map((f) => [f.name, f.type, f.missingRate])).toEqual([['x0', 'integer', 0.75], ['x1', 'number', 0.5]]);
    expect(meta.catalogue![0]!.imputation).toMatch(/missing in 75\.0% of rows; training fills the training split's median and adds a "was missing" column \(default\)/);
    // Statistics over the present values only: a missing cell is not a zero.
    expect(meta.stats!.mean).toEqual([4, 1]);
  });

  it('the missing tokens are exactly the empty cell, NA, NaN and null, in any case and with spaces', () => {
    for (const raw of ['', '  ', 'NA', 'na', 'nA', 'NaN', 'NAN', 'null', 'NULL', ' Null ']) expect(isMissingCell(raw), raw).toBe(true);
    for (const raw of ['0', 'N/A', 'none', '-', 'nil', 'NA1', 'nulls']) expect(isMissingCell(raw), raw).toBe(false);
  });

  it('property: a stored cell is NaN exactly where the file has a missing token, else the number written', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'NA', 'na', 'NaN', 'null', 'NULL'),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((x) => String(x)),
      fc.integer({ min: -1000, max: 1000 }).map(String),
    );
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 12 }), async (rows) => {
      const s = await NodeStore.open(path.join(dir, `p${run++}`), 'power');
      try {
        const ids = rows.map((_, i) => code(100 + i));
        await ingestFile(s, csv(['id,a,b', ...rows.map(([a, b], i) => `${ids[i]},${a},${b}`)]), table());
        for (const [i, [a, b]] of rows.entries()) {
          const expected = [a, b].map((raw) => (isMissingCell(raw) ? NaN : Number(raw)));
          expect(Array.from((await s.featureVector(ids[i]!))!)).toEqual(expected);
        }
      } finally {
        await s.close();
      }
    }), { numRuns: 25 });
  });
});

describe('labels', () => {
  it('take 0/1, 0.0/1.0 and true/false in any case', async () => {
    const file = csv(['id,y,x', `${A},1.0,1`, `${B},0.0,2`, `${C},TRUE,3`, `${D},false,4`]);
    await ingestFile(store, file, table({ labelColumn: 'y' }));
    expect(await store.labels.getMany([A, B, C, D])).toEqual(['1', '0', '1', '0']);
  });

  it('refuse anything else naming the line and value, and a missing label saying what to do', async () => {
    const message = await rejected(csv(['id,y,x', `${A},yes,1`, `${B},,2`, `${C},2,3`, `${D},0,4`]), table({ labelColumn: 'y' }));
    expect(message).toContain(".csv:2: y: 'yes' is not a label: write 0 or 1 (also 0.0/1.0 or true/false; 1 = defaulted)");
    expect(message).toContain('.csv:3: y: the label is missing: every row of the label holder needs one; drop the rows whose outcome is not known yet');
    expect(message).toContain(".csv:4: y: '2' is not a label");
  });

  it('property: a label is accepted exactly when it is 0/1 (with zero decimals) or true/false', () => {
    const accepted = (s: string) => /^[01](\.0*)?$/.test(s.trim().toLowerCase()) || ['true', 'false'].includes(s.trim().toLowerCase());
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('1.00', ' TRUE', 'False ', '0.', '01', '1.01', '-0')), (raw) => {
      const result = checkLabel(raw);
      expect(result.ok).toBe(accepted(raw));
      if (result.ok) expect(result.value).toBe(/^(1|true)/.test(raw.trim().toLowerCase()) ? 1 : 0);
    }));
  });
});

describe('column types', () => {
  it('infers integer, number and categorical columns; a categorical column becomes one indicator per level, missing in each', async () => {
    const file = csv(['id,age,ratio,sector', `${A},31,0.5,retail`, `${B},45,1,mining`, `${C},,2.25,`, `${D},52,NA,retail`]);
    await ingestFile(store, file, table());
    const catalogue = (await store.getMeta()).catalogue!;
    expect(catalogue.map((f) => [f.name, f.type])).toEqual([
      ['age', 'integer'], ['ratio', 'number'], ['sector=mining', 'categorical'], ['sector=retail', 'categorical'],
    ]);
    expect(catalogue[2]!.meaning).toBe("1 when column sector is 'mining', else 0");
    expect(catalogue[3]!.missingRate).toBe(0.25);
    expect(await vector(A)).toEqual([31, 0.5, 0, 1]);
    expect(await vector(B)).toEqual([45, 1, 1, 0]);
    expect(await vector(C)).toEqual([NaN, 2.25, NaN, NaN]);
  });

  it('takes declared types: --categorical for numeric codes, --integer checked', async () => {
    await ingestFile(store, csv(['id,region,n', `${A},110,3`, `${B},120,4`, `${C},110,5`]), table({ categorical: ['region'], integer: ['n'] }));
    expect((await store.getMeta()).catalogue!.map((f) => `${f.name}:${f.type}`)).toEqual(['region=110:categorical', 'region=120:categorical', 'n:integer']);
    expect(await vector(B)).toEqual([0, 1, 4]);
  });

  it('refuses a declared integer that is not whole, a declaration naming no column, and a column declared twice', async () => {
    let message = await rejected(csv(['id,n', `${A},3`, `${B},4.5`]), table({ integer: ['n'] }));
    expect(message).toContain(".csv:3: n: '4.5' is not a whole number (the column is declared --integer)");
    message = await rejected(csv(['id,n', `${A},3`]), table({ categorical: ['m'], integer: ['n'] }));
    expect(message).toContain("--categorical names column 'm', which is not in the header");
    message = await rejected(csv(['id,n', `${A},3`]), table({ categorical: ['n'], integer: ['n'] }));
    expect(message).toContain("column 'n' is declared both --integer and --categorical; choose one");
  });

  it('a mostly numeric column with a few texts is numeric with bad cells, and says how to mark a missing cell', async () => {
    const message = await rejected(csv(['id,x', `${A},1`, `${B},n/a`, `${C},3`, `${D},4`]), table());
    expect(message).toContain(".csv:3: x: 'n/a' is not a finite number (column x is numeric: 3 of its 4 filled cells are numbers; leave a cell empty or write NA when it has no value, or pass --categorical x)");
  });

  it('a decimal comma is named as such', async () => {
    const message = await rejected(writeFile(`id;x\n${A};1,5\n${B};2\n`), table());
    expect(message).toContain("x: '1,5' is not a finite number (a decimal comma? write 1.5)");
  });

  it(`refuses a categorical column with more than ${MAX_CATEGORICAL_LEVELS} levels`, async () => {
    const rows = Array.from({ length: MAX_CATEGORICAL_LEVELS + 1 }, (_, i) => `${code(200 + i)},city${i}`);
    const message = await rejected(csv(['id,city', ...rows]), table());
    expect(message).toContain(`city: has more than ${MAX_CATEGORICAL_LEVELS} distinct values, the most a categorical column may have (each level becomes a feature)`);
  });
});

describe('delimiters and encodings', () => {
  it('detects semicolon, tab and pipe from the header', async () => {
    for (const [i, d] of [';', '\t', '|'].entries()) {
      const s = await NodeStore.open(path.join(dir, `d${i}`), 'power');
      try {
        await ingestFile(s, writeFile(`id${d}x${d}y\n${A}${d}1${d}2\n`), table());
        expect(Array.from((await s.featureVector(A))!)).toEqual([1, 2]);
      } finally {
        await s.close();
      }
    }
  });

  it('property: the delimiter joining a header is the one detected', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    fc.assert(fc.property(fc.constantFrom(',', ';', '\t', '|'), fc.array(name, { minLength: 2, maxLength: 8 }), (d, names) => {
      expect(detectDelimiter(names.join(d))).toBe(d);
    }));
  });

  it('a file split by another delimiter than the one named gets a hint', async () => {
    const message = await rejected(writeFile(`id;x;y\n${A};1;2\n`), table({ delimiter: 'comma' }));
    expect(message).toContain("looks like semicolon-separated: pass --delimiter ';'");
    expect(await rejected(writeFile(`id,x\n${A},1\n`), table({ delimiter: 'colon' }))).toContain("delimiter 'colon' is not one of comma, semicolon, tab, pipe");
  });

  // A column 行业 (sector) with the levels 北京 and 上海, in GBK as Excel on a Chinese system saves it.
  const GBK = { sector: [0xd0, 0xd0, 0xd2, 0xb5], beijing: [0xb1, 0xb1, 0xbe, 0xa9], shanghai: [0xc9, 0xcf, 0xba, 0xa3] };
  const gbkFile = () => writeFile(Buffer.concat([
    'id,', GBK.sector, `,x\n${A},`, GBK.beijing, `,1\n${B},`, GBK.shanghai, ',2\n',
  ].map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part)))));

  it('reads GBK with --encoding gbk, and suggests it for a GBK file read as UTF-8', async () => {
    const file = gbkFile();
    const message = await rejected(file, table());
    expect(message).toMatch(/t\d+\.csv:1: -: unreadable CSV: holds bytes that are not UTF-8 \(0xd0\); looks like GBK: pass --encoding gbk/);
    await ingestFile(store, file, table({ encoding: 'gbk' }));
    expect((await store.getMeta()).catalogue!.map((f) => f.name)).toEqual(['行业=上海', '行业=北京', 'x']);
  });

  it('drops a UTF-8 BOM, and refuses a UTF-8 file named as GBK', async () => {
    const file = writeFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`id,行业\n${A},北京\n`, 'utf8')]));
    expect(await rejected(file, table({ encoding: 'gbk' }))).toContain('the file is UTF-8, not gbk: looks like UTF-8: drop --encoding gbk');
    await ingestFile(store, file, table());
    expect((await store.getMeta()).catalogue!.map((f) => f.name)).toEqual(['行业=北京']);
  });

  it('names the line of the first byte that is not UTF-8, past the first chunk', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${code(1000 + i)},${i % 7},x${i % 3}`);
    const bytes = Buffer.from(`id,n,c\n${rows.join('\n')}\n`, 'utf8');
    const at = bytes.indexOf(Buffer.from(`${code(1000 + 2500)},`)) + 19;
    bytes[at] = 0xff;
    expect(await rejected(writeFile(bytes), table())).toMatch(/:2502: -: unreadable CSV: holds bytes that are not UTF-8 \(0xff\)/);
  });
});

describe('a file sent twice', () => {
  it('is refused once, by its hash, with the date it was ingested', async () => {
    const file = csv(['id,x', `${A},1`, `${B},2`]);
    await ingestFile(store, file, table({ fileName: 'bank.csv' }));
    const before = await store.listIngests();
    const err = await ingestFile(store, file, table({ fileName: 'bank-again.csv' })).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'INGEST_DUPLICATE_FILE' });
    const today = new Date().toISOString().slice(0, 10);
    expect((err as Error).message).toMatch(new RegExp(`^bank-again\\.csv: this file \\(sha256 [0-9a-f]{12}\\.\\.\\.\\) was already ingested on ${today} as bank\\.csv \\(2 rows, ingest #1\\); nothing was stored again`));
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect(await store.listIngests()).toEqual(before);
  });
});
