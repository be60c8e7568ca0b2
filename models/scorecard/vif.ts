/**
 * The VIF screen (issue 15, "a correlation or VIF screen where it can be computed without
 * breaking the table"): each site, on its own WOE-coded training columns, drops characteristics
 * while one's variance inflation factor exceeds the job's `maxVif` (0 = off), the weakest by IV
 * first among those over it. VIF_j = 1 / (1 - R^2_j), R^2_j of column j regressed on the site's
 * other chosen columns, read off the diagonal of the inverse correlation matrix.
 *
 * Local only: a site's own columns, in the clear, at the site; nothing is sent. Correlation
 * between characteristics of different sites would need a protocol (inner products of two
 * sites' columns over the aligned rows: one more masked-sum round per pair, and each result
 * tells the pair how alike their columns are, a release the threat-model table has no row for),
 * so it is not done: two near-duplicate characteristics at two sites both stay in the model.
 * LR's L2 penalty keeps their weights finite; the scorecard's points split between them.
 */

/** The VIF of each column (Infinity for a column that is a linear combination of the others). */
export function vifs(columns: readonly Float64Array[]): number[] {
  const p = columns.length;
  if (p < 2) return columns.map(() => 1);
  const n = columns[0]!.length;
  const z = columns.map((col) => {
    const mean = col.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(col.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    return sd > 0 ? Float64Array.from(col, (v) => (v - mean) / sd) : undefined;
  });
  // Correlation matrix, then its inverse by Gauss-Jordan with partial pivoting.
  const a: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: 2 * p }, (_, j): number => (j === p + i ? 1 : 0)));
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const zi = z[i];
      const zj = z[j];
      let r = i === j ? 1 : 0;
      if (zi && zj && i !== j) {
        let s = 0;
        for (let k = 0; k < n; k++) s += zi[k]! * zj[k]!;
        r = s / n;
      }
      a[i]![j] = r;
      a[j]![i] = r;
    }
  }
  const singular = new Array<boolean>(p).fill(false);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-10) {
      singular[c] = true;
      continue;
    }
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const row = a[c]!;
    const d = row[c]!;
    for (let j = 0; j < 2 * p; j++) row[j] = row[j]! / d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * p; j++) a[r]![j] = a[r]![j]! - f * row[j]!;
    }
  }
  if (singular.some(Boolean)) return columns.map(() => Infinity);
  return Array.from({ length: p }, (_, i) => Math.max(1, a[i]![p + i]!));
}

/**
 * While some column's VIF exceeds `maxVif`, drop the one of those with the lowest `priority` (the
 * IV: of two near-duplicates the weaker goes; ties: the larger VIF), and recompute. Answers the
 * indexes kept and each dropped one's VIF.
 */
export function screenVif(columns: readonly Float64Array[], priority: readonly number[], maxVif: number): { kept: number[]; dropped: { index: number; vif: number }[] } {
  let kept = columns.map((_, i) => i);
  const dropped: { index: number; vif: number }[] = [];
  if (maxVif <= 0) return { kept, dropped };
  while (kept.length > 1) {
    const v = vifs(kept.map((i) => columns[i]!));
    let worst = -1;
    for (let k = 0; k < kept.length; k++) {
      if (v[k]! <= maxVif) continue;
      const [pk, pw] = [priority[kept[k]!]!, worst < 0 ? Infinity : priority[kept[worst]!]!];
      if (worst < 0 || pk < pw || (pk === pw && v[k]! > v[worst]!)) worst = k;
    }
    if (worst < 0) break;
    dropped.push({ index: kept[worst]!, vif: v[worst]! });
    kept = kept.filter((_, k) => k !== worst);
  }
  return { kept, dropped };
}
