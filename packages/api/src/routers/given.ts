/** What a renamer returns: each named field that was given, under its new name. */
export type Given<I, M extends { [K in keyof I]?: string }> = {
  [K in keyof M & keyof I as M[K] & string]?: Exclude<I[K], undefined>;
};

/**
 * Takes the fields a caller gave, renamed from the contract's names to those of the domain's `T`:
 * `givenAs<CompanyValues>()(input, { owner: 'owner_user_id' })`. A field left out (or undefined) is
 * no change, so it is not in the result; null is kept (it clears). Fields the map does not name are
 * not copied, and a new name that is not a field of `T` does not compile.
 */
export function givenAs<T>() {
  return <I extends object, const M extends { [K in keyof I]?: keyof T & string }>(input: I, names: M): Given<I, M> => {
    const out: Record<string, unknown> = {};
    for (const [from, to] of Object.entries(names)) {
      const value = (input as Record<string, unknown>)[from];
      if (value !== undefined && typeof to === 'string') out[to] = value;
    }
    // The loop copies exactly the named, given fields under their new names, which is Given<I, M>.
    return out as Given<I, M>;
  };
}
