import type { AnyContract } from '@crm/api';
import { z } from 'zod';
import { type SnakeInput, snakeFace } from './casing.ts';
import { ifMatchHeaders } from './fields.ts';

type Obj = z.ZodObject<z.ZodRawShape>;

/*
 * Parts of route declarations that recur across faces, spread into `json(method, path, {...})` and
 * type-checked there against the route's own contract, like hand-written parts.
 *
 * First, parts for a face that shows a use case exactly as its contract does (document 001 shares
 * the contracts' vocabulary): the request parts named are the contract's input, and the answer is
 * the contract's result inside the face's envelope.
 */

/** The contract, answered with its own result and described by its own output schema. */
export const asIs = <C extends AnyContract>(contract: C) => ({ contract, response: contract.output, output: <T>(result: T) => result });

/** The contract takes nothing from the request. */
export const fromNothing = { input: () => undefined };

// Each part below names the request's parts the route reads, with the schemas that parse them, and
// makes them the contract's input: a route cannot declare one part and read another.

/** The JSON body, as `body` parses it, is the contract's input. */
export const fromBody = <B extends z.ZodType>(body: B) => ({ body, input: (req: { body: z.output<B> }) => req.body });
/** An optional JSON body is the contract's input; no body is an empty one (every field left out). */
export const fromBodyOrEmpty = <B extends z.ZodType>(body: B) => ({
  body,
  input: (req: { body: z.output<B> | undefined }) => req.body ?? {},
});
/** The path parameters, as `params` parses them, are the contract's input. */
export const fromParams = <P extends Obj>(params: P) => ({ params, input: (req: { params: z.output<P> }) => req.params });
/** The query string, as `query` parses it, is the contract's input. */
export const fromQuery = <Q extends Obj>(query: Q) => ({ query, input: (req: { query: z.output<Q> }) => req.query });
/** The body's fields with the path parameters (which name the record) are the contract's input. */
export const fromParamsAndBody = <P extends Obj, B extends z.ZodType<object>>(params: P, body: B) => ({
  params,
  body,
  input: (req: { params: z.output<P>; body: z.output<B> }) => ({ ...req.body, ...req.params }),
});
/** The query string's fields with the path parameters (which name the record) are the contract's input. */
export const fromParamsAndQuery = <P extends Obj, Q extends Obj>(params: P, query: Q) => ({
  params,
  query,
  input: (req: { params: z.output<P>; query: z.output<Q> }) => ({ ...req.query, ...req.params }),
});

// The same for a face in snake_case (documents 000 and 003): each part is a snakeInput of the
// contract's own fields, and goes back to the contract's keys.

type SnakeOut<S extends z.ZodRawShape> = z.output<SnakeInput<S>['schema']>;

/** A snake_case JSON body of the contract's fields is the contract's input. */
export const fromSnakeBody = <S extends z.ZodRawShape>(b: SnakeInput<S>) => ({
  body: b.schema,
  input: (req: { body: SnakeOut<S> }) => b.toContract(req.body),
});
/** A snake_case query string of the contract's fields is the contract's input. */
export const fromSnakeQuery = <S extends z.ZodRawShape>(q: SnakeInput<S>) => ({
  query: q.schema,
  input: (req: { query: SnakeOut<S> }) => q.toContract(req.query),
});
/** The snake_case path parameters (which name the record) are the contract's input. */
export const fromSnakeParams = <S extends z.ZodRawShape>(p: SnakeInput<S>) => ({
  params: p.schema,
  input: (req: { params: SnakeOut<S> }) => p.toContract(req.params),
});
/** The body's fields with the path parameters (which name the record), both snake_case, are the contract's input. */
export const fromSnakeParamsAndBody = <S extends z.ZodRawShape, T extends z.ZodRawShape>(p: SnakeInput<S>, b: SnakeInput<T>) => ({
  params: p.schema,
  body: b.schema,
  input: (req: { params: SnakeOut<S>; body: SnakeOut<T> }) => ({ ...b.toContract(req.body), ...p.toContract(req.params) }),
});

// A write pinned to the version the client read (the record's ETag, sent back as If-Match): the
// header's version is the contract's `expectedVersion`.

type IfMatch = z.output<typeof ifMatchHeaders>;

/** The snake_case path parameters name the record, If-Match the version the write is pinned to. */
export const fromVersionedParams = <S extends z.ZodRawShape>(p: SnakeInput<S>) => ({
  params: p.schema,
  headers: ifMatchHeaders,
  input: (req: { params: SnakeOut<S>; headers: IfMatch }) => ({ ...p.toContract(req.params), expectedVersion: req.headers['if-match'] }),
});
/** The same, with the snake_case body's fields (the changes) in the contract's input. */
export const fromVersionedParamsAndBody = <S extends z.ZodRawShape, T extends z.ZodRawShape>(p: SnakeInput<S>, b: SnakeInput<T>) => ({
  params: p.schema,
  headers: ifMatchHeaders,
  body: b.schema,
  input: (req: { params: SnakeOut<S>; headers: IfMatch; body: SnakeOut<T> }) => ({
    ...b.toContract(req.body),
    ...p.toContract(req.params),
    expectedVersion: req.headers['if-match'],
  }),
});

/** A 204: the use case's result is not shown, and the answer has no body. */
export const noContent = { status: 204, response: z.undefined(), output: () => undefined } as const;

/** The answer is a record as the face shows it: its schema, and the mapping from the contract's record. */
export const shownAs = <S extends z.ZodType, T, U>(view: { schema: S; map: (record: T) => U }) => ({
  response: view.schema,
  output: view.map,
});

/** The contract, answered with its result in snake_case: the face's casing of its own output schema. */
export const inSnakeCase = <C extends AnyContract>(contract: C) => ({ contract, ...shownAs(snakeFace(contract.output)) });
