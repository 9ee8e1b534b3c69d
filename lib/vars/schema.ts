// A small schema builder: one declaration gives the role's vars TypeScript type (compile time)
// and the JSON schema ajv validates at run time, so the two can never drift apart.

export interface VarSchema<T> {
  readonly json: Record<string, unknown>;
  readonly optional: boolean;
  /** phantom: the TypeScript type this schema describes */
  readonly __type?: T;
}

export type Infer<S> = S extends VarSchema<infer T> ? T : never;

type Shape = Record<string, VarSchema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

function mk<T>(json: Record<string, unknown>): VarSchema<T> & { optional: false } {
  return { json, optional: false };
}

export const v = {
  string: (extra: { pattern?: string; enum?: readonly string[] } = {}) =>
    mk<string>({ type: 'string', ...(extra.pattern ? { pattern: extra.pattern } : {}), ...(extra.enum ? { enum: extra.enum } : {}) }),
  enum: <const E extends readonly string[]>(...values: E) => mk<E[number]>({ type: 'string', enum: values }),
  number: () => mk<number>({ type: 'number' }),
  integer: () => mk<number>({ type: 'integer' }),
  boolean: () => mk<boolean>({ type: 'boolean' }),
  unknown: () => mk<unknown>({}),
  array: <T>(items: VarSchema<T>) => mk<T[]>({ type: 'array', items: items.json }),
  record: <T>(values: VarSchema<T>) => mk<Record<string, T>>({ type: 'object', additionalProperties: values.json }),
  object: <S extends Shape>(shape: S) =>
    mk<ObjectOf<S>>({
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.json])),
      required: Object.entries(shape).filter(([, s]) => !s.optional).map(([k]) => k),
    }),
  optional: <T>(s: VarSchema<T>): VarSchema<T | undefined> & { optional: true } => ({ json: s.json, optional: true }),
  oneOf: <A, B>(a: VarSchema<A>, b: VarSchema<B>) => mk<A | B>({ anyOf: [a.json, b.json] }),
};

/** The top-level vars of a role: an object schema whose keys are the role's variable names. */
export function roleVars<S extends Shape>(shape: S): VarSchema<ObjectOf<S>> & { shape: S } {
  return Object.assign(v.object(shape), { shape });
}
