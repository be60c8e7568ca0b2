/**
 * Preloaded into a benchmarked party (`NODE_OPTIONS=--import=<this file>`): counts the bytes of
 * every TCP socket the process opens or accepts, as the kernel sees them (TLS records, HTTP/2
 * frames and gRPC messages included) and the connections opened, and on SIGUSR2 writes the
 * running totals as JSON to $FEDCREDIT_WIRE_COUNT_FILE, so bench/training-processes.ts can read
 * the coordinator's traffic.
 * Every training message passes through the coordinator (nodes' payloads are relayed sealed), so
 * its sockets see every byte the job puts on the wire.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import type net from 'node:net';
import { isMainThread } from 'node:worker_threads';

const file = process.env.FEDCREDIT_WIRE_COUNT_FILE;
if (isMainThread && file) {
  const live = new Set<net.Socket>();
  let closedRead = 0;
  let closedWritten = 0;
  let reports = -1;
  let opened = 0;
  const track = (message: unknown) => {
    const socket = (message as { socket: net.Socket }).socket;
    opened++;
    live.add(socket);
    socket.once('close', () => {
      closedRead += socket.bytesRead;
      closedWritten += socket.bytesWritten;
      live.delete(socket);
    });
  };
  diagnostics.subscribe('net.client.socket', track);
  diagnostics.subscribe('net.server.socket', track);
  const report = () => {
    let read = closedRead;
    let written = closedWritten;
    for (const s of live) {
      read += s.bytesRead;
      written += s.bytesWritten;
    }
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ report: ++reports, read, written, opened }));
    fs.renameSync(`${file}.tmp`, file);
  };
  report(); // report 0: the counter is loaded and SIGUSR2 is handled
  process.on('SIGUSR2', report);
}
