import { contracts } from '@crm/api';
import { z } from 'zod';
import { snakeInput } from '../shared/casing.ts';
import { v1Face } from '../shared/face.ts';
import { fromNothing, fromParams, fromSnakeQuery, inSnakeCase } from '../shared/parts.ts';
import { routesOf } from '../shared/route.ts';

// /v1/reports/*: industry benchmarks (pre-computed), their A4 PDF and the export preview
// (document 000: snake_case, bare resources).

const c = contracts.reports.reports;
const { json, stream } = routesOf(v1Face);

const industry = z.object({ industry: c.benchmark.input.shape.industry });
const previewQuery = snakeInput({ reportId: contracts.reports.Preview.shape.reportId.optional() });

export const reportRoutes = [
  json('get', '/v1/reports/industries', { ...fromNothing, ...inSnakeCase(c.industries) }),
  json('get', '/v1/reports/benchmark/{industry}', { ...fromParams(industry), ...inSnakeCase(c.benchmark) }),
  stream('get', '/v1/reports/benchmark/{industry}/pdf', {
    contract: c.benchmarkPdf,
    contentType: 'application/pdf',
    headersOut: { 'content-disposition': 'inline; filename="industry-benchmark.pdf"', 'cache-control': 'no-store' },
    ...fromParams(industry),
    chunk: (base64) => Buffer.from(base64, 'base64'),
  }),
  json('get', '/v1/reports/export-preview', { ...fromSnakeQuery(previewQuery), ...inSnakeCase(c.exportPreview) }),
];
