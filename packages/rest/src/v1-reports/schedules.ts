import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeFace, snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, shownAs } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/reports/schedules: scheduled reports {report_type, cron, recipients, format} (document 000).

const c = contracts.reports.schedules;
const { json } = routesOf(v1Face);

const schedule = snakeFace(contracts.reports.Schedule);
const list = snakeFace(c.list.output);
const created = snakeInput(c.create.input.shape);
const changes = snakeInput(c.update.input.omit({ reportId: true }).shape);
const deleted = snakeFace(c.cancel.output);
const reportId = z.object({ report_id: c.update.input.shape.reportId });

export const scheduleRoutes = [
  json({ method: 'get', path: '/v1/reports/schedules', contract: c.list, status: 200, ...fromNothing, ...shownAs(list) }),
  json({
    method: 'post',
    path: '/v1/reports/schedules',
    contract: c.create,
    status: 201,
    body: created.schema,
    input: ({ body }) => created.toContract(body),
    ...shownAs(schedule),
  }),
  json({
    method: 'put',
    path: '/v1/reports/schedules/{report_id}',
    contract: c.update,
    status: 200,
    params: reportId,
    body: changes.schema,
    input: ({ params, body }) => ({ ...changes.toContract(body), reportId: params.report_id }),
    ...shownAs(schedule),
  }),
  json({
    method: 'delete',
    path: '/v1/reports/schedules/{report_id}',
    contract: c.cancel,
    status: 200,
    params: reportId,
    input: ({ params }) => ({ reportId: params.report_id }),
    ...shownAs(deleted),
  }),
];
