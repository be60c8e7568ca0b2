/**
 * Messages of the VFL training protocol, transport-free (Flower-style: the strategy here, the
 * transport elsewhere). A transport moves each message from `from` to `to`, persists nothing it
 * does not need, and must seal every message marked `sealed: true` end to end (X25519 +
 * AES-GCM, crypto/sealed-box.ts) so a relaying coordinator cannot read it: those carry
 * ciphertexts under the coordinator's own key, which it could otherwise decrypt.
 *
 * What each message may carry is fixed by the threat model (shared/DESIGN.md): between sites
 * only ciphertexts; to the coordinator only masked ciphertexts and shares; from the coordinator
 * only masked residues mod t.
 */
export type PartyName = string;
export const COORDINATOR: PartyName = 'coordinator';

interface Envelope {
  readonly from: PartyName;
  readonly to: PartyName;
  readonly epoch: number;
}

/** Coordinator -> every site: the BFV public key of this job. */
export interface PublicKeyMessage extends Envelope {
  readonly kind: 'public-key';
  readonly sealed: false;
  readonly publicKey: Uint8Array;
}

/** Passive site -> bank: [[u_k]] on a training batch (sealed: the coordinator holds the key). */
export interface PartialLinearMessage extends Envelope {
  readonly kind: 'partial-linear';
  readonly sealed: true;
  readonly batch: number;
  readonly ciphertexts: readonly Uint8Array[];
}

/** Bank -> passive site: [[d']] = [[sum u]] + u_bank + 2 - 4y on a training batch. */
export interface ResidualMessage extends Envelope {
  readonly kind: 'residual';
  readonly sealed: true;
  readonly batch: number;
  readonly ciphertexts: readonly Uint8Array[];
}

/** Site -> coordinator: one coefficient-0 share per feature, masked by the site. */
export interface MaskedGradientMessage extends Envelope {
  readonly kind: 'masked-gradient';
  readonly sealed: false;
  readonly batch: number;
  readonly shares: readonly Uint8Array[];
}

/** Coordinator -> site: the decrypted, still masked, gradient coefficients (residues mod t). */
export interface DecryptedGradientMessage extends Envelope {
  readonly kind: 'decrypted-gradient';
  readonly sealed: false;
  readonly batch: number;
  readonly values: Float64Array;
}

/** Passive site -> bank: [[u_k]] on the validation split. */
export interface ValidationPartialMessage extends Envelope {
  readonly kind: 'validation-partial';
  readonly sealed: true;
  readonly ciphertexts: readonly Uint8Array[];
}

/** Bank -> coordinator: [[z + R]] on the validation split, at the lowest level. */
export interface MaskedScoresMessage extends Envelope {
  readonly kind: 'masked-scores';
  readonly sealed: false;
  readonly samples: number;
  readonly ciphertexts: readonly Uint8Array[];
}

/** Coordinator -> bank: decrypted masked validation scores (residues mod t). */
export interface DecryptedScoresMessage extends Envelope {
  readonly kind: 'decrypted-scores';
  readonly sealed: false;
  readonly values: Float64Array;
}

/** Bank -> every party: go on or stop; whether this epoch's model is the best so far. */
export interface EpochResultMessage extends Envelope {
  readonly kind: 'epoch-result';
  readonly sealed: false;
  readonly improved: boolean;
  readonly stop: boolean;
  /** Validation AUC: model metadata, sent to the coordinator only. */
  readonly validationAuc?: number;
}

export type TrainingMessage =
  | PublicKeyMessage
  | PartialLinearMessage
  | ResidualMessage
  | MaskedGradientMessage
  | DecryptedGradientMessage
  | ValidationPartialMessage
  | MaskedScoresMessage
  | DecryptedScoresMessage
  | EpochResultMessage;

/** Payload bytes of a message as a transport would count them (ciphertexts, residues, small fields). */
export function payloadBytes(message: TrainingMessage): number {
  const fixed = 16; // kind, epoch, batch/samples, flags
  switch (message.kind) {
    case 'public-key':
      return fixed + message.publicKey.length;
    case 'partial-linear':
    case 'residual':
    case 'validation-partial':
    case 'masked-scores':
      return fixed + message.ciphertexts.reduce((s, c) => s + c.length, 0);
    case 'masked-gradient':
      return fixed + message.shares.reduce((s, c) => s + c.length, 0);
    case 'decrypted-gradient':
    case 'decrypted-scores':
      // Residues below 2^50 fit in 7 bytes on the wire.
      return fixed + 7 * message.values.length;
    case 'epoch-result':
      return fixed + 8;
  }
}
