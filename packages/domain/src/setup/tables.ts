import type { TaskStatus } from './tasks.ts';

/** One task's state as the read model keeps it (tasks never changed are pending and absent). */
export interface SetupTaskRow {
  status: TaskStatus;
  source: 'manual' | 'auto_check';
  updated_at: string;
  updated_by: number | null;
}

/** Read model of `setup_hub/<tenant id>` (migration 0026). */
export interface SetupHubTable {
  tenant_id: string;
  tasks: Record<string, SetupTaskRow>;
  completed_at: Date | null;
  completed_by: number | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

declare module '@crm/db' {
  interface Database {
    setup_hub: SetupHubTable;
  }
}
