/**
 * The three Reflect metadata functions tsyringe (inside @peculiar/x509) calls at load time:
 * `getMetadata`, `getOwnMetadata`, `defineMetadata`. x509 ships compiled without decorator
 * metadata, so this only has to store and find values; it is installed only when no polyfill
 * (reflect-metadata, core-js) is present. Import it before @peculiar/x509.
 * (Replaceable by the reflect-metadata package if it becomes a dependency.)
 */
type Key = unknown;
type Target = object;

const store = new WeakMap<Target, Map<string | symbol | undefined, Map<Key, unknown>>>();

function own(
  target: Target,
  property: string | symbol | undefined,
  create: boolean,
): Map<Key, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let values = byProperty.get(property);
  if (!values && create) {
    values = new Map();
    byProperty.set(property, values);
  }
  return values;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: Key, value: unknown, target: Target, property?: string | symbol) => {
    own(target, property, true)!.set(key, value);
  };
  reflect.getOwnMetadata = (key: Key, target: Target, property?: string | symbol) =>
    own(target, property, false)?.get(key);
  reflect.getMetadata = (key: Key, target: Target, property?: string | symbol) => {
    for (let current: Target | null = target; current; current = Object.getPrototypeOf(current)) {
      const values = own(current, property, false);
      if (values?.has(key)) return values.get(key);
    }
    return undefined;
  };
}

export {};
