/**
 * The small part of the Reflect metadata API (`defineMetadata`, `getOwnMetadata`,
 * `getMetadata`, `metadata`) that `@peculiar/x509`'s dependency-injection container (tsyringe)
 * requires to be present when it loads. The `reflect-metadata` package would provide it but is
 * not a dependency; this shim is installed only where the API is missing, and must be imported
 * before `@peculiar/x509` (lib/federation-ca.ts does).
 */
type PropertyKeyOrNone = string | symbol | undefined;
const store = new WeakMap<object, Map<PropertyKeyOrNone, Map<unknown, unknown>>>();

function ownMap(target: object, property: PropertyKeyOrNone, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (!map && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, property?: string | symbol): void {
    ownMap(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, property?: string | symbol): unknown {
    return ownMap(target, property, false)?.get(key);
  },
  // Metadata is inherited along the prototype chain, as in the reflect-metadata proposal.
  getMetadata(key: unknown, target: object, property?: string | symbol): unknown {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const map = ownMap(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, property?: string | symbol): void => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(api)) {
  if (typeof reflect[name] !== 'function') reflect[name] = fn;
}
