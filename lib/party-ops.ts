/**
 * A serving party's operations surface (issue 17): Prometheus metrics (prom-client), the
 * standard `grpc.health.v1` service on its gRPC server (grpc-health-check, grpc-node's own),
 * and an HTTP endpoint on a separate port with `/livez`, `/readyz` and `/metrics`.
 *
 * Why a separate HTTP port: the gRPC port requires a client certificate (mutual TLS, every
 * caller certified), and a kubelet, systemd watchdog or Prometheus scraper has none. The HTTP
 * port binds to loopback by default and serves only aggregate numbers and readiness.
 *
 * Labels are low-cardinality by construction: a method name (from the proto), a gRPC status
 * name, a record kind or table count name from the site schema, an outcome word. Never an
 * enterprise id, a requester key, a record or a value (tests/ops/service.test.ts scrapes and
 * checks that no ingested credit code appears).
 */
import http from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FedcreditError } from './errors.js';

export interface HttpEndpoint {
  /** Default 127.0.0.1: probes and scrapes come from this host unless the operator says otherwise. */
  host?: string;
  /** 0 = any free port (tests). */
  port: number;
}

export interface Readiness {
  ready: boolean;
  /** Each condition and whether it holds, e.g. { store: true, registered: false, logFollowed: false }. */
  checks: Record<string, boolean>;
}

/** What a gRPC server reports about every call it answered (lib/grpc.ts guardHandler). */
export interface CallObserver {
  (service: string, method: string, code: string, seconds: number): void;
}

export class PartyOps {
  readonly registry = new Registry();
  /** The `grpc.health.v1` service; '' (the whole server) follows readiness. */
  readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  readonly #calls: Counter<'method' | 'code'>;
  readonly #latency: Histogram<'method'>;
  readonly #role: string;
  #readiness: () => Readiness = () => ({ ready: true, checks: {} });
  #server: http.Server | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #lastReady: boolean | undefined;

  constructor(role: 'node' | 'coordinator', party: string) {
    this.#role = role;
    this.registry.setDefaultLabels({ role, party });
    this.#calls = new Counter({
      name: 'fedcredit_grpc_requests_total', help: 'gRPC calls answered, by method and status code',
      labelNames: ['method', 'code'], registers: [this.registry],
    });
    this.#latency = new Histogram({
      name: 'fedcredit_grpc_request_duration_seconds', help: 'Time from a call\'s arrival to its answer, by method',
      labelNames: ['method'], registers: [this.registry],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    });
  }

  /** Feed for lib/grpc.ts: one observation per answered call. */
  readonly observeCall: CallObserver = (service, method, code, seconds) => {
    this.#calls.inc({ method: `${service}/${method}`, code });
    this.#latency.observe({ method: `${service}/${method}` }, seconds);
  };

  /** A gauge read when scraped. The callback returns a number, or numbers by one label's values. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  gauge(name: string, help: string, read: () => Record<string, number> | Promise<Record<string, number>>, label: string): void;
  gauge(name: string, help: string, read: () => number | Record<string, number> | Promise<number | Record<string, number>>, label?: string): void {
    new Gauge({
      name, help, registers: [this.registry], labelNames: label ? [label] : [],
      async collect() {
        const value = await read();
        this.reset();
        if (typeof value === 'number') this.set(value);
        else for (const [k, v] of Object.entries(value)) this.set({ [label!]: k }, v);
      },
    });
  }

  /** A counter the party increments itself (ingests, served queries). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Adds `grpc.health.v1` to the party's gRPC server (served under its transport: see README). */
  addHealthTo(server: grpc.Server): void {
    this.health.addToServer(server);
  }

  /**
   * Follows readiness (grpc.health.v1 turns SERVING when ready, NOT_SERVING when not) and, when
   * `http` is given, serves /livez, /readyz and /metrics. Resolves with the HTTP port.
   */
  async start(readiness: () => Readiness, httpAt: HttpEndpoint | undefined, log: (line: string) => void): Promise<number | undefined> {
    this.#readiness = readiness;
    this.#followReadiness();
    this.#healthTimer = setInterval(() => this.#followReadiness(), 500);
    this.#healthTimer.unref();
    if (!httpAt) return undefined;
    // Only for a scraped party: the process metrics keep an event-loop monitor and a GC observer
    // each, which in-process tests starting many parties would pile up.
    collectDefaultMetrics({ register: this.registry, prefix: 'fedcredit_process_' });
    const host = httpAt.host ?? '127.0.0.1';
    const server = http.createServer((req, res) => void this.#answer(req, res, log));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new FedcreditError('UNAVAILABLE',
        `cannot serve HTTP probes and metrics on ${host}:${httpAt.port}: ${err.message}; pick another http.port (--http-port) or stop what holds it`)));
      server.listen(httpAt.port, host, () => resolve());
    });
    this.#server = server;
    const port = (server.address() as { port: number }).port;
    log(`http: listening on ${host}:${port} (/livez, /readyz, /metrics; no TLS: keep it on loopback or a management network)`);
    return port;
  }

  /** grpc.health.v1 says what /readyz says: on a timer, and at every /readyz answer (so a probe never sees them disagree). */
  #followReadiness(): Readiness {
    const readiness = this.#readiness();
    if (readiness.ready !== this.#lastReady) {
      this.#lastReady = readiness.ready;
      this.health.setStatus('', readiness.ready ? 'SERVING' : 'NOT_SERVING');
    }
    return readiness;
  }

  async #answer(req: http.IncomingMessage, res: http.ServerResponse, log: (line: string) => void): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (url === '/livez') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (url === '/readyz') {
        const r = this.#followReadiness();
        res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ role: this.#role, ready: r.ready, checks: r.checks })}\n`);
      } else if (url === '/metrics') {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /livez, /readyz or /metrics\n');
      }
    } catch (err) {
      log(`http: ${url} failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error; see the party\'s log\n');
    }
  }

  async stop(): Promise<void> {
    if (this.#healthTimer) clearInterval(this.#healthTimer);
    this.health.setStatus('', 'NOT_SERVING');
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
