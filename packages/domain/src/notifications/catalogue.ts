import { channelsFor, isMuted, type Preferences } from './preferences.ts';
import { NOTIFICATION_CHANNELS, type NotificationChannel, type NotificationSource } from './source.ts';

// The catalogue of notifications a user may get, from the sources, with what the user chose.

export interface CatalogueEntry {
  source: NotificationSource;
  /** The rule is on (not muted as a whole). */
  enabled: boolean;
  /** Effective channels: the user's overrides over the defaults. */
  channels: Record<NotificationChannel, boolean>;
  /** Which channels the user has overridden. */
  overridden: Record<NotificationChannel, boolean>;
}

export function catalogueEntry(source: NotificationSource, prefs: Preferences): CatalogueEntry {
  const own = prefs.overrides[source.key] ?? {};
  const overridden = Object.fromEntries(NOTIFICATION_CHANNELS.map((c) => [c, own[c] !== undefined])) as Record<
    NotificationChannel,
    boolean
  >;
  return { source, enabled: !isMuted(source, prefs), channels: channelsFor(source, prefs), overridden };
}

/** The sources grouped by module, modules and keys in alphabetical order. */
export function catalogue(sources: readonly NotificationSource[], prefs: Preferences): { module: string; entries: CatalogueEntry[] }[] {
  const modules = new Map<string, CatalogueEntry[]>();
  for (const s of [...sources].sort((a, b) => a.key.localeCompare(b.key))) {
    modules.set(s.module, [...(modules.get(s.module) ?? []), catalogueEntry(s, prefs)]);
  }
  return [...modules].sort(([a], [b]) => a.localeCompare(b)).map(([module, entries]) => ({ module, entries }));
}
