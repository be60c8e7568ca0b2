/**
 * The wire vocabulary of three-party ECDH-PSI (the flow itself is documented in ./psi.ts):
 * roles, message kinds and who sends each to whom, the envelope a transport carries, the hook
 * that seals payloads end to end, and the errors a party raises on input it must refuse.
 *
 * Kept apart from the party logic so that a transport (gRPC through the coordinator) can
 * validate and route envelopes without importing any curve arithmetic.
 */

/** Position in the ring, agreed per session: ring = [leader, second, third]. */
export type PsiRole = 'leader' | 'second' | 'third';
export const PSI_ROLES: readonly PsiRole[] = ['leader', 'second', 'third'];

/**
 * Each kind names whose set it carries and how many secret keys have been applied to it
 * (keys: leader l, l2; second b, b2; third c; H = hash_to_curve).
 */
export type PsiMessageKind =
  | 'leader-set-1' // leader -> second: l2 H(leader IDs), in the leader's shuffled order
  | 'second-set-1' // second -> third:  b H(second IDs), shuffled by the second
  | 'third-set-1' // third -> second:   c H(third IDs), shuffled by the third
  | 'second-set-2' // third -> leader:  c (second-set-1), same order
  | 'third-set-2' // second -> leader:  b (third-set-1), same order
  | 'leader-set-3' // second -> third:  b2 b (leader-set-1), same order
  | 'leader-set-4' // third -> leader:  c (leader-set-3), same order: the leader's own set back
  | 'second-set-3' // leader -> second: l (second-set-2), same order: the second's own set back
  | 'third-set-3' // leader -> third:   l (third-set-2), same order: the third's own set back
  | 'overlap-padded' // leader -> second: l2 (second-set-2 ∩ third-set-2) plus random points, shuffled
  | 'overlap-lifted' // second -> leader: b2 (overlap-padded), same order
  | 'intersection'; // leader -> second and third: l (the intersection within second-set-2), sorted

export interface PsiRoute {
  readonly from: PsiRole;
  readonly to: readonly PsiRole[];
}

export const PSI_ROUTES: Readonly<Record<PsiMessageKind, PsiRoute>> = {
  'leader-set-1': { from: 'leader', to: ['second'] },
  'second-set-1': { from: 'second', to: ['third'] },
  'third-set-1': { from: 'third', to: ['second'] },
  'second-set-2': { from: 'third', to: ['leader'] },
  'third-set-2': { from: 'second', to: ['leader'] },
  'leader-set-3': { from: 'second', to: ['third'] },
  'leader-set-4': { from: 'third', to: ['leader'] },
  'second-set-3': { from: 'leader', to: ['second'] },
  'third-set-3': { from: 'leader', to: ['third'] },
  'overlap-padded': { from: 'leader', to: ['second'] },
  'overlap-lifted': { from: 'second', to: ['leader'] },
  intersection: { from: 'leader', to: ['second', 'third'] },
};

export const PSI_MESSAGE_KINDS = Object.keys(PSI_ROUTES) as readonly PsiMessageKind[];

/** What the transport needs to route a payload and what a sealer binds as associated data. */
export interface PsiEnvelope {
  /** The alignment job; every party of one run uses the same string. */
  readonly session: string;
  /** Site names, e.g. 'bank', 'tax', 'power'. */
  readonly from: string;
  readonly to: string;
  readonly kind: PsiMessageKind;
}

/**
 * One message. Once opened, a payload is n 32-byte X25519 u-coordinates back to back; on the
 * wire it is whatever the sealer made of that. Nothing else is in it: sizes are n * 32.
 */
export interface PsiMessage extends PsiEnvelope {
  readonly payload: Uint8Array;
}

/**
 * End-to-end sealing between sites, so that the coordinator relaying a payload sees its length
 * only. Production plugs in crypto/sealed-box.ts (X25519 + AES-GCM to the recipient's key); an
 * implementation must bind the whole envelope (session, from, to, kind) as associated data so a
 * relay cannot replay a payload under another kind or session, and `open` must reject
 * (throw) anything that does not authenticate.
 */
export interface PsiPayloadSealer {
  seal(envelope: PsiEnvelope, payload: Uint8Array): Promise<Uint8Array>;
  open(envelope: PsiEnvelope, sealed: Uint8Array): Promise<Uint8Array>;
}

/** No sealing: for tests and benchmarks that inspect the blinded values themselves. */
export const UNSEALED: PsiPayloadSealer = {
  seal: async (_envelope, payload) => payload,
  open: async (_envelope, sealed) => sealed,
};

export type PsiErrorCode =
  | 'WRONG_SESSION' // envelope names another alignment job
  | 'WRONG_RECIPIENT' // envelope is addressed to another site
  | 'UNEXPECTED_MESSAGE' // this role never receives this kind, or not from that sender
  | 'DUPLICATE_MESSAGE' // the kind was already received
  | 'BAD_PAYLOAD' // not whole 32-byte points, wrong count, or a low-order point
  | 'INCONSISTENT_RESULT' // the protocol's own consistency checks failed
  | 'NOT_FINISHED' // result() asked before the run completed
  | 'ALREADY_STARTED'; // start() called twice

export class PsiProtocolError extends Error {
  override readonly name = 'PsiProtocolError';
  constructor(
    readonly code: PsiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
