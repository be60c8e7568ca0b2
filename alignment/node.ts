/**
 * A data node's part in private entity alignment: it hosts this site's PSI party
 * (alignment/psi.ts), moves the party's messages through the coordinator's relay, and stores the
 * result only when the coordinator says every site has it (two-phase: pending, then commit).
 *
 * Every payload to another node is sealed to that node's X25519 key (crypto/sealed-box.ts) and
 * the envelope plus sealed bytes are signed with this node's identity key, so the relaying
 * coordinator can neither read nor forge nor redirect what it carries; it sees lengths only.
 * The node's IDs are the enterprises it holds features for; they never leave it in the clear.
 */
import { describeIdRule, IdCollisionError, idRuleOf, type IdRule, type IdType } from './ids.js';
import { describeHeld, type HeldIds } from './id-choice.js';
import { PsiParty, PsiProtocolError, createPsiBlinder, type PsiBlinder, type PsiMessage, type PsiPayloadSealer, type PsiEnvelope as PsiEnvelopeFields, type PsiResult } from './psi.js';
import { openSealedBox, sealToRecipient } from '../crypto/sealed-box.js';
import { verifySignature, type Identity } from '../crypto/identity.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { hashWithDomain, utf8Bytes } from '../crypto/hash.js';
import { coordinatorAlignmentClient } from '../proto/clients.js';
import { FedcreditError } from '../lib/errors.js';
import { call, unary } from '../lib/grpc.js';
import type { Transport } from '../lib/tls.js';
import { requireCertifiedPeers } from '../registration/cert.js';
import { decodeEntry, sitesOf, type LogEntry } from '../log/entries.js';
import type { NodeAlignmentHandlers } from '../proto/gen/fedcredit/v1/NodeAlignment.js';
import type { PsiEnvelope } from '../proto/gen/fedcredit/v1/PsiEnvelope.js';
import type { JoinAlignmentRequest__Output } from '../proto/gen/fedcredit/v1/JoinAlignmentRequest.js';
import type { NodeStore, StoredAlignmentRecord } from '../site/store.js';

/** What a node keeps per alignment, under `align/<id>` in its store. */
export type StoredAlignment = StoredAlignmentRecord;

interface Session {
  party: PsiParty;
  peers: Map<string, { identityPublicKey: Uint8Array; sealingPublicKey: Uint8Array }>;
  relayAddress: string;
  request: JoinAlignmentRequest__Output;
  result?: PsiResult;
  settle: { resolve: (r: PsiResult) => void; reject: (e: Error) => void };
  finished: Promise<PsiResult>;
  rule: IdRule;
  /** Relays of this session's messages not yet acknowledged by the coordinator. */
  relaying: Set<Promise<void>>;
}

export interface NodeAlignmentContext {
  store: NodeStore;
  site: string;
  identity: Identity;
  sealingKeys: X25519KeyPair;
  /** The node's transport: it relays only to a certified coordinator, as its certified site. */
  transport: Transport;
  log: (line: string) => void;
  /** Records in the node's own signed book that it served this alignment under a log entry. */
  recordServed: (entry: LogEntry, logIndex: number) => Promise<void>;
}

const ENVELOPE_DOMAIN = 'fedcredit/psi-envelope/v1';
const SPLIT_SEED_DOMAIN = 'fedcredit/alignment-split/v1';
/** Messages that arrive before this node was asked to join (a faster peer started first). */
const MAX_EARLY_MESSAGES = 32;

/** The split seed bytes every site derives from the job's seed string. */
export function splitSeedBytes(seed: string): Uint8Array {
  return hashWithDomain(SPLIT_SEED_DOMAIN, utf8Bytes(seed));
}

/** The bytes a sender signs: the whole envelope and a hash of the sealed payload. */
export function envelopeDigest(e: PsiEnvelopeFields, sealed: Uint8Array): Uint8Array {
  return hashWithDomain(ENVELOPE_DOMAIN, utf8Bytes(e.session), utf8Bytes(e.from), utf8Bytes(e.to), utf8Bytes(e.kind), sealed);
}

export class AlignmentHost {
  readonly #sessions = new Map<string, Session>();
  readonly #early = new Map<string, PsiEnvelope[]>();
  #blinder: PsiBlinder | undefined;

  constructor(private readonly ctx: NodeAlignmentContext) {}

  handlers(): NodeAlignmentHandlers {
    const log = this.ctx.log;
    return {
      JoinAlignment: unary((req) => this.join(req), log),
      DeliverPsiMessage: unary(async (env) => {
        await this.deliver(env);
        return {};
      }, log),
      CommitAlignment: unary((ref) => this.commit(ref.alignmentId, Number(ref.logIndex), new Uint8Array(ref.entry)), log),
      AbortAlignment: unary(async (ref) => {
        await this.abort(ref.alignmentId, 'aborted by the coordinator');
        return {};
      }, log),
      DescribeIds: unary(() => this.heldIds(), log),
    };
  }

  async join(req: JoinAlignmentRequest__Output): Promise<{
    site: string; setSizes: { site: string; size: number }[]; intersectionSize: number; trainSize: number;
    validationSize: number; alignmentDigest: string; duplicatesRemoved: number;
  }> {
    const id = req.alignmentId;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new FedcreditError('BAD_REQUEST', `alignment id '${id.slice(0, 70)}' is not 1-64 letters, digits, _ or -`);
    if (this.#sessions.has(id) || (await this.ctx.store.alignments.get(id)) !== undefined) {
      throw new FedcreditError('BAD_REQUEST', `alignment '${id}' already exists at ${this.ctx.site}`);
    }
    const ring = req.ring as [string, string, string];
    if (ring.length !== 3 || !ring.includes(this.ctx.site)) {
      throw new FedcreditError('BAD_REQUEST', `alignment '${id}': ring ${ring.join(',')} must name three sites including ${this.ctx.site}`);
    }
    // The peers' keys are the coordinator's word until the federation CA's certificates for them check out.
    requireCertifiedPeers(req.peers, this.ctx.transport, `alignment '${id}'`);
    const peers = new Map(req.peers.map((p) => [p.site, { identityPublicKey: new Uint8Array(p.identityPublicKey), sealingPublicKey: new Uint8Array(p.sealingPublicKey) }]));
    for (const site of ring) {
      if (site !== this.ctx.site && (peers.get(site)?.sealingPublicKey.length !== 32 || peers.get(site)?.identityPublicKey.length !== 32)) {
        throw new FedcreditError('BAD_REQUEST', `alignment '${id}': no keys for peer ${site}`);
      }
    }
    let rule: IdRule;
    try {
      rule = idRuleOf(req.idType, req.idCase);
    } catch (err) {
      throw new FedcreditError('BAD_REQUEST', `alignment '${id}': ${(err as Error).message}; update the coordinator`);
    }
    const held = await this.heldIds();
    if (rule.type === 'credit-code' && held.idFormat === 'any') {
      throw new FedcreditError('ID_TYPE_MISMATCH', `the job aligns credit codes but ${describeHeld(held)}; align with --id-type any, `
        + `or ingest ${this.ctx.site}'s table with --id-format credit-code if its ids are credit codes`);
    }
    const meta = await this.ctx.store.getMeta();
    // The label-holding site aligns only the enterprises it can label: an aligned enterprise
    // the bank could not train on would otherwise have to be dropped later, telling the other
    // sites which of their aligned enterprises fall outside the bank's labelled population.
    const ids: string[] = [];
    const source = meta.hasLabels ? this.ctx.store.labels : this.ctx.store.features;
    for await (const key of source.keys()) ids.push(key);

    let party: PsiParty;
    try {
      party = this.#party(id, ids, rule, ring, peers, req);
    } catch (err) {
      if (!(err instanceof IdCollisionError)) throw err;
      // The positions stay here: which ids collide is this site's business, not the coordinator's.
      this.ctx.log(`alignment ${id}: ${err.message}: ${JSON.stringify(err.pair[0])} and ${JSON.stringify(err.pair[1])}`);
      throw new FedcreditError('BAD_REQUEST', `${this.ctx.site} holds ${err.collisions} id(s) that equal another of its ids once `
        + `normalized (${describeIdRule(rule)}); ${rule.idCase === 'fold' ? 'align with --id-case keep, or ' : ''}`
        + `make the ids distinct in ${this.ctx.site}'s table and ingest it again (its log names the first pair)`);
    }
    let settle!: Session['settle'];
    const finished = new Promise<PsiResult>((resolve, reject) => (settle = { resolve, reject }));
    finished.catch(() => undefined);
    const session: Session = { party, peers, relayAddress: req.relayAddress, request: req, settle, finished, rule, relaying: new Set() };
    this.#sessions.set(id, session);
    this.ctx.log(`alignment ${id}: joined as ${party.role} with ${ids.length} enterprises (${describeIdRule(rule)})`);
    try {
      const early = this.#early.get(id) ?? [];
      this.#early.delete(id);
      for (const env of early) await this.deliver(env);
      await this.#send(session, await party.start());
      const result = await finished;
      this.ctx.log(`alignment ${id}: ready, ${result.stats.intersectionSize} enterprises in the intersection`);
      return {
        site: this.ctx.site,
        setSizes: Object.entries(result.stats.setSizes).map(([site, size]) => ({ site, size })),
        intersectionSize: result.stats.intersectionSize,
        trainSize: result.train.length,
        validationSize: result.validation.length,
        alignmentDigest: result.alignmentDigest,
        duplicatesRemoved: result.stats.duplicatesRemoved,
      };
    } catch (err) {
      this.#sessions.delete(id);
      throw err;
    }
  }

  /** What this node's ids are, for the coordinator to pick the job's id type (alignment/id-choice.ts). */
  async heldIds(): Promise<HeldIds> {
    const meta = await this.ctx.store.getMeta();
    const idFormat: IdType = meta.idFormat === 'any' ? 'any' : 'credit-code';
    return { site: this.ctx.site, idFormat, source: meta.source ?? '' };
  }

  #party(id: string, ids: string[], rule: IdRule, ring: [string, string, string], peers: Session['peers'], req: JoinAlignmentRequest__Output): PsiParty {
    return new PsiParty(this.ctx.site, ids, {
      session: id,
      idRule: rule,
      ring,
      blinder: (this.#blinder ??= createPsiBlinder()),
      sealer: this.#sealer(peers),
      split: { validationFraction: req.validationFraction, seed: splitSeedBytes(req.splitSeed) },
    });
  }

  async deliver(env: PsiEnvelope): Promise<void> {
    const session = this.#sessions.get(env.session ?? '');
    if (!session) {
      // A peer may be a step ahead of the coordinator's JoinAlignment call to this node: hold
      // a few messages (unverified until the session's keys arrive), refuse beyond that.
      const id = String(env.session ?? '');
      const held = this.#early.get(id) ?? [];
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || held.length >= MAX_EARLY_MESSAGES || (held.length === 0 && this.#early.size >= 8)) {
        throw new FedcreditError('NOT_FOUND', `no running alignment '${id.slice(0, 70)}' at ${this.ctx.site}`);
      }
      held.push(env);
      this.#early.set(id, held);
      return;
    }
    const sealed = new Uint8Array(env.payload as Uint8Array);
    const fields = { session: String(env.session), from: String(env.from), to: String(env.to), kind: String(env.kind) } as PsiEnvelopeFields;
    const sender = session.peers.get(fields.from);
    if (!sender || !verifySignature(sender.identityPublicKey, envelopeDigest(fields, sealed), new Uint8Array(env.signature as Uint8Array))) {
      throw new FedcreditError('BAD_SIGNATURE', `PSI message '${fields.kind}' claiming to be from ${fields.from} is not signed by that node`);
    }
    let out: PsiMessage[];
    try {
      out = await session.party.receive({ ...fields, payload: sealed });
    } catch (err) {
      const message = err instanceof PsiProtocolError ? `${err.code}: ${err.message}` : (err as Error).message;
      session.settle.reject(new FedcreditError('BAD_REQUEST', `alignment ${fields.session} at ${this.ctx.site}: ${message}`));
      throw new FedcreditError('BAD_REQUEST', message);
    }
    // Answer the relay now; what this message unlocked travels on asynchronously.
    void this.#send(session, out).catch((err: unknown) => session.settle.reject(err as Error));
  }

  async commit(id: string, logIndex: number, entryBytes: Uint8Array): Promise<{ site: string; stored: number }> {
    const session = this.#sessions.get(id);
    if (!session?.party.finished) throw new FedcreditError('NOT_FOUND', `alignment '${id}' has no finished result at ${this.ctx.site}`);
    // The node keeps the entry it was told was logged, so an auditor can hold the log to it.
    const decoded = decodeEntry(entryBytes);
    if (!decoded.ok || decoded.entry.kind !== 'alignment-job' || decoded.entry.body['jobId'] !== id
      || !sitesOf(decoded.entry).includes(this.ctx.site)) {
      throw new FedcreditError('BAD_REQUEST', `alignment '${id}': the commit does not carry this job's alignment-job log entry`);
    }
    const result = session.party.result();
    // Which version of each feature table the ids came from (node/tables.ts); absent for raw records.
    const tables = (await this.ctx.store.meta.get('activeTables')) as Record<string, number> | undefined;
    const stored: StoredAlignment = {
      alignmentId: id,
      ring: [...session.party.ring],
      ids: [...result.intersection],
      train: [...result.train],
      validation: [...result.validation],
      digest: result.alignmentDigest,
      splitSeed: session.request.splitSeed,
      idType: session.rule.type,
      idCase: session.rule.idCase,
      validationFraction: session.request.validationFraction,
      logIndex,
      createdAt: new Date().toISOString(),
      ...(tables === undefined ? {} : { tables }),
    };
    await this.ctx.store.db.batch().put(id, stored, { sublevel: this.ctx.store.alignments }).write({ sync: true });
    this.#sessions.delete(id);
    await this.ctx.recordServed(decoded.entry, logIndex);
    this.ctx.log(`alignment ${id}: stored (${stored.ids.length} enterprises, log entry ${logIndex})`);
    return { site: this.ctx.site, stored: stored.ids.length };
  }

  async abort(id: string, reason: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (session) {
      session.settle.reject(new FedcreditError('UNAVAILABLE', `alignment ${id} ${reason}`));
      this.#sessions.delete(id);
    }
    this.#early.delete(id);
    await this.ctx.store.db.batch().del(id, { sublevel: this.ctx.store.alignments }).write({ sync: true });
    this.ctx.log(`alignment ${id}: ${reason}; nothing kept`);
  }

  async close(): Promise<void> {
    for (const id of [...this.#sessions.keys()]) await this.abort(id, 'stopped with the node');
    await this.#blinder?.close();
  }

  /**
   * Relays the party's messages, and once the party has its result and everything it sent has
   * been relayed, settles the session: only then does JoinAlignment answer 'ready'. A site that
   * answered first could die before its last message (the leader's intersection) left it; the
   * others would wait for it until the join's long deadline, with the coordinator none the wiser.
   * The coordinator acknowledges a relay once the recipient has taken the message.
   */
  async #send(session: Session, messages: PsiMessage[]): Promise<void> {
    if (messages.length > 0) {
      const relayed = this.#relay(session, messages);
      session.relaying.add(relayed);
      try {
        await relayed;
      } finally {
        session.relaying.delete(relayed);
      }
    }
    if (session.party.finished && !session.result) {
      await Promise.all(session.relaying);
      session.result ??= session.party.result();
      session.settle.resolve(session.result);
    }
  }

  async #relay(session: Session, messages: PsiMessage[]): Promise<void> {
    const client = coordinatorAlignmentClient(session.relayAddress, this.ctx.transport);
    try {
      await Promise.all(messages.map(async (m) => {
        const { payload, ...fields } = m;
        await call(client, client.RelayPsiMessage, {
          ...fields,
          payload: Buffer.from(payload),
          signature: Buffer.from(this.ctx.identity.sign(envelopeDigest(fields, payload))),
        }, 10 * 60_000);
      }));
    } finally {
      client.close();
    }
  }

  #sealer(peers: Session['peers']): PsiPayloadSealer {
    const { sealingKeys } = this.ctx;
    const binding = (e: PsiEnvelopeFields) => ({ purpose: 'psi', sender: e.from, recipient: e.to, extra: `${e.session}/${e.kind}` });
    return {
      seal: async (e, payload) => {
        const peer = peers.get(e.to);
        if (!peer) throw new FedcreditError('BAD_REQUEST', `no sealing key for ${e.to}`);
        return sealToRecipient(peer.sealingPublicKey, payload, binding(e));
      },
      open: async (e, sealed) => openSealedBox(sealingKeys.privateKey, sealed, binding(e)),
    };
  }
}
