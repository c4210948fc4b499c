import type { EventCodec, EventRow, NewEvent, StreamRef } from '@crm/eventstore';
import { DomainError } from '../shared/errors.ts';
import { keyForWrite, keysFor, type Subject, subjectKey } from './keys.ts';
import { isSealed, SEALED, type SealRule, sealRules } from './rules.ts';
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

/** Whose key seals this event's personal part: its stream's subject, or the one a field names. */
function subjectOf(rule: SealRule, tenantId: string, stream: StreamRef, data: Data): Subject | null {
  if (!rule.subjectField) return rule.subjectType === stream.type ? { tenantId, subjectType: stream.type, subjectId: stream.id } : null;
  const id = data[rule.subjectField];
  return typeof id === 'string' || typeof id === 'number' ? { tenantId, subjectType: rule.subjectType, subjectId: String(id) } : null;
}

/** The fields of this event the rule seals, when it has any worth sealing. */
function personalPart(rule: SealRule, event: NewEvent): Data | null {
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
    // One append is one stream: mostly one subject, and one key lookup per subject at most.
    const keys = new Map<string, Buffer | null>();
    const out: NewEvent[] = [];
    for (const event of events) {
      const rule = sealRules[event.type];
      const subject = rule ? subjectOf(rule, tenantId, stream, event.data as Data) : null;
      const part = rule && subject ? personalPart(rule, event) : null;
      if (!rule || !subject || !part) {
        out.push(event);
        continue;
      }
      const id = subjectKey(subject);
      if (!keys.has(id)) keys.set(id, await keyForWrite(tx, subject));
      const key = keys.get(id);
      if (!key) {
        throw new DomainError(
          'conflict',
          `${subject.subjectType}_erased`,
          `${subject.subjectType} ${subject.subjectId} was erased; its personal data cannot be written again`,
        );
      }
      const data = without(event.data as Data, part, rule.within);
      data[SEALED] = seal(key, aad(tenantId, stream.type, stream.id, event.type), part);
      out.push({ ...event, data });
    }
    return out;
  },

  async open(tx, rows) {
    const subjectOfRow = (r: EventRow) => {
      const rule = sealRules[r.event_type];
      return rule && isSealed(r.data) ? subjectOf(rule, r.tenant_id, { type: r.stream_type, id: r.stream_id }, r.data as Data) : null;
    };
    const subjects = new Map<string, Subject>();
    for (const r of rows) {
      const s = subjectOfRow(r);
      if (s) subjects.set(subjectKey(s), s);
    }
    if (subjects.size === 0) return rows;
    const keys = await keysFor(tx, [...subjects.values()]);
    return rows.map((r): EventRow => {
      const rule = sealRules[r.event_type];
      const subject = subjectOfRow(r);
      if (!rule || !subject) return r;
      const { [SEALED]: sealed, ...rest } = r.data as Data;
      const key = keys.get(subjectKey(subject));
      const part =
        key && typeof sealed === 'string' ? open(key, aad(r.tenant_id, r.stream_type, r.stream_id, r.event_type), sealed) : undefined;
      const erased = typeof rule.erased === 'function' ? rule.erased(subject.subjectId) : structuredClone(rule.erased);
      const restored = typeof part === 'object' && part !== null ? (part as Data) : erased;
      return { ...r, data: withPart(rest, restored, rule.within) };
    });
  },
};
