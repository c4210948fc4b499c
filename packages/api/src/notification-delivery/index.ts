export { NotificationEmailWorker, type NotificationEmailWorkerOptions, type EmailRound } from './email-worker.ts';
export { DigestWorker, type DigestWorkerOptions, type DigestRound } from './digest-worker.ts';
export { digestMail } from './content.ts';
