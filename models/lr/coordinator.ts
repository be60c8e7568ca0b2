/**
 * The coordinator in a VFL job (FATE's "arbiter"): it generates the BFV key pair, keeps the
 * secret key, and decrypts what the sites have masked. It only ever receives masked shares and
 * masked score ciphertexts, and only ever returns residues mod t that are uniform to it; it keeps
 * the job's metadata (epochs, validation AUC the bank reports), never a weight.
 */
import { BfvCoeffContext } from '../../crypto/bfv-coeff.js';
import { shareKeys } from '../../crypto/bfv-engine.js';
import type { HeEngine, KeyRef } from '../../crypto/bfv-engine.js';
import { COORDINATOR } from './messages.js';
import type { DecryptedGradientMessage, DecryptedScoresMessage, EpochResultMessage, MaskedGradientMessage, MaskedScoresMessage, PartyName, PublicKeyMessage } from './messages.js';

export interface CoordinatorCheckpoint {
  readonly publicKey: string;
  /** Base64 of the secret key: stays in the coordinator's own store. */
  readonly secretKey: string;
  readonly aucHistory: number[];
}

export class Coordinator {
  readonly name = COORDINATOR;
  readonly aucHistory: number[] = [];

  private constructor(
    private readonly engine: HeEngine,
    private readonly keys: KeyRef,
    private readonly publicKey: Uint8Array,
    private readonly secretKey: Uint8Array,
  ) {}

  /** A new job's key pair (in plaintext mode, placeholder keys: nothing is encrypted). */
  static async create(engine: HeEngine): Promise<Coordinator> {
    if (engine.kind === 'plaintext') {
      const placeholder = new TextEncoder().encode('plaintext-mode');
      return new Coordinator(engine, shareKeys({ publicKey: placeholder, secretKey: placeholder }), placeholder, placeholder);
    }
    const ctx = await BfvCoeffContext.create();
    try {
      const { publicKey, secretKey } = ctx.generateKeys();
      return new Coordinator(engine, shareKeys({ publicKey, secretKey }), publicKey, secretKey);
    } finally {
      ctx.dispose();
    }
  }

  static restore(checkpoint: CoordinatorCheckpoint, engine: HeEngine): Coordinator {
    const publicKey = Buffer.from(checkpoint.publicKey, 'base64');
    const secretKey = Buffer.from(checkpoint.secretKey, 'base64');
    const c = new Coordinator(engine, shareKeys({ publicKey, secretKey }), new Uint8Array(publicKey), new Uint8Array(secretKey));
    c.aucHistory.push(...checkpoint.aucHistory);
    return c;
  }

  checkpoint(): CoordinatorCheckpoint {
    return { publicKey: Buffer.from(this.publicKey).toString('base64'), secretKey: Buffer.from(this.secretKey).toString('base64'), aucHistory: [...this.aucHistory] };
  }

  publicKeyMessage(to: PartyName): PublicKeyMessage {
    return { kind: 'public-key', from: this.name, to, sealed: false, epoch: 0, publicKey: this.publicKey };
  }

  async decryptGradient(message: MaskedGradientMessage): Promise<DecryptedGradientMessage> {
    const values = await this.engine.decrypt(this.keys, message.shares, 1);
    return { kind: 'decrypted-gradient', from: this.name, to: message.from, sealed: false, epoch: message.epoch, batch: message.batch, values: Float64Array.from(values, (v) => v[0]!) };
  }

  async decryptScores(message: MaskedScoresMessage): Promise<DecryptedScoresMessage> {
    const chunk = this.engine.chunkSize;
    const expected = Math.ceil(message.samples / chunk);
    if (message.ciphertexts.length !== expected) throw new RangeError(`masked scores: ${message.ciphertexts.length} ciphertexts for ${message.samples} samples; expected ${expected}`);
    const parts = await this.engine.decrypt(this.keys, message.ciphertexts, Math.min(chunk, message.samples));
    const values = new Float64Array(message.samples);
    parts.forEach((p, c) => values.set(p.subarray(0, Math.min(chunk, message.samples - c * chunk)), c * chunk));
    return { kind: 'decrypted-scores', from: this.name, to: message.from, sealed: false, epoch: message.epoch, values };
  }

  recordEpoch(result: EpochResultMessage): void {
    if (result.validationAuc !== undefined) this.aucHistory.push(result.validationAuc);
  }
}
