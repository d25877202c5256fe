/** Keys of T whose type cannot be undefined: they survive `omitUndefined` and stay required. */
type DefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];

/** T with every possibly-undefined key made optional and stripped of `undefined`. */
export type WithoutUndefined<T> = { [K in DefinedKeys<T>]: T[K] } & {
  [K in Exclude<keyof T, DefinedKeys<T>>]?: Exclude<T[K], undefined>;
};

/**
 * A copy of `obj` without the keys whose value is undefined. Under `exactOptionalPropertyTypes`
 * an optional key must be absent, never present-but-undefined; spreading the result over
 * defaults also keeps a default that an undefined option would otherwise overwrite.
 */
export function omitUndefined<T extends object>(obj: T): WithoutUndefined<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, value]) => value !== undefined)) as WithoutUndefined<T>;
}
