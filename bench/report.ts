import type { Machine } from './machine.ts';

// What a run prints: one JSON object (--json) or a table, each figure beside its baseline and target.

/** Every key the JSON always carries; a figure that could not be measured is null, never 0. */
export const FIGURE_KEYS = [
  'append_per_s',
  'raw_insert_per_s',
  'append_vs_raw',
  'grouped_insert_per_s',
  'append_vs_grouped_insert',
  'platform_events_batches_per_s',
  'raw_batch_inserts_per_s',
  'platform_events_vs_raw_insert',
  'create_deal_rps',
  'create_deal_p50_ms',
  'create_deal_p99_ms',
  'create_deal_errors',
  'move_deal_rps',
  'move_deal_p50_ms',
  'move_deal_p99_ms',
  'move_deal_errors',
  'raw_http_insert_rps',
  'raw_http_insert_p50_ms',
  'raw_http_insert_p99_ms',
  'create_vs_raw_http',
  'move_vs_raw_http',
  'kanban_p50_ms',
  'kanban_p99_ms',
  'kanban_rps',
  'rebuild_events_per_s',
  'raw_scan_rows_per_s',
  'rebuild_vs_raw_scan',
  'server_peak_rss_mb',
] as const;

export type Figures = Record<string, number | null>;

interface Target {
  key: (typeof FIGURE_KEYS)[number];
  op: '>=' | '<=';
  value: number;
}

/** The targets. Judged on the figures exactly as measured. */
export const TARGETS: Target[] = [
  { key: 'append_vs_raw', op: '>=', value: 0.7 },
  { key: 'platform_events_vs_raw_insert', op: '>=', value: 0.5 },
  { key: 'create_vs_raw_http', op: '>=', value: 0.6 },
  { key: 'move_vs_raw_http', op: '>=', value: 0.5 },
  { key: 'kanban_p99_ms', op: '<=', value: 20 },
  { key: 'rebuild_events_per_s', op: '>=', value: 100_000 },
  { key: 'server_peak_rss_mb', op: '<=', value: 300 },
];

/** true / false, or null when the figure is missing or came from a run with failed requests. */
function judge(t: Target, f: Figures, tainted: Set<string>): boolean | null {
  const v = f[t.key];
  if (v === null || v === undefined || tainted.has(t.key)) return null;
  return t.op === '>=' ? v >= t.value : v <= t.value;
}

export interface Report {
  figures: Figures;
  machine: Machine | null;
  /** Figures whose runs had failed requests: they are shown but not judged met. */
  tainted: Set<string>;
  notes: string[];
  errors: string[];
  seconds: number;
  settings: Record<string, unknown>;
  pglite?: Figures;
}

export function toJson(r: Report): Record<string, unknown> {
  const figures = Object.fromEntries(FIGURE_KEYS.map((k) => [k, r.figures[k] ?? null]));
  const extra = Object.fromEntries(Object.entries(r.figures).filter(([k]) => !(FIGURE_KEYS as readonly string[]).includes(k)));
  return {
    ...figures,
    machine: r.machine,
    targets: Object.fromEntries(TARGETS.map((t) => [t.key, { target: `${t.op} ${t.value}`, met: judge(t, r.figures, r.tainted) }])),
    all_targets_met: TARGETS.every((t) => judge(t, r.figures, r.tainted) === true),
    extra,
    ...(r.pglite ? { pglite: r.pglite } : {}),
    settings: r.settings,
    notes: r.notes,
    errors: r.errors,
    duration_s: Math.round(r.seconds),
  };
}

const n = (v: number | null | undefined, unit = '') =>
  v === null || v === undefined ? '—' : `${v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 3 : 1 })}${unit}`;

export function toTable(r: Report): string {
  const f = r.figures;
  const mark = (key: string) => {
    const t = TARGETS.find((x) => x.key === key)!;
    const met = judge(t, f, r.tainted);
    return { target: `${t.op === '>=' ? '≥' : '≤'} ${n(t.value)}`, met: met === null ? '?' : met ? 'met' : 'NOT met' };
  };
  const rows: string[][] = [['Figure', 'Measured', 'Baseline (same run)', 'Ratio / key', 'Target', 'Met']];
  const add = (name: string, measured: string, baseline: string, value: string, key: string) => {
    const m = mark(key);
    rows.push([name, measured, baseline, value, m.target, m.met]);
  };
  add(
    'Append, 1 event/call, 32 writers',
    `${n(f.append_per_s)}/s`,
    `${n(f.raw_insert_per_s)}/s plain INSERT`,
    n(f.append_vs_raw),
    'append_vs_raw',
  );
  rows.push([
    '  the same, second baseline',
    '',
    `${n(f.grouped_insert_per_s)}/s grouped unnest INSERT`,
    n(f.append_vs_grouped_insert),
    '—',
    '—',
  ]);
  add(
    `Platform events, batch of ${n(f.platform_events_batch_size)}, 4 writers`,
    `${n(f.platform_events_batches_per_s)} batches/s (${n(f.platform_events_rows_per_s)} rows/s)`,
    `${n(f.raw_batch_inserts_per_s)}/s plain multi-row INSERT`,
    n(f.platform_events_vs_raw_insert),
    'platform_events_vs_raw_insert',
  );
  add(
    'POST /v1/crm/deals, 50 conn',
    `${n(f.create_deal_rps)} rps, p50 ${n(f.create_deal_p50_ms)} / p99 ${n(f.create_deal_p99_ms)} ms`,
    `${n(f.raw_http_insert_rps)} rps bare Hono+INSERT`,
    n(f.create_vs_raw_http),
    'create_vs_raw_http',
  );
  add(
    'PATCH /v1/crm/deals/:id/move, 50 conn',
    `${n(f.move_deal_rps)} rps, p50 ${n(f.move_deal_p50_ms)} / p99 ${n(f.move_deal_p99_ms)} ms`,
    `(bare p50 ${n(f.raw_http_insert_p50_ms)} / p99 ${n(f.raw_http_insert_p99_ms)} ms)`,
    n(f.move_vs_raw_http),
    'move_vs_raw_http',
  );
  add(
    'GET kanban, 10k deals/8 stages, 10 conn',
    `${n(f.kanban_rps)} rps, p50 ${n(f.kanban_p50_ms)} ms`,
    '—',
    `p99 ${n(f.kanban_p99_ms, ' ms')}`,
    'kanban_p99_ms',
  );
  add(
    `Rebuild projections, ${n(f.rebuild_events)} events`,
    `${n(f.rebuild_events_per_s)} events/s`,
    `${n(f.raw_scan_rows_per_s)} rows/s plain scan`,
    `${n(f.rebuild_vs_raw_scan)} (events/s is judged)`,
    'rebuild_events_per_s',
  );
  add(`Server peak RSS (VmHWM), ${n(f.sockets_open)} sockets at the end`, n(f.server_peak_rss_mb, ' MB'), '—', '—', 'server_peak_rss_mb');

  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const m = r.machine;
  const out = [
    '',
    `Machine: ${m ? `${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, node ${m.node}, ${m.postgres.split(' on ')[0]}` : 'unknown'}`,
    `Other load on it (bench idle): ${n(f.machine_busy_before_pct, '%')} busy before the run, ${n(f.machine_busy_after_pct, '%')} after`,
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
    '',
    `Errors: create ${n(f.create_deal_errors)}, move ${n(f.move_deal_errors)}, kanban ${n(f.kanban_errors)}, bare HTTP ${n(f.raw_http_errors)}, append ${n(f.append_errors)}, plain INSERT ${n(f.raw_insert_errors)}`,
    'For information:',
    `  append inside inTenant (begin, set_config, es_append, commit), as a command does: ${n(f.append_in_tx_per_s)}/s; ` +
      `the plain INSERT wrapped the same way: ${n(f.raw_tx_insert_per_s)}/s`,
    `  CPU per request, server process / whole machine: create ${n(f.create_deal_server_cpu_ms)} / ${n(f.create_deal_machine_cpu_ms, ' ms')}, ` +
      `move ${n(f.move_deal_server_cpu_ms)} / ${n(f.move_deal_machine_cpu_ms, ' ms')}, kanban ${n(f.kanban_server_cpu_ms)} / ${n(f.kanban_machine_cpu_ms, ' ms')}; ` +
      `bare Hono+INSERT ${n(f.raw_http_server_cpu_ms)} / ${n(f.raw_http_machine_cpu_ms, ' ms')}`,
    `  kanban: ${n(f.kanban_response_kb, ' kB')} per answer; server idle ${n(f.kanban_settle_s, ' s')} after seeding; at 1 connection p50 ${n(f.kanban_1conn_p50_ms, ' ms')} / p99 ${n(f.kanban_1conn_p99_ms, ' ms')}`,
    `  sockets: ${n(f.sockets_open)} open over ${n(f.sockets_users)} users, RSS ${n(f.sockets_server_rss_before_mb, ' MB')} before, ${n(f.sockets_server_rss_mb, ' MB')} with them; ` +
      `idle: ${n(f.sockets_idle_server_cpu_s_per_s)} server CPU s/s, ${n(f.sockets_idle_db_xacts_per_s)} DB xacts/s; ` +
      `push p50 ${n(f.push_latency_p50_ms, ' ms')} / p99 ${n(f.push_latency_p99_ms, ' ms')}, ${n(f.messages_received)}/${n(f.messages_expected)} received`,
    `  server RSS, sampled max per phase: commands ${n(f.server_rss_max_commands_mb, ' MB')}, kanban (with its seeding) ${n(f.server_rss_max_kanban_mb, ' MB')}, ` +
      `merge ${n(f.server_rss_max_merge_mb, ' MB')}, sockets ${n(f.server_rss_max_sockets_mb, ' MB')}`,
    `  server RSS ${n(f.server_rss_at_start_mb, ' MB')} when it came up, sampled max ${n(f.server_rss_sampled_max_mb, ' MB')}; replay: ${n(f.replay_events_in_table)} events seeded in ${n(f.replay_seed_s, ' s')}, rebuild took ${n(f.rebuild_s, ' s')} ` +
      `(CPU: rebuilding process ${n(f.rebuild_node_cpu_s, ' s')}, whole machine ${n(f.rebuild_machine_cpu_s, ' s')})`,
  ];
  if (r.pglite) {
    out.push(
      `PGlite (information): append ${n(r.pglite.append_per_s)}/s vs INSERT ${n(r.pglite.raw_insert_per_s)}/s = ${n(r.pglite.append_vs_raw)}`,
    );
  }
  for (const note of r.notes) out.push(`NOTE: ${note}`);
  for (const e of r.errors) out.push(`ERROR: ${e}`);
  out.push(`Run took ${Math.round(r.seconds)} s.`, '');
  return out.join('\n');
}
