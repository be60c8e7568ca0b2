/**
 * The per-role steps of three-party ECDH-PSI, as data: each step names the messages it needs
 * and computes the messages it sends. ./psi.ts documents the flow and why it is shaped so; this
 * file is the arithmetic of each arrow in that table. A step runs once, as soon as its inputs
 * are all present, whatever order they arrived in.
 */
import type { PsiBlinder } from './psi-blinder.js';
import { PsiProtocolError, type PsiMessageKind, type PsiRole } from './psi-messages.js';
import type { AlignedEntry } from './psi-output.js';
import { indexPoints, permutePoints, pointCount, pointKey, randomPermutation, selectPoints } from './psi-sets.js';

/** Everything a party's steps read and write. Owned by one PsiParty. */
export interface PsiState {
  readonly role: PsiRole;
  /** Own deduplicated IDs, canonical (./ids.ts), in the order this site sent them (its random shuffle). */
  readonly ownIds: readonly string[];
  /** The same IDs as fixed-length messages (./ids.ts packIds), back to back. */
  readonly ownIdBytes: Uint8Array;
  readonly idLength: number;
  readonly keys: { readonly primary: Uint8Array; readonly secondary: Uint8Array };
  readonly blinder: PsiBlinder;
  /** Opened payloads by kind. */
  readonly received: Map<PsiMessageKind, Uint8Array>;
  /** Names of the steps already run. */
  readonly done: Set<string>;
  /** Leader only, between padding the overlap and intersecting. */
  overlap?: {
    /** bc H(x) for x in X_second ∩ X_third, in second-set-2 order. */
    readonly values: Uint8Array;
    /** For each position of overlap-padded: index into `values`, or -1 for a padding point. */
    readonly slots: Int32Array;
  };
}

export interface PsiStepOutput {
  readonly send: readonly { readonly kind: PsiMessageKind; readonly payload: Uint8Array }[];
  /** Present on the final step: own IDs in the intersection with their final blinded values. */
  readonly aligned?: readonly AlignedEntry[];
  readonly sizes?: Readonly<Record<PsiRole, number>>;
}

interface Step {
  readonly name: string;
  readonly needs: readonly PsiMessageKind[];
  run(state: PsiState, inputs: readonly Uint8Array[]): Promise<PsiStepOutput>;
}

const keyPair = (s: PsiState): Uint8Array => concatBytes([s.keys.primary, s.keys.secondary]);

/** Apply `keys` to the one input and send the result as `kind`, order kept. */
function relay(name: string, from: PsiMessageKind, kind: PsiMessageKind, keys: (s: PsiState) => Uint8Array): Step {
  return {
    name,
    needs: [from],
    run: async (s, [points]) => ({ send: [{ kind, payload: await s.blinder.blind(keys(s), points!) }] }),
  };
}

function blindOwn(kind: PsiMessageKind, key: (s: PsiState) => Uint8Array): Step {
  return {
    name: 'blind-own',
    needs: [],
    run: async (s) => ({ send: [{ kind, payload: await s.blinder.hashAndBlind(key(s), s.ownIdBytes, s.idLength) }] }),
  };
}

const primary = (s: PsiState): Uint8Array => s.keys.primary;
const secondary = (s: PsiState): Uint8Array => s.keys.secondary;

const STEPS: Readonly<Record<PsiRole, readonly Step[]>> = {
  leader: [
    blindOwn('leader-set-1', secondary),
    relay('return-second', 'second-set-2', 'second-set-3', primary),
    relay('return-third', 'third-set-2', 'third-set-3', primary),
    { name: 'pad-overlap', needs: ['second-set-2', 'third-set-2'], run: padOverlap },
    { name: 'intersect', needs: ['leader-set-4', 'overlap-lifted', 'second-set-2', 'third-set-2'], run: intersect },
  ],
  second: [
    blindOwn('second-set-1', primary),
    relay('reblind-third', 'third-set-1', 'third-set-2', primary),
    relay('reblind-leader', 'leader-set-1', 'leader-set-3', keyPair),
    relay('lift-overlap', 'overlap-padded', 'overlap-lifted', secondary),
    {
      name: 'map-own',
      needs: ['second-set-3', 'intersection', 'leader-set-1', 'third-set-1'],
      run: async (s, [own, inter, leaderSet, thirdSet]) =>
        mapOwn(s, own!, inter!, { leader: pointCount(leaderSet!), second: s.ownIds.length, third: pointCount(thirdSet!) }),
    },
  ],
  third: [
    blindOwn('third-set-1', primary),
    relay('reblind-second', 'second-set-1', 'second-set-2', primary),
    relay('reblind-leader', 'leader-set-3', 'leader-set-4', primary),
    {
      name: 'map-own',
      needs: ['third-set-3', 'intersection', 'leader-set-3', 'second-set-1'],
      run: async (s, [own, inter, leaderSet, secondSet]) =>
        mapOwn(s, own!, inter!, { leader: pointCount(leaderSet!), second: pointCount(secondSet!), third: s.ownIds.length }),
    },
  ],
};

/** Run the first step that is ready and not yet run; undefined when none is. */
export async function runPsiStep(state: PsiState): Promise<PsiStepOutput | undefined> {
  for (const step of STEPS[state.role]) {
    if (state.done.has(step.name) || !step.needs.every((k) => state.received.has(k))) continue;
    state.done.add(step.name);
    try {
      return await step.run(
        state,
        step.needs.map((k) => state.received.get(k)!),
      );
    } catch (error) {
      throw inStep(step.name, error);
    }
  }
  return undefined;
}

/** The same failure, saying which step it ended; protocol errors keep their code, RangeErrors their type. */
function inStep(name: string, error: unknown): Error {
  const message = `step '${name}' failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof PsiProtocolError) return new PsiProtocolError(error.code, message, { cause: error });
  return new (error instanceof RangeError ? RangeError : Error)(message, { cause: error });
}

/**
 * Refuse a payload whose element count cannot be right, before it is stored. Counts that are
 * not yet determined are checked by the step that uses them.
 */
export function checkIncomingCount(state: PsiState, kind: PsiMessageKind, payload: Uint8Array): void {
  const n = pointCount(payload);
  const own = state.ownIds.length;
  const expect = (expected: number, why: string): void => {
    if (n !== expected) {
      throw new PsiProtocolError('BAD_PAYLOAD', `'${kind}' has ${n} elements, expected ${expected} (${why})`);
    }
  };
  if (kind === 'leader-set-4' || kind === 'second-set-3' || kind === 'third-set-3') expect(own, 'own set size');
  if (kind === 'intersection' && n > own) expect(own, 'at most the own set size');
  if (kind === 'overlap-lifted') {
    if (state.overlap === undefined) {
      throw new PsiProtocolError('UNEXPECTED_MESSAGE', `'${kind}' arrived before this party sent overlap-padded`);
    }
    expect(state.overlap.slots.length, 'padded overlap size');
  }
  if (kind === 'overlap-padded') {
    const third = state.received.get('third-set-1');
    if (third === undefined) {
      throw new PsiProtocolError('UNEXPECTED_MESSAGE', `'${kind}' arrived before third-set-1, which it depends on`);
    }
    expect(Math.min(own, pointCount(third)), 'min(second, third) set size');
  }
}

/**
 * Leader: J = second-set-2 ∩ third-set-2 = bc H(X_S ∩ X_T), blinded with l2, padded to
 * min(|X_S|, |X_T|) with fresh random points and shuffled. The padding must not be derived from
 * real values (see ./psi.ts); the shuffle hides which positions are padding from the second.
 */
async function padOverlap(s: PsiState, [secondSet, thirdSet]: readonly Uint8Array[]): Promise<PsiStepOutput> {
  const thirdIndex = indexPoints(thirdSet!, 'third-set-2');
  const overlap: number[] = [];
  for (let i = 0; i < pointCount(secondSet!); i++) if (thirdIndex.has(pointKey(secondSet!, i))) overlap.push(i);
  const values = selectPoints(secondSet!, overlap);
  const padded = Math.min(pointCount(secondSet!), pointCount(thirdSet!));
  const real = await s.blinder.blind(s.keys.secondary, values);
  const padding = await s.blinder.randomPoints(padded - overlap.length);
  const perm = randomPermutation(padded);
  const slots = new Int32Array(padded);
  for (let i = 0; i < padded; i++) slots[i] = perm[i]! < overlap.length ? perm[i]! : -1;
  s.overlap = { values, slots };
  return { send: [{ kind: 'overlap-padded', payload: permutePoints(concatBytes([real, padding]), perm) }] };
}

/**
 * Leader: own set under l2 b b2 c against the overlap lifted to l2 b2 bc. A match at position
 * i of its own set is an ID in all three sets; its final value is l applied to that overlap
 * element's bc H(x), which is also what the other two sites hold for it.
 */
async function intersect(s: PsiState, [ownSet, lifted, secondSet, thirdSet]: readonly Uint8Array[]): Promise<PsiStepOutput> {
  const overlap = s.overlap;
  if (overlap === undefined) throw new PsiProtocolError('INCONSISTENT_RESULT', 'intersect before the overlap was padded');
  const liftedIndex = indexPoints(lifted!, 'overlap-lifted');
  const ownPositions: number[] = [];
  const overlapPositions: number[] = [];
  for (let i = 0; i < s.ownIds.length; i++) {
    const k = liftedIndex.get(pointKey(ownSet!, i));
    if (k === undefined) continue;
    if (overlap.slots[k]! < 0) {
      throw new PsiProtocolError('INCONSISTENT_RESULT', 'an own ID matched a padding point; the second did not lift the set as sent');
    }
    ownPositions.push(i);
    overlapPositions.push(overlap.slots[k]!);
  }
  const finalValues = await s.blinder.blind(s.keys.primary, selectPoints(overlap.values, overlapPositions));
  const aligned = ownPositions.map((i, j) => ({ id: s.ownIds[i]!, key: pointKey(finalValues, j) }));
  // Sorted, so that the order of the message is the canonical one and not the leader's.
  const sortedKeys = aligned.map((e) => e.key).sort();
  const payload = new Uint8Array(Buffer.from(sortedKeys.join(''), 'latin1'));
  return {
    send: [{ kind: 'intersection', payload }],
    aligned,
    sizes: { leader: s.ownIds.length, second: pointCount(secondSet!), third: pointCount(thirdSet!) },
  };
}

/** Second or third: the own set came back under l b c in own order; keep what is in the intersection. */
function mapOwn(
  s: PsiState,
  ownSet: Uint8Array,
  intersection: Uint8Array,
  sizes: Readonly<Record<PsiRole, number>>,
): PsiStepOutput {
  const wanted = indexPoints(intersection, 'intersection');
  const aligned: AlignedEntry[] = [];
  for (let i = 0; i < s.ownIds.length; i++) {
    const key = pointKey(ownSet, i);
    if (wanted.has(key)) aligned.push({ id: s.ownIds[i]!, key });
  }
  if (aligned.length !== wanted.size) {
    throw new PsiProtocolError(
      'INCONSISTENT_RESULT',
      `${wanted.size - aligned.length} of ${wanted.size} intersection values match none of this site's IDs`,
    );
  }
  return { send: [], aligned, sizes };
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

