import { contracts } from '@crm/api';
import { snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, fromSnakeBody, fromSnakeParams, fromSnakeParamsAndBody, inSnakeCase } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/reports/schedules: scheduled reports {report_type, cron, recipients, format} (document 000).

const c = contracts.reports.schedules;
const { json } = routesOf(v1Face);

const reportId = snakeInput({ reportId: c.update.input.shape.reportId });

export const scheduleRoutes = [
  json('get', '/v1/reports/schedules', { ...fromNothing, ...inSnakeCase(c.list) }),
  json('post', '/v1/reports/schedules', { status: 201, ...fromSnakeBody(snakeInput(c.create.input.shape)), ...inSnakeCase(c.create) }),
  json('put', '/v1/reports/schedules/{report_id}', {
    ...fromSnakeParamsAndBody(reportId, snakeInput(c.update.input.omit({ reportId: true }).shape)),
    ...inSnakeCase(c.update),
  }),
  json('delete', '/v1/reports/schedules/{report_id}', { ...fromSnakeParams(reportId), ...inSnakeCase(c.cancel) }),
];
