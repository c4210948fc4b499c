export { ReportScheduler, type ReportSchedulerOptions, type SchedulerRound, BUCKET_MS, bucketOf } from './scheduler.ts';
export { RollupRefresher, type RollupRefresherOptions } from './rollup-worker.ts';
export { renderPdf, A4 } from './pdf.ts';
