/**
 * 64-bit integers arrive from gRPC as decimal strings (proto-loader `longs: String`, so no
 * count above 2^53 is ever rounded in the protocol code). A person's or a script's `--json`
 * wants numbers: `"rows": 3`, not `"rows": "3"`. The message's own descriptor says which
 * fields are 64-bit, so an id or a hash that happens to be all digits stays a string.
 */
import { protoDefinition } from './grpc.js';

const LONG_TYPES = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);
const PACKAGE = 'fedcredit.v1';

interface FieldDescriptor { name: string; type: string; typeName: string }
interface MessageDescriptor { field: FieldDescriptor[] }

function descriptorOf(typeName: string): MessageDescriptor | undefined {
  const name = typeName.replace(/^\./, '');
  const definition = protoDefinition();
  const entry = definition[name] ?? definition[`${PACKAGE}.${name}`];
  if (!entry || !('format' in entry) || !('type' in entry)) return undefined;
  return entry.type as MessageDescriptor;
}

function toNumber(v: unknown): unknown {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return v;
  const n = Number(v);
  // Beyond 2^53 a number would be rounded: keep the exact string rather than a wrong count.
  return Number.isSafeInteger(n) ? n : v;
}

/**
 * A copy of `value` (a decoded message of type `typeName`, e.g. 'IngestReport') with its 64-bit
 * fields as numbers, nested messages included; fields the type does not declare are kept as they are.
 */
export function longsAsNumbers(typeName: string, value: unknown): unknown {
  const descriptor = descriptorOf(typeName);
  if (!descriptor || value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of descriptor.field) {
    const v = out[field.name];
    if (v === undefined || v === null) continue;
    if (LONG_TYPES.has(field.type)) out[field.name] = Array.isArray(v) ? v.map(toNumber) : toNumber(v);
    else if (field.type === 'TYPE_MESSAGE') out[field.name] = Array.isArray(v) ? v.map((x) => longsAsNumbers(field.typeName, x)) : longsAsNumbers(field.typeName, v);
  }
  return out;
}
