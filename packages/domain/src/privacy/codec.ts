import type { EventCodec, EventRow, NewEvent, StreamRef } from '@crm/eventstore';
import { DomainError } from '../shared/errors.ts';
import { keyForWrite, keysFor, type Subject, subjectKey } from './keys.ts';
import { isSealed, SEALED, sealRules } from './rules.ts';
import { open, seal } from './seal.ts';

// The event store's codec for personal data (crypto-shredding). On append, the personal fields of
// an event (rules.ts) are taken out of its data and stored sealed under the subject's key in one
// `$sealed` field; the hash chain covers that stored form. On read they are put back, or, once the
// key is destroyed (or the sealed part does not open), replaced by their erased placeholders, so
// every projection, rebuild, export and reader shows the same blanks without knowing why.

type Data = Record<string, unknown>;

const aad = (tenantId: string, streamType: string, streamId: string, eventType: string) =>
  `${tenantId}/${streamType}/${streamId}/${eventType}`;

const isEmptyRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** The fields of this event the rule seals, when it has any worth sealing. */
function personalPart(event: NewEvent, stream: StreamRef): Data | null {
  const rule = sealRules[event.type];
  if (!rule || rule.subjectType !== stream.type) return null;
  const data = holder(event.data as Data, rule.within);
  const part: Data = {};
  for (const f of rule.fields) if (Object.hasOwn(data, f) && !isEmptyRecord(data[f])) part[f] = data[f];
  return Object.keys(part).length > 0 ? part : null;
}

/** The object the rule's fields sit in: the data itself, or one object inside it. */
function holder(data: Data, within: string | undefined): Data {
  if (!within) return data;
  const inner = data[within];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Data) : {};
}

/** The data without the sealed fields (top level, or inside `within`). */
function without(data: Data, part: Data, within: string | undefined): Data {
  const strip = (o: Data) => Object.fromEntries(Object.entries(o).filter(([k]) => !Object.hasOwn(part, k)));
  return within ? { ...data, [within]: strip(holder(data, within)) } : strip(data);
}

/** The data with the opened (or erased) fields put back where the rule took them from. */
function withPart(data: Data, part: Data, within: string | undefined): Data {
  return within ? { ...data, [within]: { ...holder(data, within), ...part } } : { ...data, ...part };
}

export const privacyCodec: EventCodec = {
  handles: new Set(Object.keys(sealRules)),

  async seal(tx, tenantId, stream, events) {
    // One append is one stream, so one subject and at most one key lookup.
    let key: Buffer | null | undefined;
    const out: NewEvent[] = [];
    for (const event of events) {
      const part = personalPart(event, stream);
      if (!part) {
        out.push(event);
        continue;
      }
      if (key === undefined) key = await keyForWrite(tx, { tenantId, subjectType: stream.type, subjectId: stream.id });
      if (key === null) {
        throw new DomainError(
          'conflict',
          `${stream.type}_erased`,
          `${stream.type} ${stream.id} was erased; its personal data cannot be written again`,
        );
      }
      const data = without(event.data as Data, part, sealRules[event.type]!.within);
      data[SEALED] = seal(key, aad(tenantId, stream.type, stream.id, event.type), part);
      out.push({ ...event, data });
    }
    return out;
  },

  async open(tx, rows) {
    const subjects = new Map<string, Subject>();
    for (const r of rows) {
      if (!sealRules[r.event_type] || !isSealed(r.data)) continue;
      const s = { tenantId: r.tenant_id, subjectType: r.stream_type, subjectId: r.stream_id };
      subjects.set(subjectKey(s), s);
    }
    if (subjects.size === 0) return rows;
    const keys = await keysFor(tx, [...subjects.values()]);
    return rows.map((r): EventRow => {
      const rule = sealRules[r.event_type];
      if (!rule || !isSealed(r.data)) return r;
      const { [SEALED]: sealed, ...rest } = r.data as Data;
      const key = keys.get(subjectKey({ tenantId: r.tenant_id, subjectType: r.stream_type, subjectId: r.stream_id }));
      const part =
        key && typeof sealed === 'string' ? open(key, aad(r.tenant_id, r.stream_type, r.stream_id, r.event_type), sealed) : undefined;
      const erased = typeof rule.erased === 'function' ? rule.erased(r.stream_id) : structuredClone(rule.erased);
      const restored = typeof part === 'object' && part !== null ? (part as Data) : erased;
      return { ...r, data: withPart(rest, restored, rule.within) };
    });
  },
};
