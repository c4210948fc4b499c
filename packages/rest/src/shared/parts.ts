import type { AnyContract } from '@crm/api';
import { z } from 'zod';

/*
 * Parts of route declarations that recur across faces, spread into `json({...})` and type-checked
 * there against the route's own contract, like hand-written parts.
 *
 * Parts of a route declaration for a face that shows a use case exactly as its contract does
 * (document 001 shares the contracts' vocabulary): the request part named is the contract's input,
 * and the answer is the contract's result inside the face's envelope.
 */

/** The contract, answered with its own result and described by its own output schema. */
export const asIs = <C extends AnyContract>(contract: C) => ({ contract, response: contract.output, output: <T>(result: T) => result });

/** The contract takes nothing from the request. */
export const fromNothing = { input: () => undefined };
/** The JSON body, as the route's `body` schema parsed it, is the contract's input. */
export const fromBody = { input: <B>({ body }: { body: B }) => body };
/** An optional JSON body is the contract's input; no body is an empty one (every field left out). */
export const fromBodyOrEmpty = { input: <B>({ body }: { body: B | undefined }) => body ?? {} };
/** The body's fields with the path parameters (which name the record) are the contract's input. */
export const fromParamsAndBody = { input: <P, B>({ params, body }: { params: P; body: B }) => ({ ...body, ...params }) };
/** The path parameters, as the route's `params` schema parsed them, are the contract's input. */
export const fromParams = { input: <P>({ params }: { params: P }) => params };
/** The query string's fields with the path parameters (which name the record) are the contract's input. */
export const fromParamsAndQuery = { input: <P, Q>({ params, query }: { params: P; query: Q }) => ({ ...query, ...params }) };
/** The query string, as the route's `query` schema parsed it, is the contract's input. */
export const fromQuery = { input: <Q>({ query }: { query: Q }) => query };

/** A 204: the use case's result is not shown, and the answer has no body. */
export const noContent = { status: 204, response: z.undefined(), output: () => undefined } as const;

/** The answer is a record as the face shows it: its schema, and the mapping from the contract's record. */
export const shownAs = <S extends z.ZodType, T, U>(view: { schema: S; map: (record: T) => U }) => ({
  response: view.schema,
  output: view.map,
});
