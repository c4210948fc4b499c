import { type AnyContract, type Context, invoke, invokeStream } from '@crm/api';
import type { z } from 'zod';
import type { Face } from './face.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Obj = z.ZodObject<z.ZodRawShape>;
type Empty = z.ZodObject<{}>;

/** A request after validation: each part parsed by the route's own schema. */
export interface Parsed<P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  headers: z.output<H>;
  body: z.output<B>;
  /** The body exactly as sent, for a route that declares `rawBody` (a signature covers its bytes). */
  text?: string;
}

/** What a route may add to its answer besides the body. */
export interface Reply {
  header(name: string, value: string): void;
  /** The request's absolute URL, for links in the answer (next/previous pages). */
  url: string;
}

/** What a route declares besides its method and path (`/v1/crm/deals/{deal_id}`, OpenAPI style). */
interface Common<C extends AnyContract, P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType> {
  /** The use case it serves: its access rule, procedure and summary come from here. */
  contract: C;
  /** Overrides the contract's summary where the face says more. */
  summary?: string;
  params?: P;
  query?: Q;
  headers?: H;
  body?: B;
  /** Keep the body as sent beside the parsed one (`text`): for a signed webhook, whose signature covers its exact bytes. */
  rawBody?: boolean;
  /** From the validated request to the contract's input. */
  input(req: Parsed<P, Q, H, B>): z.input<C['input']>;
}

export interface JsonRouteSpec<C extends AnyContract, P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType, R extends z.ZodType>
  extends Common<C, P, Q, H, B> {
  /** 200 when left out. 204 answers with no body: its response schema is `z.undefined()`. */
  status?: 200 | 201 | 204;
  /**
   * For a use case whose status depends on its result (start or resume: 201 when it made the
   * record, 200 when it found it): the other status, and the results it answers with.
   */
  otherStatus?: { status: 200 | 201; when(result: z.output<C['output']>): boolean };
  /** The face's shape of the result (inside the face's envelope). */
  response: R;
  /** From the contract's result to the face's. */
  output(result: z.output<C['output']>, reply: Reply): z.input<R>;
  /**
   * The procedure hands out the very same result object while nothing changed (it caches, and
   * never mutates what it handed out: the board's TenantCache): the answer's JSON bytes are then
   * made once per result object and sent again as they are. The board spends most of its CPU on
   * the snake_case mapping and on JSON.stringify of 60-70 kB; a cached board skips both.
   */
  reuseAnswer?: true;
}

/** A streamed answer: always a 200 (a refusal before the first chunk is still an error response). */
export interface StreamRouteSpec<C extends AnyContract, P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType>
  extends Common<C, P, Q, H, B> {
  contentType: string;
  headersOut?: Record<string, string>;
  /** Each chunk of the contract's stream as text, or as bytes (a PDF). */
  chunk(chunk: z.output<C['output']>): string | Uint8Array;
}

export type Outcome =
  | { kind: 'json'; status: 200 | 201 | 204; body: unknown }
  /** An answer already in JSON, as UTF-8 bytes (a reused answer, see reuseAnswer). */
  | { kind: 'bytes'; status: 200 | 201; bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'stream'; contentType: string; headers: Record<string, string>; chunks: AsyncIterable<string | Uint8Array> };

/** One REST route, declared once: validation, the call, the answer and its OpenAPI entry all come from it. */
export interface DeclaredRoute {
  face: Face;
  method: Method;
  path: string;
  contract: AnyContract;
  summary: string;
  params: Obj | undefined;
  query: Obj | undefined;
  headers: Obj | undefined;
  body: z.ZodType | undefined;
  rawBody?: boolean;
  status: 200 | 201 | 204;
  /** The status some results answer with instead of `status` (same response schema). */
  otherStatus?: 200 | 201;
  /** The result's schema inside the envelope (JSON routes), or the content type of a stream. */
  response: { json: z.ZodType } | { contentType: string };
  run(ctx: Context, req: Parsed<Obj, Obj, Obj, z.ZodType>, reply: Reply): Promise<Outcome>;
}

/** The route declarer of one face: every route it makes answers in that face's envelope. */
export function routesOf(face: Face) {
  function json<
    C extends AnyContract,
    R extends z.ZodType,
    P extends Obj = Empty,
    Q extends Obj = Empty,
    H extends Obj = Empty,
    B extends z.ZodType = z.ZodUndefined,
  >(method: Method, path: string, spec: JsonRouteSpec<C, P, Q, H, B, R>): DeclaredRoute {
    const answers = spec.reuseAnswer ? new WeakMap<object, Uint8Array<ArrayBuffer>>() : null;
    const usual = spec.status ?? 200;
    return {
      ...parts(face, method, path, spec),
      status: usual,
      ...(spec.otherStatus ? { otherStatus: spec.otherStatus.status } : {}),
      response: { json: spec.response },
      run: async (ctx, req, reply) => {
        const result = await invoke(ctx, spec.contract, spec.input(narrow<P, Q, H, B>(req)));
        const status = spec.otherStatus?.when(result) ? spec.otherStatus.status : usual;
        if (answers === null || status === 204 || typeof result !== 'object' || result === null) {
          return { kind: 'json', status, body: face.ok(spec.output(result, reply)) };
        }
        let bytes = answers.get(result);
        if (bytes === undefined) {
          // An answer that set a header or read the URL depends on more than the result: not kept.
          let own = true;
          const watched: Reply = {
            header: (name, value) => {
              own = false;
              reply.header(name, value);
            },
            get url() {
              own = false;
              return reply.url;
            },
          };
          bytes = new TextEncoder().encode(JSON.stringify(face.ok(spec.output(result, watched))));
          if (own) answers.set(result, bytes);
        }
        return { kind: 'bytes', status, bytes };
      },
    };
  }

  function stream<
    C extends AnyContract,
    P extends Obj = Empty,
    Q extends Obj = Empty,
    H extends Obj = Empty,
    B extends z.ZodType = z.ZodUndefined,
  >(method: Method, path: string, spec: StreamRouteSpec<C, P, Q, H, B>): DeclaredRoute {
    return {
      ...parts(face, method, path, spec),
      status: 200,
      response: { contentType: spec.contentType },
      run: async (ctx, req) => {
        const source = (await invokeStream(ctx, spec.contract, spec.input(narrow<P, Q, H, B>(req))))[Symbol.asyncIterator]();
        // The first chunk is pulled before the answer starts: a refusal there (an unknown record)
        // is still an error response with its status, not a 200 cut short.
        const first = await source.next();
        async function* text() {
          try {
            if (first.done) return;
            yield spec.chunk(first.value);
            for (let next = await source.next(); !next.done; next = await source.next()) yield spec.chunk(next.value);
          } finally {
            await source.return?.();
          }
        }
        return { kind: 'stream', contentType: spec.contentType, headers: spec.headersOut ?? {}, chunks: text() };
      },
    };
  }

  return { json, stream };
}

function parts<C extends AnyContract, P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType>(
  face: Face,
  method: Method,
  path: string,
  spec: Common<C, P, Q, H, B>,
) {
  return {
    face,
    method,
    path,
    contract: spec.contract,
    summary: spec.summary ?? spec.contract.summary,
    params: spec.params,
    query: spec.query,
    headers: spec.headers,
    body: spec.body,
    ...(spec.rawBody ? { rawBody: true } : {}),
  };
}

/**
 * The mount parses each part with exactly the schemas this route declared (see request.ts), so the
 * parsed request has the declared types; the erased DeclaredRoute cannot carry them.
 */
function narrow<P extends Obj, Q extends Obj, H extends Obj, B extends z.ZodType>(req: Parsed<Obj, Obj, Obj, z.ZodType>) {
  return req as Parsed<P, Q, H, B>;
}
